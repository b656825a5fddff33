"""Where a repository's git directory is, read from `.git` without running git.

Used for files incidentkit keeps beside git's own (the lint cache, the ID
allocation lock), so they are never in the working tree and are shared by
every worktree of a clone.
"""

from __future__ import annotations

from pathlib import Path


def git_common_dir(start: Path) -> Path | None:
    """The git directory shared by every worktree of the repository holding `start`.

    Read from the `.git` folder or file (a worktree's or submodule's `gitdir:`
    pointer, then its `commondir`), without running git.
    """
    for folder in (start, *start.parents):
        dot = folder / ".git"
        try:
            if dot.is_dir():
                gitdir = dot
            elif dot.is_file():
                text = dot.read_text(encoding="utf-8").strip()
                if not text.startswith("gitdir:"):
                    return None
                gitdir = (folder / text.removeprefix("gitdir:").strip()).resolve()
            else:
                continue
            common = gitdir / "commondir"
            if common.is_file():
                return (gitdir / common.read_text(encoding="utf-8").strip()).resolve()
        except (OSError, UnicodeDecodeError):
            return None
        return gitdir
    return None
