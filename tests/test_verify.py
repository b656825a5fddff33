"""`incidentkit verify` on results from real pytest runs of the plugin and on promptfoo JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import RunCli
from evalrepo import PYTEST_SETTINGS, case_yaml, eval_repo
from evalrepo import without_block as _without_block

pytest_plugins = ["pytester"]

FIXED = """\
# Guards against INC-2026-0001: 1.0 promised a retroactive refund.
id: fixed
incidents: [INC-2026-0001]   # the traceability tag
tier: regression
input:
  messages:
    - role: user
      content: 'Can I get a refund?'
  context:
    replies: {"1.0": "We offer a retroactive refund.", "1.1": "Free cancellation within 24 hours."}
expected:
  # the invented policy
  - not-contains: "retroactive refund"

# a trailing comment that must stay where it is
"""

MULTI = """\
# Several cases; every comment here must survive a --write.
cases:
  # fails on 1.0, passes on 1.1
  - id: protects
    incidents: [INC-2026-0001]
    tier: regression
    input:
      messages: [{role: user, content: "Refund?"}]
      context: {replies: {"1.0": "retroactive", "1.1": "24 hours"}}
    expected:
      - contains: "24 hours"   # the real window

  # passes on both: it does not detect the bug
  - id: never-failed
    incidents: [INC-2026-0001]
    tier: regression
    input:
      messages: [{role: user, content: "Refund?"}]
      context: {reply: "24 hours"}
    expected:
      - contains: "24 hours"

  # fails on both: the fix does not work
  - id: still-broken
    incidents: [INC-2026-0001]
    tier: regression
    input:
      messages: [{role: user, content: "Refund?"}]
      context: {reply: "retroactive"}
    expected:
      - contains: "24 hours"
"""

# A team that accepts single-run evidence (the default asks for 3 runs a side).
ONE_RUN = PYTEST_SETTINGS + "\n[tool.incidentkit.policy]\nverification_runs = 1\n"

VERIFIED = {
    "fails_on": "support-agent@1.0",
    "passes_on": "support-agent@1.1",
    "runs_before": 3,
    "runs_after": 3,
    "failure_rate_before": 1.0,
    "failure_rate_after": 0.0,
}


@pytest.fixture
def repo(pytester: pytest.Pytester) -> Path:
    """An incident repository with its before and after runs written by the plugin (3 each)."""
    eval_repo(
        pytester.path,
        {
            "evals/regression/fixed.yaml": FIXED,
            "evals/regression/multi.yaml": MULTI,
            "evals/safety-critical/other-tier.yaml": case_yaml(
                "other-tier", [{"contains": "x"}], tier="safety-critical"
            ),
        },
    )
    for version, name in (("1.0", "before.xml"), ("1.1", "after.xml")):
        pytester.runpytest(
            "evals", "--tier", "regression", "--agent-version", version, "--junitxml", name,
            "--count", "3",
        )  # fmt: skip
    return pytester.path


def test_dry_run_reports_every_verdict_and_writes_nothing(repo: Path, run_cli: RunCli) -> None:
    before_bytes = {p: p.read_bytes() for p in (repo / "evals").rglob("*.yaml")}
    result = run_cli(
        "-C", repo, "verify", "--before", repo / "before.xml", "--after", repo / "after.xml"
    )
    out = result.stdout
    assert "before: 1.0 (1 file(s)); after: 1.1 (1 file(s))" in out
    assert "policy: verified needs at least 3 judged run(s) on each side" in out
    verified = out.split("verified: fails before the fix, passes after it (2):")[1]
    assert "evals/regression/fixed.yaml:2: fixed [INC-2026-0001]" in verified
    assert "evals/regression/multi.yaml:4: protects" in verified
    assert "would record: verification:" in verified and "fails_on: support-agent@1.0" in verified
    assert (
        "no regression protection: passed before the fix (1):\n  evals/regression/multi.yaml:14: never-failed"
        in out
    )
    assert "still failing after the fix (1):\n  evals/regression/multi.yaml:24: still-broken" in out
    assert "before: 100% failed (3/3 runs); after: 100% failed (3/3 runs)" in out
    assert (
        "never run on one side or both (1):\n  evals/safety-critical/other-tier.yaml:1: other-tier"
        in out
    )
    assert "would record verification in 2 case(s); run again with --write" in result.stderr
    assert {p: p.read_bytes() for p in (repo / "evals").rglob("*.yaml")} == before_bytes
    run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
        "--check",
        expect=1,
    )
    # a scope that matches nothing is a mistake, not a pass
    empty = run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
        "--check",
        "--incident",
        "INC-2026-0009",
        expect=2,
    )
    assert "no YAML eval case to verify matches --agent/--tier/--incident" in empty.stderr
    scoped = run_cli(
        "-C",
        repo,
        "verify",
        "--tier",
        "safety-critical",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
    )
    assert "fixed" not in scoped.stdout and "other-tier" in scoped.stdout


def test_write_records_verification_and_keeps_every_comment(repo: Path, run_cli: RunCli) -> None:
    fixed, multi = repo / "evals/regression/fixed.yaml", repo / "evals/regression/multi.yaml"
    old_fixed, old_multi = fixed.read_text(), multi.read_text()
    run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
        "--write",
    )
    new_fixed, new_multi = fixed.read_text(), multi.read_text()
    # outside the inserted block, the files are byte for byte what they were
    assert _without_block(new_fixed) == old_fixed
    assert _without_block(new_multi) == old_multi
    assert yaml.safe_load(new_fixed)["verification"] == VERIFIED
    cases = {c["id"]: c for c in yaml.safe_load(new_multi)["cases"]}
    assert cases["protects"]["verification"] == VERIFIED
    assert "verification" not in cases["never-failed"]
    assert "verification" not in cases["still-broken"]
    # the block sits inside its case, before the comment that introduces the next one
    assert (
        '      - contains: "24 hours"   # the real window\n    verification:\n      fails_on:'
        in new_multi
    )
    assert (
        '  - not-contains: "retroactive refund"\nverification:\n  fails_on: support-agent@1.0\n'
        in new_fixed
    )
    run_cli("-C", repo, "lint", "evals")  # what verify writes is valid against the schema
    again = run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
        "--write",
    )
    assert "already recorded" in again.stdout
    assert fixed.read_text() == new_fixed and multi.read_text() == new_multi


def _verify_write(run_cli: RunCli, repo: Path, expect: int | None = 0) -> str:
    result = run_cli(
        "-C", repo, "verify", "--before", repo / "before.xml", "--after", repo / "after.xml",
        "--write", expect=expect,
    )  # fmt: skip
    return result.stdout + result.stderr


def test_a_symlinked_case_is_recorded_where_it_points_and_stays_a_link(
    repo: Path, run_cli: RunCli
) -> None:
    """A case kept once and linked into evals/: the link must survive --write."""
    link = repo / "evals/regression/fixed.yaml"
    target = repo / "case-library/fixed.yaml"
    target.parent.mkdir()
    target.write_text(link.read_text())
    link.unlink()
    link.symlink_to("../../case-library/fixed.yaml")
    _verify_write(run_cli, repo)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert yaml.safe_load(target.read_text())["verification"] == VERIFIED
    assert _without_block(target.read_text()) == FIXED


def test_a_case_linked_from_outside_the_repository_is_neither_written_nor_replaced(
    repo: Path, run_cli: RunCli, tmp_path_factory: pytest.TempPathFactory
) -> None:
    link = repo / "evals/regression/fixed.yaml"
    outside = tmp_path_factory.mktemp("elsewhere") / "fixed.yaml"
    outside.write_text(link.read_text())
    link.unlink()
    link.symlink_to(outside)
    _verify_write(run_cli, repo)
    assert link.is_symlink() and outside.read_text() == FIXED


def test_a_run_that_selected_no_test_is_an_error(
    repo: Path, pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    pytester.runpytest(
        "evals", "-k", "no-such-case", "--agent-version", "1.0", "--junitxml", "empty.xml"
    )
    result = run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "empty.xml",
        "--after",
        repo / "after.xml",
        expect=2,
    )
    assert "empty.xml: the run selected no test (0 test cases)" in result.stderr
    assert "Traceback" not in result.output


def test_json_format(repo: Path, run_cli: RunCli) -> None:
    result = run_cli(
        "-C",
        repo,
        "verify",
        "--before",
        repo / "before.xml",
        "--after",
        repo / "after.xml",
        "--format",
        "json",
    )
    document = json.loads(result.stdout)
    assert document["before"] == {"version": "1.0", "files": 1}
    assert document["summary"] == {
        "verified": 2,
        "too-few-runs": 0,
        "below-threshold": 0,
        "no-protection": 1,
        "still-failing": 1,
        "inconclusive": 0,
        "not-run": 1,
        "no-agent": 0,
    }
    by_id = {c["id"]: c for c in document["cases"]}
    assert by_id["protects"]["verification"] == VERIFIED
    assert by_id["still-broken"]["after"] == {
        "runs": 3,
        "failures": 3,
        "failure_rate": 1.0,
        "inconclusive": 0,
        "inconclusive_reasons": [],
    }
    assert document["protected"] is False and document["written"] == []


def _junit(tmp: Path, name: str, outcomes: dict[str, str], version: str | None = "1.0") -> Path:
    cases = []
    for case, outcome in outcomes.items():
        child = {"failed": "<failure/>", "skipped": "<skipped/>", "passed": ""}[outcome]
        props = f'<properties><property name="case" value="{case}"/></properties>'
        cases.append(f'<testcase name="test_case[{case}]">{props}{child}</testcase>')
    suite_props = (
        f'<properties><property name="agent_version" value="{version}"/></properties>'
        if version
        else ""
    )
    path = tmp / name
    path.write_text(
        f"<testsuites><testsuite>{suite_props}{''.join(cases)}</testsuite></testsuites>"
    )
    return path


def test_repeated_runs_give_failure_rates(
    make_repo: object, tmp_path: Path, run_cli: RunCli
) -> None:
    root = eval_repo(
        tmp_path / "rates",
        {
            "evals/regression/flaky-bug.yaml": case_yaml("flaky-bug", [{"contains": "x"}]),
            "evals/regression/flaky-fix.yaml": case_yaml("flaky-fix", [{"contains": "x"}]),
        },
    )
    before = [
        _junit(root, f"b{i}.xml", {"flaky-bug": o, "flaky-fix": "failed"})
        for i, o in enumerate(["failed", "passed", "failed"])
    ]
    after = [
        _junit(root, f"a{i}.xml", {"flaky-bug": "passed", "flaky-fix": o}, "1.1")
        for i, o in enumerate(["passed", "failed", "passed"])
    ]
    args = [a for b in before for a in ("--before", b)] + [a for f in after for a in ("--after", f)]
    result = run_cli("-C", root, "verify", *args, "--write")
    assert "before: 67% failed (2/3 runs); after: 0% failed (0/3 runs)" in result.stdout
    assert "before: 100% failed (3/3 runs); after: 33% failed (1/3 runs)" in result.stdout
    data = yaml.safe_load((root / "evals/regression/flaky-bug.yaml").read_text())
    assert data["verification"] == {
        "fails_on": "support-agent@1.0",
        "passes_on": "support-agent@1.1",
        "runs_before": 3,
        "runs_after": 3,
        "failure_rate_before": 0.6667,
        "failure_rate_after": 0.0,
    }
    assert "verification" not in (root / "evals/regression/flaky-fix.yaml").read_text()


def test_versions_come_from_flags_when_the_files_do_not_say(
    tmp_path: Path, run_cli: RunCli
) -> None:
    root = eval_repo(
        tmp_path / "v",
        {"evals/regression/c.yaml": case_yaml("c", [{"contains": "x"}])},
        extra_pyproject=ONE_RUN,
    )
    before = _junit(root, "b.xml", {"c": "failed"}, version=None)
    after = _junit(root, "a.xml", {"c": "passed"}, version=None)
    result = run_cli("-C", root, "verify", "--before", before, "--after", after, expect=2)
    assert (
        "cannot tell which agent version the before results ran: pass --before-version"
        in result.stderr
    )
    result = run_cli(
        "-C",
        root,
        "verify",
        "--before",
        before,
        "--after",
        after,
        "--before-version",
        "3.0",
        "--after-version",
        "3.0.1",
    )
    assert "fails_on: support-agent@3.0" in result.stdout
    # the SPEC's own `agent@version` form is taken as it is, not prefixed twice
    args = ["--before-version", "support-agent@3.0", "--after-version", "support-agent@3.0.1"]
    result = run_cli("-C", root, "verify", "--before", before, "--after", after, *args)
    assert "fails_on: support-agent@3.0\n" in result.stdout
    assert "support-agent@support-agent" not in result.stdout


def test_promptfoo_json_results(tmp_path: Path, run_cli: RunCli) -> None:
    root = eval_repo(
        tmp_path / "pf",
        {
            "evals/regression/pf-case.yaml": case_yaml(
                "pf-case", [{"contains": "x"}], agent="billing-assistant"
            ),
            "evals/regression/unrun.yaml": case_yaml("unrun", [{"contains": "x"}]),
        },
        extra_pyproject=ONE_RUN,
    )

    def promptfoo(name: str, success: bool) -> Path:
        entries = [
            {
                "success": success,
                "testCase": {"metadata": {"case": "pf-case", "incident": "INC-2026-0001"}},
            },
            {"success": True, "testCase": {"description": "INC-2026-00", "metadata": {}}},
        ]
        path = root / name
        path.write_text(json.dumps({"results": {"results": entries}}))
        return path

    result = run_cli(
        "-C",
        root,
        "verify",
        "--before",
        promptfoo("before.json", False),
        "--after",
        promptfoo("after.json", True),
        "--before-version",
        "2.3.0",
        "--after-version",
        "2.3.1",
        "--write",
    )
    data = yaml.safe_load((root / "evals/regression/pf-case.yaml").read_text())
    assert data["verification"]["fails_on"] == "billing-assistant@2.3.0"
    assert data["verification"]["passes_on"] == "billing-assistant@2.3.1"
    assert (
        "never run on one side or both (1):\n  evals/regression/unrun.yaml:1: unrun"
        in result.stdout
    )
    assert "results that name no eval case (2):" in result.stdout
    assert "before: " in result.stdout and ": INC-2026-00" in result.stdout


def test_results_that_name_no_case_are_an_error_not_a_quiet_pass(
    tmp_path: Path, run_cli: RunCli
) -> None:
    """promptfoo JUnit from a suite whose descriptions are not case IDs matched nothing."""
    root = eval_repo(
        tmp_path / "n", {"evals/regression/c.yaml": case_yaml("c", [{"contains": "x"}])}
    )
    junit = (
        '<testsuites><testsuite name="[a@1] prompt 1">'
        '<testcase classname="[a@1] prompt 1" name="test 1: refund question"/>'
        "</testsuite></testsuites>"
    )
    (root / "pf.xml").write_text(junit)
    result = run_cli("-C", root, "verify", "--before", root / "pf.xml", "--after",
                     root / "pf.xml", expect=2)  # fmt: skip
    assert "none of the 1 before result(s) names an eval case" in result.stderr
    assert "'test 1: refund question'" in result.stderr
    misuse = run_cli("-C", root, "verify", "--before", root / "pf.xml", "--after",
                     root / "pf.xml", "--replace", expect=2)  # fmt: skip
    assert "--replace only applies with --write" in misuse.stderr
