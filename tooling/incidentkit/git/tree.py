"""A commit's files laid out in a folder, so records, config and schemas load from it as from a work tree.

The loader reads one kind of tree, a folder; this module makes a folder of a
commit (`export_tree`), read in bulk from git's object store: regular files
as files, symlinks as symlinks (so one pointing out of the repository, or at
itself, is a finding exactly as in a work tree), a submodule as a folder
holding a `.git` file, as a checked-out submodule is (so the folder scan
reports it as it would in a work tree).
Every command that judges a commit (the gate) reads it this way; none has its
own git reading.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from incidentkit.git.repo import GitRepo

_FILE_MODES = ("100644", "100755")
_SYMLINK = "120000"


def export_tree(repo: GitRepo, commit: str, paths: Sequence[str], dest: Path) -> list[str]:
    """Lay out every file under `paths` (folders or files) of `commit` below `dest`.

    Returns the paths written, relative to `dest` (the incident repository's
    root in the commit). Paths missing in the commit are skipped.
    """
    wanted = [p.strip("/") for p in paths if p.strip("/")]
    if not wanted:
        return []
    raw = repo.run_bytes(
        "ls-tree", "-r", "-z", "--full-tree", commit, "--", *(repo.git_path(p) for p in wanted)
    ).decode("utf-8", "surrogateescape")
    entries: list[tuple[str, str, str]] = []
    for entry in raw.split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, _kind, sha = meta.split(" ")
        rel = repo.rel_path(path)
        if rel is not None:
            entries.append((rel, mode, sha))
    blobs = [(rel, mode, sha) for rel, mode, sha in entries if mode in (*_FILE_MODES, _SYMLINK)]
    contents = repo.read_blobs([sha for _, _, sha in blobs])
    root = dest.resolve()
    written: list[str] = []
    for (rel, mode, _sha), data in zip(blobs, contents, strict=True):
        target = root / rel
        if not _inside(root, target):
            continue  # git never stores such a path; refuse rather than write outside dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == _SYMLINK:
            target.symlink_to(os.fsdecode(data))
        else:
            target.write_bytes(data)
        written.append(rel)
    for rel, mode, _sha in entries:
        if mode == "160000" and _inside(root, root / rel):
            (root / rel).mkdir(parents=True, exist_ok=True)  # a submodule: a folder, not a record
            (root / rel / ".git").write_text(f"gitdir: (submodule at commit {_sha})\n")
    return sorted(written)


def _inside(root: Path, target: Path) -> bool:
    # The parent, resolved: the file itself may be a symlink we are about to make.
    return target.parent.resolve().is_relative_to(root) and ".." not in Path(target).parts
