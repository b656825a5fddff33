"""What a pull request changes: merge base, changed record files, other commits' files.

The PR's changes are `git diff MERGE_BASE HEAD` (three-dot semantics), never
a two-dot diff against the base branch's tip, which would show whatever
landed on the base branch since the PR branched off as if the PR had undone
it. Files of another commit (the base tree, the merge base, a `--head` that is
not checked out) are read in bulk from git's object store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from incidentkit.errors import GitError
from incidentkit.git.repo import FETCH_DEPTH_HINT, GitRepo

Status = Literal["added", "modified", "renamed", "deleted"]

_STATUS: dict[str, Status] = {
    "A": "added",
    "C": "added",  # a copy is a new file as far as records go
    "M": "modified",
    "T": "modified",
    "R": "renamed",
    "D": "deleted",
}
_CHUNK = 500


@dataclass(frozen=True, order=True)
class Change:
    """One changed file; paths relative to the incident repository's root."""

    path: str  # the new path; for a deletion, the deleted path
    status: Status
    old_path: str | None = None  # set for renames and deletions (the path at the merge base)

    @property
    def head_path(self) -> str | None:
        return None if self.status == "deleted" else self.path

    @property
    def base_path(self) -> str | None:
        if self.status == "added":
            return None
        return self.old_path or self.path


def merge_base(repo: GitRepo, base_sha: str, head_sha: str) -> str:
    """The best common ancestor of two commits; `GitError` when they share none."""
    try:
        out = repo.run("merge-base", base_sha, head_sha).strip()
    except GitError:
        out = ""
    if not out:
        shallow = " This clone is shallow." if repo.is_shallow() else ""
        raise GitError(
            f"no merge base between {base_sha[:12]} and {head_sha[:12]}: the histories are "
            f"unrelated or cut off.{shallow} {FETCH_DEPTH_HINT[0].upper()}{FETCH_DEPTH_HINT[1:]}"
        )
    return out.split()[0]


def changed_files(repo: GitRepo, old: str, new: str, folders: Sequence[str]) -> list[Change]:
    """Files added, modified, renamed or deleted under `folders` from commit `old` to `new`."""
    raw = repo.run_bytes(
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        old,
        new,
        "--",
        *(repo.git_path(f) for f in folders),
    )
    fields = raw.decode("utf-8", "surrogateescape").split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i][:1]
        if code in ("R", "C"):
            old_path, new_path = fields[i + 1], fields[i + 2]
            i += 3
        else:
            old_path = new_path = fields[i + 1]
            i += 2
        status = _STATUS.get(code)
        new_rel, old_rel = repo.rel_path(new_path), repo.rel_path(old_path)
        if status is None or new_rel is None or old_rel is None:
            continue  # U (unmerged) and X do not occur between two commits
        if status == "renamed":
            changes.append(Change(new_rel, status, old_rel))
        elif status == "deleted":
            changes.append(Change(old_rel, status, old_rel))
        else:
            changes.append(Change(new_rel, status))
    return sorted(changes)


def list_files(repo: GitRepo, commit: str, folders: Sequence[str]) -> dict[str, str]:
    """Path -> blob ID of every regular file under `folders` in a commit."""
    raw = repo.run_bytes(
        "ls-tree", "-r", "-z", commit, "--", *(repo.git_path(f) for f in folders)
    ).decode("utf-8", "surrogateescape")
    found: dict[str, str] = {}
    for entry in raw.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, sha = meta.split(" ")
        rel = repo.rel_path(path)
        # symlinks (120000) and submodules (commit) are not record files
        if kind == "blob" and mode in ("100644", "100755") and rel is not None:
            found[rel] = sha
    return found


def read_files(repo: GitRepo, commit: str, paths: Iterable[str]) -> dict[str, bytes]:
    """The contents of files in a commit, in bulk; paths missing there are left out."""
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    listing: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):  # exact paths as pathspecs; keep argv short
        listing.update(list_files(repo, commit, wanted[start : start + _CHUNK]))
    present = [p for p in wanted if p in listing]
    blobs = repo.read_blobs([listing[p] for p in present])
    return dict(zip(present, blobs, strict=True))


def export_files(repo: GitRepo, commit: str, folders: Sequence[str], dest: Path) -> list[str]:
    """Write every file under `folders` in a commit below `dest`; returns the paths written."""
    listing = list_files(repo, commit, folders)
    paths = sorted(listing)
    blobs = repo.read_blobs([listing[p] for p in paths])
    root = dest.resolve()
    for path, data in zip(paths, blobs, strict=True):
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            continue  # git never stores such a path; refuse rather than write outside dest
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return paths
