"""ID allocation: the working tree, every local branch and every remote-tracking branch."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from incidentkit.config import load_config
from incidentkit.git.refs import RefFile, files_on_branches
from incidentkit.ids import next_id, scan, taken_ids

PYPROJECT = "[tool.incidentkit]\n"


def _commit(repo: git.Repo, files: dict[str, str], message: str) -> None:
    root = Path(repo.working_tree_dir or "")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    repo.index.add(list(files))
    repo.index.commit(message)


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> git.Repo:
    """An incident repository on `main` with INC-2026-0001 committed."""
    repo = git.Repo.init(tmp_path / "repo", initial_branch="main")
    _commit(
        repo,
        {"pyproject.toml": PYPROJECT, "incidents/INC-2026-0001-first.md": "x"},
        "first incident",
    )
    return repo


def _root(repo: git.Repo) -> Path:
    return Path(repo.working_tree_dir or "")


def test_working_tree_and_current_branch(repo: git.Repo) -> None:
    config = load_config(_root(repo))
    (_root(repo) / "incidents" / "INC-2026-0002-uncommitted.md").write_text("x", encoding="utf-8")
    result = scan(config)
    assert result.warnings == ()
    assert result.taken["INC-2026-0002"] == "incidents/INC-2026-0002-uncommitted.md"
    assert next_id(config, "incident", 2026) == "INC-2026-0003"


def test_id_on_another_local_branch_is_skipped(repo: git.Repo) -> None:
    repo.git.checkout("-b", "feature")
    _commit(repo, {"incidents/INC-2026-0002-on-feature.md": "x"}, "feature incident")
    repo.git.checkout("main")
    root = _root(repo)
    assert not (root / "incidents" / "INC-2026-0002-on-feature.md").exists()
    config = load_config(root)
    assert taken_ids(config)["INC-2026-0002"] == "feature:incidents/INC-2026-0002-on-feature.md"
    assert next_id(config, "incident", 2026) == "INC-2026-0003"


def test_id_on_a_remote_tracking_branch_is_skipped(repo: git.Repo, tmp_path: Path) -> None:
    origin = git.Repo.init(tmp_path / "origin.git", bare=True)
    repo.create_remote("origin", origin.working_dir).push("main")
    teammate = git.Repo.clone_from(origin.working_dir, tmp_path / "teammate")
    teammate.git.checkout("-b", "teammate/incident")
    _commit(teammate, {"incidents/INC-2026-0007-theirs.md": "x"}, "their incident")
    teammate.remote("origin").push("teammate/incident")

    config = load_config(_root(repo))
    assert next_id(config, "incident", 2026) == "INC-2026-0002"  # not fetched yet
    repo.git.fetch("origin")
    taken = taken_ids(config)
    assert taken["INC-2026-0007"] == "origin/teammate/incident:incidents/INC-2026-0007-theirs.md"
    assert next_id(config, "incident", 2026) == "INC-2026-0008"


def test_kinds_and_years_count_separately(repo: git.Repo) -> None:
    _commit(
        repo,
        {
            "postmortems/PM-2026-0004-pm.md": "x",
            "incidents/INC-2025-0042-old.md": "x",
            "incidents/README.md": "x",
        },
        "more",
    )
    config = load_config(_root(repo))
    assert next_id(config, "postmortem", 2026) == "PM-2026-0005"
    assert next_id(config, "incident", 2025) == "INC-2025-0043"
    assert next_id(config, "incident", 2026) == "INC-2026-0002"
    assert next_id(config, "incident", 2027) == "INC-2027-0001"


def test_highest_number_wins_and_gaps_are_not_reused(repo: git.Repo) -> None:
    _commit(repo, {"incidents/INC-2026-0010-later.md": "x"}, "later")
    assert next_id(load_config(_root(repo)), "incident", 2026) == "INC-2026-0011"


def test_incident_repository_inside_a_larger_git_repository(tmp_path: Path, git_env: None) -> None:
    repo = git.Repo.init(tmp_path / "mono", initial_branch="main")
    _commit(
        repo,
        {
            "ops/incidents-db/pyproject.toml": PYPROJECT,
            "ops/incidents-db/incidents/INC-2026-0003-x.md": "x",
            "incidents/INC-2026-0099-unrelated.md": "x",
        },
        "mono",
    )
    repo.git.checkout("-b", "other")
    _commit(repo, {"ops/incidents-db/incidents/INC-2026-0004-y.md": "x"}, "y")
    repo.git.checkout("main")
    root = tmp_path / "mono" / "ops" / "incidents-db"
    assert files_on_branches(root, ["incidents"]) == [
        RefFile("main", "incidents/INC-2026-0003-x.md"),
        RefFile("other", "incidents/INC-2026-0003-x.md"),
        RefFile("other", "incidents/INC-2026-0004-y.md"),
    ]
    assert next_id(load_config(root), "incident", 2026) == "INC-2026-0005"


def test_outside_git_uses_the_working_tree_with_a_warning(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "incidents").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "incidents" / "INC-2026-0001-a.md").write_text("x", encoding="utf-8")
    result = scan(load_config(root))
    assert result.taken == {"INC-2026-0001": "incidents/INC-2026-0001-a.md"}
    assert len(result.warnings) == 1
    assert "not inside a git repository" in result.warnings[0]
    assert next_id(load_config(root), "incident", 2026, taken=result.taken) == "INC-2026-0002"
