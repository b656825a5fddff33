"""A small driver for real git repositories in tests: write files, commit at given times.

Commit times are set through GIT_AUTHOR_DATE / GIT_COMMITTER_DATE, so
turnaround and merge-base questions are answered from real history.
Use with the `git_env` fixture (identity, HOME, no system config).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import git

TEST_PYPROJECT = """\
[tool.incidentkit.policy]
# No post-mortem deadline in these repositories: the gate tests are about
# eval cases, and a missing post-mortem would block for another reason.
postmortem_severities = []
"""


class GitRepo:
    def __init__(self, root: Path, pyproject: str | None = TEST_PYPROJECT) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.repo = git.Repo.init(root, initial_branch="main")
        if pyproject is not None:
            self.write("pyproject.toml", pyproject)

    def close(self) -> None:
        self.repo.close()

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove(self, rel: str) -> None:
        self.repo.git.rm("-q", rel)

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.repo.git.mv(old, new)

    def commit(self, message: str, when: str, author_when: str | None = None) -> str:
        """Stage everything and commit with the given committer time (ISO 8601)."""
        self.repo.git.add("-A")
        self.repo.git.commit(
            "-q",
            "--allow-empty",
            "-m",
            message,
            env={"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": author_when or when},
        )
        return self.head()

    def head(self) -> str:
        return str(self.repo.head.commit.hexsha)

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.repo.git.checkout("-q", "-b", name, start)

    def checkout(self, name: str) -> None:
        self.repo.git.checkout("-q", name)

    def merge(self, name: str, when: str) -> str:
        self.repo.git.merge(
            "-q",
            "--no-ff",
            "--no-edit",
            name,
            env={"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when},
        )
        return self.head()

    def shallow_clone(self, dest: Path, branch: str) -> Path:
        """A real `git clone --depth 1` of one branch, as actions/checkout makes by default."""
        if dest.exists():
            shutil.rmtree(dest)
        git.Repo.clone_from(
            f"file://{self.root}", dest, depth=1, branch=branch, single_branch=True
        ).close()
        return dest
