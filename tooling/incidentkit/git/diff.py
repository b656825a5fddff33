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


def changed_files(repo: GitRepo, old: str, new: str | None, folders: Sequence[str]) -> list[Change]:
    """Files added, modified, renamed or deleted under `folders` from commit `old` to `new`.

    `new=None` compares with the work tree: tracked changes, and every file
    git does not track (untracked or ignored) as added.
    """
    specs = [repo.git_path(f) for f in folders]
    raw = repo.run_bytes(
        "diff",
        "--name-status",
        "-z",
        "-M",
        "--no-ext-diff",
        "--no-textconv",
        old,
        *([new] if new is not None else []),
        "--",
        *specs,
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
    if new is None:
        changes += [Change(p, "added") for p in untracked(repo, folders)]
    return sorted(set(changes))


def untracked(repo: GitRepo, folders: Sequence[str]) -> list[str]:
    """Files under `folders` in the work tree that git does not track, ignored ones too."""
    raw = repo.run_bytes(
        "ls-files", "--others", "-z", "--", *(repo.git_path(f) for f in folders)
    ).decode("utf-8", "surrogateescape")
    found = []
    for path in raw.split("\0"):
        rel = repo.rel_path(path) if path else None
        if rel is not None and "__pycache__" not in rel.split("/"):
            found.append(rel)
    return sorted(found)


def uncommitted(repo: GitRepo, folders: Sequence[str]) -> list[str]:
    """Files under `folders` whose work-tree state is not HEAD's: changed, new or ignored."""
    raw = repo.run_bytes(
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--ignored=matching",
        "--no-renames",
        "--",
        *(repo.git_path(f) for f in folders),
    ).decode("utf-8", "surrogateescape")
    found = set()
    for entry in raw.split("\0"):
        rel = repo.rel_path(entry[3:]) if len(entry) > 3 else None
        if rel is not None and "__pycache__" not in rel.split("/"):
            found.add(rel)
    return sorted(found)


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
