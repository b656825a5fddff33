"""`incidentkit coverage`: cases per tier, policy, waivers, gaps and turnaround."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO_ROOT, RunCli, case_text, incident_text, postmortem_text
from gitrepo import TEST_PYPROJECT, GitRepo
from incidentkit.config import load_config
from incidentkit.coverage import coverage_report
from incidentkit.records.repository import load_repository

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # conftest's pinned INCIDENTKIT_NOW
INC1 = "incidents/INC-2026-0001-stale-refund-window.md"
INC2 = "incidents/INC-2026-0002-other.md"
MakeRepo = Callable[..., Path]


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    r = GitRepo(tmp_path / "repo")
    yield r
    r.close()


def json_coverage(run_cli: RunCli, root: Path, *extra: str, expect: int = 0) -> dict[str, Any]:
    return json.loads(
        run_cli("-C", root, "coverage", "--format", "json", *extra, expect=expect).stdout
    )


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in doc["incidents"]}


# -- turnaround from real commit times ------------------------------------


def test_turnaround_from_real_commit_times(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC1, incident_text(severity="S1", detected_at="2026-03-02T10:00:00Z"))
    repo.commit("incident", "2026-03-02T12:00:00Z")
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit("case", "2026-03-03T16:00:00Z")
    inc = by_id(json_coverage(run_cli, repo.root))["INC-2026-0001"]
    assert inc["turnaround_hours"] == 30.0
    assert inc["turnaround_met"] is True
    assert inc["policy_met"] is True


def test_case_added_in_a_later_commit_misses_the_target(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC1, incident_text(severity="S2", detected_at="2026-03-02T10:00:00Z"))
    repo.commit("incident", "2026-03-02T12:00:00Z")
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit("case, late", "2026-03-06T10:00:00Z")
    doc = json_coverage(run_cli, repo.root)
    inc = by_id(doc)["INC-2026-0001"]
    assert (inc["turnaround_hours"], inc["turnaround_met"]) == (96.0, False)
    assert doc["history_available"] is True
    text = run_cli("-C", repo.root, "coverage").stdout
    assert "4.0 d, over target" in text  # metrics.format_hours


def test_case_moved_between_tiers_keeps_its_turnaround(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC1, incident_text(severity="S1", detected_at="2026-03-02T10:00:00Z"))
    repo.write("evals/regression/refund-window.yaml", case_text())
    repo.commit("incident and case", "2026-03-02T20:00:00Z")
    repo.move("evals/regression/refund-window.yaml", "evals/safety-critical/refund-window.yaml")
    repo.write("evals/safety-critical/refund-window.yaml", case_text(tier="safety-critical"))
    repo.commit("promote", "2026-05-01T10:00:00Z")
    inc = by_id(json_coverage(run_cli, repo.root))["INC-2026-0001"]
    assert inc["turnaround_hours"] == 10.0
    assert inc["cases_by_tier"] == {"safety-critical": ["refund-window"]}


def test_incident_with_two_cases(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC1, incident_text(severity="S1", detected_at="2026-03-02T10:00:00Z"))
    repo.write("evals/pre-deployment/b.yaml", case_text(id="b", tier="pre-deployment"))
    repo.commit("incident, case b", "2026-03-03T10:00:00Z")
    repo.write(
        "evals/regression/a.yaml",
        case_text(
            id="a",
            extra="verification:\n  fails_on: support-agent@1.4.0\n  passes_on: support-agent@1.4.1\n",
        ),
    )
    repo.commit("case a", "2026-03-09T10:00:00Z")
    inc = by_id(json_coverage(run_cli, repo.root))["INC-2026-0001"]
    assert inc["cases_by_tier"] == {"regression": ["a"], "pre-deployment": ["b"]}
    assert [(c["id"], c["tier"], c["path"], c["line"], c["verified"]) for c in inc["cases"]] == [
        ("a", "regression", "evals/regression/a.yaml", 1, True),
        ("b", "pre-deployment", "evals/pre-deployment/b.yaml", 1, False),
    ]
    assert inc["verified"] == 1
    assert inc["turnaround_hours"] == 24.0


def test_an_uncommitted_case_has_no_turnaround_yet(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC1, incident_text(severity="S1", detected_at="2026-11-25T12:00:00Z"))
    repo.commit("incident", "2026-11-25T13:00:00Z")
    repo.write("evals/regression/refund-window.yaml", case_text())  # not committed
    inc = by_id(json_coverage(run_cli, repo.root))["INC-2026-0001"]
    assert (inc["turnaround_hours"], inc["turnaround_met"], inc["policy_met"]) == (
        None,
        None,
        True,
    )


# -- outside git -----------------------------------------------------------


def test_outside_git_turnaround_is_unknown_and_said_so(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    root = make_repo(
        {
            INC1: incident_text(severity="S1"),
            INC2: incident_text(id="INC-2026-0002", severity="S2"),
        }
    )
    doc = json_coverage(run_cli, root)
    assert doc["history_available"] is False
    assert "not in a git repository" in doc["history_note"]
    incs = by_id(doc)
    assert incs["INC-2026-0001"]["turnaround_met"] is None  # has a case: when, git would say
    assert incs["INC-2026-0002"]["turnaround_met"] is False  # no case and the target passed
    text = run_cli("-C", root, "coverage").stdout
    assert "turnaround unknown" in text


# -- policy ----------------------------------------------------------------


def test_policy_by_severity_waiver_and_counting_tiers(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            INC1: incident_text(severity="S3"),
            "evals/regression/refund-window.yaml": None,
            INC2: incident_text(id="INC-2026-0002", severity="S1"),
            "incidents/INC-2026-0003-waived.md": incident_text(
                id="INC-2026-0003",
                severity="S2",
                extra='regression_waiver:\n  reason: agent retired\n  approved_by: "@maria-k"\n',
            ),
            "incidents/INC-2026-0004-pre.md": incident_text(id="INC-2026-0004", severity="S2"),
            "evals/pre-deployment/pre.yaml": case_text(
                id="pre", incidents="[INC-2026-0004]", tier="pre-deployment"
            ),
        },
        pyproject='[tool.incidentkit.policy]\ncounting_tiers = ["regression"]\n',
    )
    report = coverage_report(load_repository(load_config(root)), None, NOW)
    got = {
        c.incident.id: (c.needs_cases, c.policy_met, c.waived, c.turnaround_met)
        for c in report.incidents
    }
    assert got == {
        "INC-2026-0001": (False, True, False, None),  # S3: not covered by default
        "INC-2026-0002": (True, False, False, False),  # S1, no case, long past target
        "INC-2026-0003": (True, True, True, None),  # waived
        # only a case in a non-counting tier: no case counts, so the target is missed
        "INC-2026-0004": (True, False, False, False),
    }
    assert [c.incident.id for c in report.unmet] == ["INC-2026-0002", "INC-2026-0004"]


def test_verification_required_by_severity(make_repo: MakeRepo) -> None:
    verified = "verification:\n  fails_on: support-agent@1.4.0\n  passes_on: support-agent@1.4.1\n"
    root = make_repo(
        {
            INC1: incident_text(severity="S1"),
            INC2: incident_text(id="INC-2026-0002", severity="S1"),
            "evals/regression/two.yaml": case_text(
                id="two", incidents="[INC-2026-0002]", extra=verified
            ),
        },
        pyproject='[tool.incidentkit.policy]\nverification_severities = ["S1"]\n',
    )
    report = coverage_report(load_repository(load_config(root)), {}, NOW)
    assert {c.incident.id: (c.verified, c.policy_met) for c in report.incidents} == {
        "INC-2026-0001": (0, False),
        "INC-2026-0002": (1, True),
    }


def test_policy_since_exempts_imported_history(make_repo: MakeRepo) -> None:
    root = make_repo(
        {INC1: incident_text(severity="S1"), "evals/regression/refund-window.yaml": None},
        pyproject='[tool.incidentkit.policy]\nsince = "2026-06-01"\n',
    )
    (cov,) = coverage_report(load_repository(load_config(root)), None, NOW).incidents
    assert (cov.needs_cases, cov.policy_met, cov.turnaround_met) == (False, True, None)


def test_turnaround_not_yet_due(make_repo: MakeRepo) -> None:
    root = make_repo(
        {
            INC1: incident_text(severity="S1", detected_at="2026-11-25T12:00:00Z"),
            "evals/regression/refund-window.yaml": None,
        }
    )
    (cov,) = coverage_report(load_repository(load_config(root)), {}, NOW).incidents
    assert (cov.policy_met, cov.turnaround_hours, cov.turnaround_met) == (False, None, None)


# -- evaluation gaps --------------------------------------------------------


def test_gaps_closed_by_cases_naming_the_gap(make_repo: MakeRepo, run_cli: RunCli) -> None:
    gaps = (
        "evaluation_gaps:\n"
        "  - type: stale-test-data\n    description: old data\n"
        "  - type: missing-adversarial-case\n    description: no attack case\n"
    )
    pm = postmortem_text().replace(
        "evaluation_gaps:\n  - type: stale-test-data\n    description: Eval data predates the policy change.\n",
        gaps,
    )
    root = make_repo(
        {
            "postmortems/PM-2026-0001-refund.md": pm,
            "evals/regression/refund-window.yaml": case_text(extra="gap: stale-test-data\n"),
        }
    )
    doc = json_coverage(run_cli, root, "--check")  # gaps do not fail --check by default
    assert [(g["postmortem"], g["type"], g["cases"], g["closed"]) for g in doc["gaps"]] == [
        ("PM-2026-0001", "stale-test-data", ["refund-window"], True),
        ("PM-2026-0001", "missing-adversarial-case", [], False),
    ]
    (root / "pyproject.toml").write_text(
        "[tool.incidentkit.policy]\ngaps_must_close = true\n", encoding="utf-8"
    )
    run_cli("-C", root, "coverage", "--check", expect=1)


# -- --check, formats, and the reminders workflow ---------------------------


def test_check_fails_when_policy_is_not_met(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo({INC2: incident_text(id="INC-2026-0002", severity="S1")})
    run_cli("-C", root, "coverage", expect=0)
    result = run_cli("-C", root, "coverage", "--check", expect=1)
    assert "INC-2026-0002" in result.stdout and "unmet" in result.stdout
    assert "add an eval case" in result.stdout


def test_markdown_format(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo({INC1: incident_text(severity="S1")})
    md = run_cli("-C", root, "coverage", "--format", "markdown").stdout
    assert "| Incident | Severity |" in md
    assert "| `INC-2026-0001` | S1 |" in md


def _reminders() -> ModuleType:
    path = REPO_ROOT / ".github/scripts/reminders.py"
    spec = importlib.util.spec_from_file_location("reminders_script", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_json_is_what_the_reminders_workflow_reads(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_repo(
        {
            INC2: incident_text(id="INC-2026-0002", severity="S1"),
            "incidents/INC-2026-0003-fresh.md": incident_text(
                id="INC-2026-0003", severity="S2", detected_at="2026-11-26T08:00:00Z"
            ),
        },
        pyproject=TEST_PYPROJECT,
    )
    (tmp_path / "coverage.json").write_text(
        run_cli("-C", root, "coverage", "--format", "json").stdout, encoding="utf-8"
    )
    (tmp_path / "lint.json").write_text('{"findings": []}', encoding="utf-8")
    out = tmp_path / "body.md"
    code = _reminders().main(
        ["--lint", str(tmp_path / "lint.json"), "--coverage", str(tmp_path / "coverage.json"),
         "--output", str(out)]
    )  # fmt: skip
    assert code == 0
    body = out.read_text(encoding="utf-8")
    assert "1 past the turnaround target" in body
    assert "`INC-2026-0002` | S1" in body and "past target" in body
    assert "`INC-2026-0003` | S2" in body and "no case yet" in body
