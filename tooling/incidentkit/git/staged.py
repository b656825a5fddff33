"""What the commit being made removes: the staged deletions and renames, for the pre-commit hook.

pre-commit hands a hook the staged files that still exist; a commit that only
deletes a record hands it nothing. Runs the git executable directly (one
quick call, no GitPython). Outside a git repository, or without git, there
is nothing staged.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def staged_removals(root: Path) -> list[str]:
    """Paths (relative to `root`) the index deletes or renames away from, compared with HEAD."""
    if shutil.which("git") is None:
        return []
    done = subprocess.run(
        ["git", "-c", "core.quotepath=off", "diff", "--cached", "--name-status", "-z",
         "--find-renames", "--relative", "HEAD"],
        cwd=root, capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:  # no HEAD yet (first commit), or not a repository
        return []
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0")
    removed: list[str] = []
    i = 0
    while i < len(fields) and fields[i]:
        status = fields[i]
        if status.startswith(("R", "C")):
            if status.startswith("R"):
                removed.append(fields[i + 1])  # the old name is gone
            i += 3
            continue
        if status.startswith("D"):
            removed.append(fields[i + 1])
        i += 2
    return removed
