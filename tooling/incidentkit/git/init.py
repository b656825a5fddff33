"""Making a new git repository for `init`: `git init`, the main branch, the first commit.

Runs the git executable directly (no GitPython: `init` must stay quick and
work before anything else is set up). Nothing here raises for a missing git
or a commit git refuses: `init` has already written its files, so the
outcome is reported, with what the user should run instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BRANCH = "main"
FIRST_COMMIT = "Lay out the incident repository (incidentkit init)"


@dataclass(frozen=True)
class GitSetup:
    """What `init` did about git: `state` is one of the names below."""

    state: str  # "initialised", "committed", "inside", "skipped", "no-git", "failed"
    detail: str = ""  # the enclosing work tree, or why a step failed


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # Never wait on a prompt: init runs unattended in scripts and CI too.
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def enclosing_work_tree(path: Path) -> Path | None:
    """The git work tree `path` (or its nearest existing ancestor) is inside, if any."""
    if shutil.which("git") is None:
        return None
    probe = path
    while not probe.is_dir() and probe != probe.parent:
        probe = probe.parent
    result = _git(["rev-parse", "--show-toplevel"], probe)
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def make_repository(root: Path, files: Sequence[str] = ()) -> GitSetup:
    """`git init` on `main` in `root` and a first commit of `files` (relative to `root`).

    Only the files named are committed: whatever else the folder held is the
    user's to add, or not.
    """
    if shutil.which("git") is None:
        return GitSetup("no-git", "git is not installed")
    for args in (["init", "-q"], ["symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"]):
        # symbolic-ref rather than `init -b`: the same result on git older than 2.28
        done = _git(args, root)
        if done.returncode != 0:
            return GitSetup("failed", _last_line(done))
    if not files:
        return GitSetup("initialised")
    added = _git(["add", "--", *(f":(literal){rel}" for rel in files)], root)
    if added.returncode != 0:
        return GitSetup("initialised", _last_line(added))
    committed = _git(["commit", "-q", "--no-verify", "-m", FIRST_COMMIT], root)
    if committed.returncode != 0:
        return GitSetup("initialised", _last_line(committed))
    return GitSetup("committed")


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr or result.stdout).strip().splitlines()
    return lines[-1] if lines else f"git exited {result.returncode}"
