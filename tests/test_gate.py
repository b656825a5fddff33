"""`incidentkit gate` in real repositories: a base branch, a PR branch, and the verdict."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli, case_text, incident_text
from gatefixture import (
    CASE2,
    INC1,
    INC2,
    WAIVER,
    gate_repo,  # noqa: F401 (registers the `repo` fixture)
)
from gitrepo import GitRepo

VERIFIED = "verification:\n  fails_on: support-agent@1.4.0\n  passes_on: support-agent@1.4.1\n"


def s1(extra: str = "") -> str:
    return incident_text(id="INC-2026-0002", severity="S1", extra=extra)


def case2(extra: str = "", tier: str = "regression") -> str:
    return case_text(id="approval", incidents="[INC-2026-0002]", tier=tier, extra=extra)


def gate(run_cli: RunCli, root: Path, *args: str, expect: int | None) -> Any:
    return run_cli("-C", root, "gate", "--base", "main", *args, expect=expect)


def gate_json(run_cli: RunCli, root: Path, *args: str, expect: int) -> dict[str, Any]:
    result = gate(run_cli, root, "--format", "json", *args, expect=expect)
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def rules(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f["rule"], f["path"]) for f in doc["findings"]]


def verdicts(doc: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {i["id"]: (i["change"], i["verdict"]) for i in doc["incidents"]}


# -- the acceptance cases of the gate, one test each ------------------------


def test_incident_with_a_linked_case_passes(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.write(CASE2, case2())
    repo.commit("S1 with its case", "2026-03-05T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert doc["passed"] is True
    assert verdicts(doc) == {"INC-2026-0002": ("added", "pass")}
    assert doc["incidents"][0]["cases_by_tier"] == {"regression": ["approval"]}


def test_incident_without_a_case_blocks(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.commit("S1 alone", "2026-03-05T10:00:00Z")
    result = gate(run_cli, repo.root, expect=1)
    assert f"{INC2}:2:1: INC-2026-0002 (S1, resolved) has no linked eval case" in result.stdout
    assert "[gate-no-case]" in result.stdout
    assert "fix: add a case under evals/<tier>/ with `incidents: [INC-2026-0002]`" in result.stdout
    assert "gate: blocked by 1 problem(s)" in result.stdout


def test_s3_without_a_case_passes_under_default_policy(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, incident_text(id="INC-2026-0002", severity="S3"))
    repo.commit("S3 alone", "2026-03-05T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert verdicts(doc) == {"INC-2026-0002": ("added", "not required")}


def test_case_added_in_a_later_commit_of_the_pr_passes(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    first = repo.commit("S1 first", "2026-03-05T10:00:00Z")
    repo.write(CASE2, case2())
    repo.commit("then its case", "2026-03-05T12:00:00Z")
    gate(run_cli, repo.root, expect=0)
    # the first commit alone, read from git rather than the work tree, would block
    doc = gate_json(run_cli, repo.root, "--head", first, expect=1)
    assert rules(doc) == [("gate-no-case", INC2)]


def test_renamed_incident_file(repo: GitRepo, run_cli: RunCli) -> None:
    repo.checkout("main")
    repo.write(INC2, s1())
    repo.write(CASE2, case2())
    repo.commit("S1 with case on main", "2026-03-05T10:00:00Z")
    repo.branch("rename")
    renamed = "incidents/INC-2026-0002-refunds-issued-without-approval.md"
    repo.move(INC2, renamed)
    repo.commit("better slug", "2026-03-06T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert doc["changes"] == [{"status": "renamed", "path": renamed, "old_path": INC2}]
    assert verdicts(doc) == {"INC-2026-0002": ("renamed", "pass")}


def test_deleting_the_only_case_of_an_s1_blocks(repo: GitRepo, run_cli: RunCli) -> None:
    repo.checkout("main")
    repo.write(INC2, s1())
    repo.write(CASE2, case2())
    repo.commit("S1 with case on main", "2026-03-05T10:00:00Z")
    repo.branch("cleanup")
    repo.remove(CASE2)
    repo.commit("drop a case", "2026-03-06T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=1)
    assert rules(doc) == [("gate-last-case-removed", INC2)]
    assert "deletes the last eval case of INC-2026-0002 (S1)" in doc["findings"][0]["message"]
    assert CASE2 in doc["findings"][0]["message"]
    assert verdicts(doc) == {"INC-2026-0002": ("case changed", "blocked")}


def test_id_collision_with_a_file_added_on_base_after_the_branch_point_blocks(
    repo: GitRepo, run_cli: RunCli
) -> None:
    repo.write(INC2, s1())
    repo.write(CASE2, case2())
    repo.commit("take 0002 on the PR", "2026-03-05T10:00:00Z")
    repo.checkout("main")
    theirs = "incidents/INC-2026-0002-latency-spike.md"
    repo.write(theirs, incident_text(id="INC-2026-0002"))
    repo.write("incidents/INC-2026-0003-another.md", incident_text(id="INC-2026-0003"))
    repo.commit("another branch took 0002 and 0003 first", "2026-03-05T11:00:00Z")
    repo.checkout("pr")
    doc = gate_json(run_cli, repo.root, expect=1)
    assert rules(doc) == [("gate-id-collision", INC2)]
    finding = doc["findings"][0]
    assert theirs in finding["message"]
    assert "renumber this record to INC-2026-0004" in finding["hint"]


def test_waiver_passes_and_is_listed(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1(extra=WAIVER))
    repo.commit("waived S1", "2026-03-05T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert doc["waived"] == [
        {"id": "INC-2026-0002", "reason": "the agent was retired", "approved_by": "@maria-k"}
    ]
    text = gate(run_cli, repo.root, expect=0).stdout
    assert "INC-2026-0002: the agent was retired (approved by @maria-k)" in text
    assert "1 waived" in text


def test_merge_commit_inside_the_pr(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write(INC2, s1())
    repo.commit("S1 on the PR", "2026-03-05T10:00:00Z")
    repo.checkout("main")
    # main moves on with an uncovered S1 of its own: not this PR's doing
    repo.write("incidents/INC-2026-0003-main.md", incident_text(id="INC-2026-0003", severity="S1"))
    repo.commit("main moves on", "2026-03-05T11:00:00Z")
    repo.checkout("pr")
    repo.merge("main", "2026-03-05T12:00:00Z")
    repo.write(CASE2, case2())
    repo.commit("case for the PR's S1", "2026-03-05T13:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert {c["path"] for c in doc["changes"]} == {INC2, CASE2}
    assert verdicts(doc) == {"INC-2026-0002": ("added", "pass")}


def test_shallow_clone_without_the_base_exits_2_with_the_fetch_depth_hint(
    repo: GitRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    repo.write(INC2, s1())
    repo.write(CASE2, case2())
    repo.commit("PR", "2026-03-05T10:00:00Z")
    base_sha = str(repo.repo.commit("main").hexsha)
    clone = repo.shallow_clone(tmp_path / "shallow", "pr")
    result = run_cli("-C", clone, "gate", "--base", base_sha, expect=2)
    assert "shallow" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    assert "Traceback" not in result.output


def test_not_a_git_repository_exits_2(make_repo: Callable[..., Path], run_cli: RunCli) -> None:
    root = make_repo()
    result = run_cli("-C", root, "gate", "--base", "main", expect=2)
    assert "not in a git repository" in result.stderr
    assert "Traceback" not in result.output


# -- more ways to block, and to fail to decide -------------------------------


def test_two_dot_changes_on_base_are_not_blamed_on_the_pr(repo: GitRepo, run_cli: RunCli) -> None:
    repo.checkout("main")
    repo.write(INC2, s1())
    repo.commit("uncovered S1 lands on main after the branch point", "2026-03-05T10:00:00Z")
    repo.checkout("pr")
    repo.write("evals/regression/extra.yaml", case_text(id="extra"))
    repo.commit("PR adds a case", "2026-03-05T11:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=0)
    assert [c["path"] for c in doc["changes"]] == ["evals/regression/extra.yaml"]


def test_lint_error_in_a_touched_file_blocks(repo: GitRepo, run_cli: RunCli) -> None:
    repo.write("evals/regression/typo.yaml", case_text(id="typo", incidents="[INC-2026-0099]"))
    repo.commit("case linking a missing incident", "2026-03-05T10:00:00Z")
    doc = gate_json(run_cli, repo.root, expect=1)
    assert rules(doc) == [("broken-link", "evals/regression/typo.yaml")]


def test_moving_the_last_case_to_a_tier_that_does_not_count_blocks(
    tmp_path: Path, git_env: None, run_cli: RunCli
) -> None:
    repo = GitRepo(
        tmp_path / "repo",
        pyproject='[tool.incidentkit.policy]\npostmortem_severities = []\ncounting_tiers = ["regression"]\n',
    )
    try:
        repo.write(INC2, s1())
        repo.write(CASE2, case2())
        repo.commit("base", "2026-03-04T10:00:00Z")
        repo.branch("pr")
        moved = "evals/pre-deployment/approval.yaml"
        repo.move(CASE2, moved)
        repo.write(moved, case2(tier="pre-deployment"))
        repo.commit("demote", "2026-03-05T10:00:00Z")
        doc = gate_json(run_cli, repo.root, expect=1)
        assert rules(doc) == [("gate-last-case-removed", INC2)]
    finally:
        repo.close()


def test_verification_required_by_policy_blocks_unverified_cases(
    tmp_path: Path, git_env: None, run_cli: RunCli
) -> None:
    repo = GitRepo(
        tmp_path / "repo",
        pyproject='[tool.incidentkit.policy]\npostmortem_severities = []\nverification_severities = ["S1"]\n',
    )
    try:
        repo.write(INC1, incident_text())
        repo.commit("base", "2026-03-04T10:00:00Z")
        repo.branch("pr")
        repo.write(INC2, s1())
        repo.write(CASE2, case2())
        repo.commit("unverified", "2026-03-05T10:00:00Z")
        doc = gate_json(run_cli, repo.root, expect=1)
        assert rules(doc) == [("gate-unverified", CASE2)]
        repo.write(CASE2, case2(extra=VERIFIED))
        repo.commit("verified", "2026-03-06T10:00:00Z")
        gate(run_cli, repo.root, expect=0)
    finally:
        repo.close()


def test_unknown_base_ref_exits_2(repo: GitRepo, run_cli: RunCli) -> None:
    result = run_cli("-C", repo.root, "gate", "--base", "origin/nope", expect=2)
    assert "unknown base ref 'origin/nope'" in result.stderr
    assert "fetch-depth: 0" in result.stderr


def test_no_merge_base_exits_2(repo: GitRepo, run_cli: RunCli) -> None:
    repo.repo.git.checkout("-q", "--orphan", "unrelated")
    repo.commit("a new root", "2026-03-05T10:00:00Z")
    result = run_cli("-C", repo.root, "gate", "--base", "main", expect=2)
    assert "no merge base" in result.stderr


def test_merge_queue_head_holding_both_colliding_ids(repo: GitRepo, run_cli: RunCli) -> None:
    """merge_group: HEAD is the queue's merge of base and PR; --base is the queue's base SHA."""
    repo.write(INC2, incident_text(id="INC-2026-0002"))
    repo.commit("PR takes 0002", "2026-03-05T10:00:00Z")
    repo.checkout("main")
    repo.write("incidents/INC-2026-0002-other.md", incident_text(id="INC-2026-0002"))
    base_sha = repo.commit("main took 0002", "2026-03-05T11:00:00Z")
    repo.branch("queue")
    repo.merge("pr", "2026-03-05T12:00:00Z")
    result = run_cli("-C", repo.root, "gate", "--base", base_sha, "--format", "json", expect=1)
    found = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"gate-id-collision", "unique-id"} <= found


# -- GitHub Actions output -----------------------------------------------------


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    return summary


def test_github_annotations_and_job_summary(repo: GitRepo, run_cli: RunCli, github: Path) -> None:
    repo.write(INC2, s1())
    repo.write(
        "incidents/INC-2026-0003-waived.md",
        incident_text(id="INC-2026-0003", severity="S2", extra=WAIVER),
    )
    repo.write("evals/pre-deployment/one.yaml", case_text(id="one", tier="pre-deployment"))
    repo.commit("one blocked, one waived, one case", "2026-03-05T10:00:00Z")
    result = gate(run_cli, repo.root, expect=1)
    assert result.stdout.splitlines()[0] == (
        f"::error file={INC2},line=2,col=1,title=incidentkit gate%3A gate-no-case::"
        "INC-2026-0002 (S1, resolved) has no linked eval case that counts; "
        "policy requires one that runs and checks something "
        "(fix: add a case under evals/<tier>/ with `incidents: [INC-2026-0002]` in this PR, "
        "or a reviewed `regression_waiver: {reason, approved_by}` on the incident)"
    )
    summary = github.read_text(encoding="utf-8")
    assert summary.startswith("earlier step\n## incidentkit gate: ❌ blocked (1 problem(s))")
    assert (
        "| Incident | Severity | Change | Linked cases per tier | Verification | Verdict |"
        in summary
    )
    assert (
        "| `INC-2026-0001` " in summary
        and "| S3 | case changed | regression 1, pre-deployment 1 | 0/2 verified |" in summary
    )
    assert "| S1 | added | none | - | ❌ blocked |" in summary
    assert "| `INC-2026-0003` | the agent was retired | @\u200bmaria-k |" in summary
    assert "### Blocking" in summary


def test_github_summary_when_the_gate_cannot_decide(
    repo: GitRepo, run_cli: RunCli, github: Path
) -> None:
    result = run_cli("-C", repo.root, "gate", "--base", "nope", expect=2)
    assert result.stdout.startswith(
        "::error title=incidentkit gate could not decide::unknown base ref"
    )
    assert "could not decide" in github.read_text(encoding="utf-8")


def test_record_text_cannot_break_the_summary_table(
    repo: GitRepo, run_cli: RunCli, github: Path
) -> None:
    evil = incident_text(id="INC-2026-0002", severity="S3").replace(
        "title: Support agent quoted a superseded refund window",
        'title: "a | b <script>alert(1)</script>"',
    )
    repo.write(INC2, evil)
    repo.commit("odd title", "2026-03-05T10:00:00Z")
    gate(run_cli, repo.root, expect=0)
    summary = github.read_text(encoding="utf-8")
    assert "<script>" not in summary
    assert "a \\| b &lt;script&gt;" in summary
