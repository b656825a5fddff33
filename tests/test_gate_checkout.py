"""The gate reads a commit's records where they are checked out only when git shows the work
tree holds exactly that commit's files (`git/checkout.py`); any doubt exports the commit.

Each way a work tree can differ from its commit is made for real in a git
repository, and the gate's verdict is compared with the one it gives when it
always exports.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import case_text, incident_text
from gatefixture import CASE1, CASE2, INC2, gate_repo  # noqa: F401 (registers the `repo` fixture)
from gitrepo import GitRepo
from incidentkit import gate
from incidentkit.config import load_config
from incidentkit.gate import GateResult, run_gate
from incidentkit.git.checkout import checked_out_files
from incidentkit.git.repo import open_repo
from incidentkit.records.folders import FolderScan

NOW = datetime(2026, 11, 20, tzinfo=UTC)
FOLDERS = ["incidents", "postmortems", "evals", "pyproject.toml"]


def _pr(repo: GitRepo) -> None:
    """An S1 incident with its case on the PR branch, committed."""
    repo.write(INC2, incident_text(id="INC-2026-0002", severity="S1"))
    repo.write(CASE2, case_text(id="approval", incidents="[INC-2026-0002]"))
    repo.commit("S1 with its case", "2026-03-05T10:00:00Z")


def _files(repo: GitRepo) -> set[str] | None:
    with open_repo(repo.root) as git_repo:
        return checked_out_files(git_repo, repo.head(), FOLDERS)


def _verdict(result: GateResult) -> tuple[object, ...]:
    return (result.findings, result.notices, result.incidents, result.changes, result.head_sha)


def _judged(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, head: str | None = None
) -> tuple[GateResult, list[bool]]:
    """The gate's result, and whether it read the work tree in place."""
    in_place: list[bool] = []
    decide = gate._work_tree_walk

    def noted(*args: Any) -> FolderScan | None:
        walk = decide(*args)
        in_place.append(walk is not None)
        return walk

    monkeypatch.setattr(gate, "_work_tree_walk", noted)
    result = run_gate(load_config(repo.root), "main", head, NOW)
    monkeypatch.setattr(gate, "_work_tree_walk", lambda *args: None)
    exported = run_gate(load_config(repo.root), "main", head, NOW)
    monkeypatch.setattr(gate, "_work_tree_walk", decide)
    assert _verdict(result) == _verdict(exported)
    return result, in_place


def test_a_clean_checkout_of_the_head_is_read_in_place(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pr(repo)
    files = _files(repo)
    assert files is not None and {INC2, CASE1, CASE2} <= files
    result, in_place = _judged(repo, monkeypatch)
    assert in_place == [True]
    assert result.passed


def _edit(repo: GitRepo) -> None:
    (repo.root / INC2).write_text(incident_text(id="INC-2026-0002", severity="S2"))


def _untracked(repo: GitRepo) -> None:
    repo.write("incidents/notes.txt", "a draft\n")


def _ignored(repo: GitRepo) -> None:
    repo.write(".gitignore", "*.bak\n")
    repo.commit("ignore backups", "2026-03-06T10:00:00Z")
    repo.write("incidents/INC-2026-0002.md.bak", "old\n")


def _sparse(repo: GitRepo) -> None:
    repo.repo.git.update_index("--skip-worktree", CASE2)
    (repo.root / CASE2).unlink()


def _assumed(repo: GitRepo) -> None:
    repo.repo.git.update_index("--assume-unchanged", INC2)
    _edit(repo)


def _autocrlf(repo: GitRepo) -> None:
    repo.repo.git.config("core.autocrlf", "true")


def _attributes(repo: GitRepo) -> None:
    repo.write(".gitattributes", "*.md eol=crlf\n")
    repo.commit("line endings", "2026-03-06T10:00:00Z")


def _symlink(repo: GitRepo) -> None:
    repo.write("docs/shared.md", incident_text(id="INC-2026-0003"))
    (repo.root / "incidents/INC-2026-0003-shared.md").symlink_to("../docs/shared.md")
    repo.commit("a linked record", "2026-03-06T10:00:00Z")


def _empty_record_folder(repo: GitRepo) -> None:
    (repo.root / "incidents/INC-2026-0009-empty.md").mkdir()


@pytest.mark.parametrize(
    "differ",
    [
        _edit,
        _untracked,
        _ignored,
        _sparse,
        _assumed,
        _autocrlf,
        _attributes,
        _symlink,
    ],
)
def test_any_difference_from_the_commit_is_seen_and_the_commit_exported(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    differ: Callable[[GitRepo], None],
) -> None:
    _pr(repo)
    differ(repo)
    head = repo.head()  # some commit what they need (.gitignore, .gitattributes, a link)
    with open_repo(repo.root) as git_repo:
        assert checked_out_files(git_repo, head, FOLDERS) is None
    _, in_place = _judged(repo, monkeypatch)
    assert in_place == [False]


def test_a_head_that_is_not_checked_out_is_exported(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pr(repo)
    head = repo.head()
    repo.repo.git.checkout("-q", "main")
    _, in_place = _judged(repo, monkeypatch, head=head)
    assert in_place == [False]


def test_a_folder_git_cannot_hold_is_seen_by_the_walk(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pr(repo)
    _empty_record_folder(repo)
    assert _files(repo) is not None  # git sees nothing: empty folders are not tracked
    _, in_place = _judged(repo, monkeypatch)
    assert in_place == [False]


def test_a_work_tree_read_in_place_is_left_as_it_was(
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _pr(repo)
    before = _snapshot(repo.root)
    _, in_place = _judged(repo, monkeypatch)
    assert in_place == [True]
    after = _snapshot(repo.root)
    assert after == before


def _snapshot(root: Path) -> dict[Path, tuple[bytes, int]]:
    """Every file of the work tree (not `.git`), its bytes and modification time."""
    return {
        path: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
