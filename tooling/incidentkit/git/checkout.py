"""Whether the work tree holds exactly a commit's files, byte for byte, as `export_tree` lays them out.

The gate judges a commit. In CI the commit is what is checked out, and when
nothing under the judged folders differs from it the work tree already is
the folder `export_tree` would write: reading it in place spares writing
(and deleting) one file per record, and lets the lint cache trust the files'
`stat`. "Nothing differs" is checked, never assumed: the commit is HEAD; git
reports no change, untracked or ignored file there; no entry is sparse
(skip-worktree), assume-unchanged, conflicted or a submodule; and no setting
or attribute rewrites bytes on checkout (line endings, filters such as Git
LFS, `ident`, an encoding). Any doubt answers no, and the gate exports.
"""

from __future__ import annotations

from collections.abc import Sequence

from incidentkit.errors import GitError
from incidentkit.git.diff import uncommitted
from incidentkit.git.repo import GitRepo

# Attributes that make a checked-out file's bytes differ from the blob's.
_REWRITING = ("eol", "filter", "ident", "working-tree-encoding")


def checked_out_files(repo: GitRepo, commit: str, paths: Sequence[str]) -> set[str] | None:
    """The files under `paths` (relative to the incident repository) when the work tree
    holds exactly `commit`'s files there; None when it may not."""
    try:
        if repo.resolve("HEAD", "HEAD") != commit or _rewrites_line_endings(repo):
            return None
        if uncommitted(repo, paths):
            return None
        tracked = _plain_entries(repo, paths)
        if tracked is None or _rewritten(repo, tracked):
            return None
    except GitError:
        return None
    found = {repo.rel_path(path) for path in tracked}
    return {path for path in found if path is not None}


def _rewrites_line_endings(repo: GitRepo) -> bool:
    listing = repo.run_bytes("config", "-z", "--list").decode("utf-8", "replace")
    for entry in listing.split("\0"):
        name, _, value = entry.partition("\n")
        value = value.strip().lower()
        if name == "core.autocrlf" and value in ("true", "yes", "on", "1"):
            return True
        if name == "core.eol" and value == "crlf":
            return True
        if name == "core.symlinks" and value in ("false", "no", "off", "0"):
            return True  # links checked out as files holding the target
    return False


def _plain_entries(repo: GitRepo, paths: Sequence[str]) -> list[str] | None:
    """Git paths of the index entries under `paths`; None when one is not a plain
    checked-out file (sparse, assume-unchanged, conflicted, a submodule), or a symlink,
    which `export_tree` lays out without the files outside `paths` it may point at."""
    raw = repo.run_bytes(
        "ls-files", "-z", "-s", "-v", "--", *(repo.git_path(p) for p in paths)
    ).decode("utf-8", "surrogateescape")
    found: list[str] = []
    for entry in raw.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        fields = meta.split(" ")
        if len(fields) != 4:
            return None  # not the shape this git version was asked for: export
        tag, mode, _sha, stage = fields
        if tag != "H" or mode in ("160000", "120000") or stage != "0":
            return None
        found.append(path)
    return found


def _rewritten(repo: GitRepo, git_paths: list[str]) -> bool:
    """Whether an attribute rewrites any of these files on checkout."""
    if not git_paths:
        return False
    raw = repo.run_bytes(
        "check-attr",
        "-z",
        "--stdin",
        *_REWRITING,
        stdin="\0".join(git_paths).encode("utf-8", "surrogateescape") + b"\0",
    ).decode("utf-8", "surrogateescape")
    fields = raw.split("\0")
    # path, attribute, value, path, attribute, value, ...
    return any(value not in ("unspecified", "unset") for value in fields[2::3])
