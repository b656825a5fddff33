"""The whole loop on the example agent: a production trace to a merged, verified regression case.

Trace of support-agent 1.4.0's failing conversation (INC-2026-0005, made by
tests/traces/make_fixtures.py with opentelemetry-sdk) -> `new eval
--from-trace` -> a check written -> `reproduce` fails on 1.4.0 -> `minimize`
shrinks it -> it passes on 1.4.1 -> pytest JUnit runs -> `verify --write`
-> `gate` passes. Everything runs for real: the example agent, the pytest
plugin, git.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT, RunCli
from gitrepo import GitRepo
from incidentkit.detectors import find_hits

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).parent / "traces" / "fixtures"
PYPROJECT = """\
[tool.incidentkit.policy]
since = "2026-01-01"
postmortem_severities = []

[tool.incidentkit.agent]
callable = "examples.support_agent:run"
"""
PLACEHOLDER = '  - criteria: "TODO: what a correct reply does"'


@pytest.fixture
def repo(pytester: pytest.Pytester, git_env: None) -> GitRepo:
    """The example incident on main, in a real git repository with the example agent."""
    root = pytester.path
    r = GitRepo(root, pyproject=PYPROJECT)
    for folder in ("schemas", "templates", "examples"):
        shutil.copytree(REPO_ROOT / folder, root / folder)
    for number in ("0001", "0005", "0010"):  # 0005 recurs 0001
        incident = next((REPO_ROOT / "incidents").glob(f"INC-2026-{number}-*.md"))
        r.write(f"incidents/{incident.name}", incident.read_text(encoding="utf-8"))
    r.commit("INC-2026-0005", "2026-05-14T17:00:00+00:00")
    return r


def test_trace_to_verified_case_that_passes_the_gate(
    repo: GitRepo, pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    root = repo.root
    repo.branch("regression-case")
    trace = FIXTURES / "support-refund.otlp.jsonl"

    made = run_cli("-C", root, "new", "eval", "--incident", "INC-2026-0005", "--from-trace", trace)
    case_file = root / made.stdout.strip()
    assert case_file == root / "evals/regression/support-agent-retroactive-refund.yaml"
    assert "redacted: email 2, phone 1, secret 1" in made.stderr
    assert (
        'suggested check (it fails on the observed reply): - not-contains: "We offer a retroactive refund'
        in made.stderr
    )
    text = case_file.read_text(encoding="utf-8")
    case = yaml.safe_load(text)
    assert [m["role"] for m in case["input"]["messages"]] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
        "tool",
    ]
    assert case["input"]["context"]["tool_responses"]["lookup_booking"]["booked_days_ago"] == 45
    assert case["observed"]["output"].startswith("Good news! We offer a retroactive refund")
    assert case["source"] == {
        "format": "otlp-json",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4734",
        "span_id": "00f067aa0ba903b3",
        "conversation_id": "conv-7f3a9c",
        "file": "support-refund.otlp.jsonl",
    }
    # private by default: nothing personal or secret reaches the file
    assert find_hits(text) == []
    for leaked in ("dana.whitfield@mailbox.org", "7946 0958", "sk-proj-"):
        assert leaked not in text
    # the placeholder stays until a real check replaces it; reproduce refuses criteria alone
    assert PLACEHOLDER in text
    refused = run_cli("-C", root, "reproduce", case_file, "--agent-version", "1.4.0", expect=2)
    assert "add a machine check" in refused.stderr
    findings = json.loads(run_cli("-C", root, "lint", "--format", "json", expect=1).stdout)
    assert {f["rule"] for f in findings["findings"]} == {"placeholder"}
    assert any("expected[0].criteria" in f["message"] for f in findings["findings"])

    case_file.write_text(
        text.replace(PLACEHOLDER, '  - not-contains: "retroactive refund"').replace(
            "TODO: one line on the failure this case guards against.",
            "The agent must not promise a retroactive refund.",
        ),
        encoding="utf-8",
    )
    run_cli("-C", root, "lint", expect=0)
    fails = run_cli(
        "-C", root, "reproduce", case_file, "--runs", "3", "--agent-version", "1.4.0", "--yes"
    )
    assert "failed 3/3 runs" in fails.stdout

    run_cli(
        "-C",
        root,
        "minimize",
        case_file,
        "--agent-version",
        "1.4.0",
        "--runs-per-step",
        "2",
        "--write",
        "--yes",
    )
    minimal = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    messages = minimal["input"]["messages"]
    assert len(messages) == 1 and messages[0]["role"] == "user"
    assert "refund" in messages[0]["content"].lower()
    assert "observed" in minimal and "source" in minimal  # kept through the rewrite

    passes = run_cli(
        "-C",
        root,
        "reproduce",
        case_file,
        "--runs",
        "3",
        "--agent-version",
        "1.4.1",
        "--yes",
        expect=1,
    )
    assert "failed 0/3 runs" in passes.stdout

    for version in ("1.4.0", "1.4.1"):
        for run in (1, 2, 3):  # the policy's default verification_runs
            pytester.runpytest(
                "evals", "--agent-version", version, "--junitxml", f"results-{version}-{run}.xml"
            )
    run_cli(
        "-C",
        root,
        "verify",
        "--agent",
        "support-agent",
        *(a for run in (1, 2, 3) for a in ("--before", root / f"results-1.4.0-{run}.xml")),
        *(a for run in (1, 2, 3) for a in ("--after", root / f"results-1.4.1-{run}.xml")),
        "--write",
    )
    verified = yaml.safe_load(case_file.read_text(encoding="utf-8"))["verification"]
    assert verified["fails_on"] == "support-agent@1.4.0"
    assert verified["passes_on"] == "support-agent@1.4.1"
    assert verified["runs_before"] == 3 and verified["failure_rate_before"] == 1.0

    for results in root.glob("results-*.xml"):
        results.unlink()
    repo.commit("Regression case from the production trace", "2026-05-15T09:00:00+00:00")
    gate = run_cli("-C", root, "gate", "--base", "main", "--format", "json")  # exit 0: passes
    assert "INC-2026-0005" in gate.stdout


def test_tool_results_from_the_trace_are_replayed_to_the_agent(
    repo: GitRepo, run_cli: RunCli
) -> None:
    """INC-2026-0010: the failure needs the order lookup's timeout, which only the trace has."""
    root = repo.root
    trace = FIXTURES / "support-order.otlp.jsonl"
    made = run_cli("-C", root, "new", "eval", "--incident", "INC-2026-0010", "--from-trace", trace)
    case_file = root / made.stdout.strip()
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    assert case["input"]["context"] == {
        "tool_responses": {"order_lookup": {"error": "timeout", "after_ms": 10000}}
    }
    assert (
        'suggested check (it fails on the observed reply): - not-contains: "I couldn' in made.stderr
    )
    case_file.write_text(
        case_file.read_text(encoding="utf-8").replace(
            PLACEHOLDER, '  - not-contains: "check the order number"'
        ),
        encoding="utf-8",
    )
    before = run_cli(
        "-C", root, "reproduce", case_file, "--runs", "2", "--agent-version", "1.6.0", "--yes"
    )
    assert "failed 2/2 runs" in before.stdout
    after = run_cli(
        "-C",
        root,
        "reproduce",
        case_file,
        "--runs",
        "2",
        "--agent-version",
        "1.6.1",
        "--yes",
        expect=1,
    )
    assert "failed 0/2 runs" in after.stdout
    # without the replayed timeout the agent finds the order: the context is what fails
    del case["input"]["context"]
    case["expected"] = [{"not-contains": "check the order number"}]
    no_context = root / "no-context.yaml"
    no_context.write_text(yaml.safe_dump(case), encoding="utf-8")
    run_cli(
        "-C",
        root,
        "reproduce",
        no_context,
        "--runs",
        "2",
        "--agent-version",
        "1.6.0",
        "--yes",
        expect=1,
    )
