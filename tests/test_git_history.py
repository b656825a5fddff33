"""Turnaround data from real git history: one `git log` pass over evals/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import case_text, incident_text
from gitrepo import GitRepo
from incidentkit.config import load_config
from incidentkit.errors import GitError
from incidentkit.git.history import first_case_times, id_pattern

INCIDENT = "incidents/INC-2026-0001-stale-refund-window.md"


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    r = GitRepo(tmp_path / "repo")
    yield r
    r.close()


def times(root: Path) -> dict[str, datetime]:
    return first_case_times(load_config(root))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_first_case_time_is_the_committer_time_of_the_commit_adding_it(repo: GitRepo) -> None:
    repo.write(INCIDENT, incident_text(severity="S1"))
    repo.commit("incident", "2026-03-02T11:00:00+00:00")
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit(
        "case",
        "2026-03-03T16:30:00+02:00",  # the committer's zone must not matter
        author_when="2026-02-01T00:00:00+00:00",  # written earlier; committed later
    )
    assert times(repo.root) == {"INC-2026-0001": at("2026-03-03T14:30:00+00:00")}


def test_a_case_added_in_a_later_commit_counts_from_that_commit(repo: GitRepo) -> None:
    repo.write(INCIDENT, incident_text(severity="S1"))
    repo.write("evals/regression/other.yaml", case_text(id="other", incidents="[INC-2026-0002]"))
    repo.commit("incident and an unrelated case", "2026-03-02T11:00:00Z")
    repo.write("README.md", "unrelated\n")
    repo.commit("unrelated", "2026-03-03T11:00:00Z")
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit("the case", "2026-03-04T11:00:00Z")
    found = times(repo.root)
    assert found["INC-2026-0001"] == at("2026-03-04T11:00:00+00:00")
    assert found["INC-2026-0002"] == at("2026-03-02T11:00:00+00:00")


def test_a_link_added_to_an_existing_case_counts_from_the_link(repo: GitRepo) -> None:
    repo.write("evals/regression/refund-window.yaml", case_text(incidents="[INC-2026-0002]"))
    repo.commit("case for 0002", "2026-03-02T11:00:00Z")
    repo.write(
        "evals/regression/refund-window.yaml",
        case_text(incidents="\n  - INC-2026-0002\n  - INC-2026-0001"),
    )
    repo.commit("also guards 0001", "2026-03-05T11:00:00Z")
    found = times(repo.root)
    assert found["INC-2026-0001"] == at("2026-03-05T11:00:00+00:00")
    assert found["INC-2026-0002"] == at("2026-03-02T11:00:00+00:00")


def test_a_case_moved_between_tiers_keeps_its_first_time(repo: GitRepo) -> None:
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit("case", "2026-03-03T11:00:00Z")
    repo.move("evals/regression/refund-window.yaml", "evals/safety-critical/refund-window.yaml")
    repo.write("evals/safety-critical/refund-window.yaml", case_text(tier="safety-critical"))
    repo.commit("promote the case", "2026-04-01T11:00:00Z")
    assert times(repo.root) == {"INC-2026-0001": at("2026-03-03T11:00:00+00:00")}


def test_two_cases_of_one_incident_count_from_the_first(repo: GitRepo) -> None:
    repo.write("evals/pre-deployment/b.yaml", case_text(id="b", tier="pre-deployment"))
    repo.commit("case b", "2026-03-04T09:00:00Z")
    repo.write("evals/regression/a.yaml", case_text(id="a"))
    repo.commit("case a", "2026-03-06T09:00:00Z")
    assert times(repo.root) == {"INC-2026-0001": at("2026-03-04T09:00:00+00:00")}


def test_python_tests_and_multi_case_files_are_read(repo: GitRepo) -> None:
    repo.write(
        "evals/regression/test_refund.py",
        '@pytest.mark.incident(id="INC-2026-0003")\ndef test_refund() -> None: ...\n',
    )
    repo.write(
        "evals/regression/many.yml",
        "cases:\n  - id: x\n    incidents: [INC-2026-0004]\n",
    )
    repo.commit("cases", "2026-03-04T09:00:00Z")
    assert set(times(repo.root)) == {"INC-2026-0003", "INC-2026-0004"}


def test_ids_match_exactly_and_only_in_added_lines_of_case_files(repo: GitRepo) -> None:
    repo.write("evals/regression/a.yaml", case_text(id="a", incidents="[INC-2026-00012]"))
    repo.write("evals/README.md", "Cases for INC-2026-0005 live here.\n")  # not a case file
    repo.write("incidents/INC-2026-0006-x.md", incident_text(id="INC-2026-0006"))  # not evals/
    # the ID in the file name shows up in the `+++ b/...` header, not in an added line
    repo.write("evals/regression/INC-2026-0007-named.yaml", "id: named\n")
    repo.commit("noise", "2026-03-04T09:00:00Z")
    repo.write("evals/regression/a.yaml", "id: a\n")
    repo.commit("a line removed mentions nothing", "2026-03-05T09:00:00Z")
    assert times(repo.root) == {}


def test_id_pattern_boundaries() -> None:
    pattern = id_pattern("INC")
    line = b"+incidents: [INC-2026-0042, XINC-2026-0001, INC-2026-00421, INC-26-0001]"
    assert pattern.findall(line) == [b"INC-2026-0042"]


def test_a_deleted_case_still_marks_the_first_add(repo: GitRepo) -> None:
    repo.write("evals/regression/a.yaml", case_text(id="a"))
    repo.commit("a", "2026-03-04T09:00:00Z")
    repo.remove("evals/regression/a.yaml")
    repo.commit("drop a", "2026-03-05T09:00:00Z")
    repo.write("evals/regression/b.yaml", case_text(id="b"))
    repo.commit("b", "2026-03-09T09:00:00Z")
    assert times(repo.root) == {"INC-2026-0001": at("2026-03-04T09:00:00+00:00")}


def test_cases_merged_from_a_branch_count_from_their_own_commit(repo: GitRepo) -> None:
    repo.write(INCIDENT, incident_text())
    repo.commit("incident", "2026-03-02T09:00:00Z")
    repo.branch("cases")
    repo.write("evals/regression/a.yaml", case_text(id="a"))
    repo.commit("a", "2026-03-03T09:00:00Z")
    repo.checkout("main")
    repo.write("README.md", "x\n")
    repo.commit("unrelated", "2026-03-04T09:00:00Z")
    repo.merge("cases", "2026-03-06T09:00:00Z")
    assert times(repo.root) == {"INC-2026-0001": at("2026-03-03T09:00:00+00:00")}


def test_a_repository_without_commits_has_no_history(repo: GitRepo) -> None:
    repo.write("evals/regression/a.yaml", case_text(id="a"))
    assert times(repo.root) == {}


def test_incident_repository_in_a_subfolder_of_the_work_tree(tmp_path: Path, git_env: None) -> None:
    outer = GitRepo(tmp_path / "mono", pyproject=None)
    try:
        outer.write("ops/incidents/pyproject.toml", "[tool.incidentkit]\n")
        outer.write("ops/incidents/evals/regression/a.yaml", case_text(id="a"))
        outer.write(
            "evals/regression/elsewhere.yaml", case_text(id="e", incidents="[INC-2026-0009]")
        )
        outer.commit("cases", "2026-03-04T09:00:00Z")
        assert times(outer.root / "ops/incidents") == {
            "INC-2026-0001": at("2026-03-04T09:00:00+00:00")
        }
    finally:
        outer.close()


def test_outside_git_raises_a_git_error(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "incidents").mkdir(parents=True)
    with pytest.raises(GitError, match="not in a git repository"):
        times(root)
