"""`incidentkit reproduce` and `metrics.wilson_interval`.

The agents are the repository's example agent (deterministic) and test-local
agents written into a temporary repository: a seeded stochastic one whose
n-th call fails with a known probability, whatever thread makes it.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, RunCli
from evalrepo import eval_repo
from incidentkit.config import load_config
from incidentkit.evals.agent import AgentReply
from incidentkit.evals.reproduce import load_target, reproduce
from incidentkit.metrics import wilson_interval

CASE_ID = "refund-policy-no-retroactive-promise"
P = 0.3
SEED = 20260514

# Fails (promises the invented policy) on its n-th call with probability P,
# decided by a generator seeded with n: the count over N calls is the same in
# every run, in whatever order the threads call it.
FLAKY_AGENT = f"""
import random
import threading

CALLS = []
_lock = threading.Lock()


def run(input, agent=None, version=None):
    with _lock:
        index = len(CALLS)
        CALLS.append(index)
    if random.Random({SEED} * 1_000_003 + index).random() < {P}:
        return "Good news: a retroactive refund on any booking."
    return "You can cancel free of charge within 24 hours of booking."
"""

# Raises on every third call: an agent error is not the failure under study.
CRASHY_AGENT = """
import threading

CALLS = []
_lock = threading.Lock()


def run(input, agent=None, version=None):
    with _lock:
        index = len(CALLS)
        CALLS.append(index)
    if index % 3 == 2:
        raise TimeoutError("upstream model timed out")
    return "You can cancel free of charge within 24 hours of booking."
"""

CASE = """\
# Guards against INC-2026-0001: a retroactive refund was promised.
id: refund-window
incidents: [INC-2026-0001]   # the traceability tag
tier: regression
input:
  messages:
    - role: user
      content: Can I get a refund for a booking from last month?
expected:
  # the invented policy
  - not-contains: "retroactive refund"
  - contains: "24 hours"

# a trailing comment that must stay where it is
"""

MULTI = """\
cases:
  - id: first
    incidents: [INC-2026-0001]
    tier: regression
    input:
      messages: [{role: user, content: "Refund?"}]
    expected:
      - contains: "24 hours"
  - id: second
    incidents: [INC-2026-0001]
    tier: regression
    input:
      messages: [{role: user, content: "Refund please?"}]
    expected:
      - not-contains: "retroactive"
"""


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The adapter puts the repository on sys.path and imports its agent; undo both.

    Only the test's own agent modules are forgotten: dropping incidentkit's
    would give later tests a second copy of its exception classes.
    """
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def _repo(
    tmp_path: Path, agent_source: str, name: str, files: dict[str, str] | None = None
) -> Path:
    return eval_repo(
        tmp_path / "repo",
        {f"{name}.py": agent_source, "evals/regression/refund-window.yaml": CASE, **(files or {})},
        agent=f'callable = "{name}:run"',
    )


def _calls(module: str) -> int:
    return len(sys.modules[module].CALLS)


def _seeded_failures(runs: int) -> int:
    return sum(random.Random(SEED * 1_000_003 + i).random() < P for i in range(runs))


# --- the Wilson score interval -------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "runs", "low", "high"),
    [
        # centre (p + z²/2n)/(1 + z²/n), half z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n), z = 1.96:
        # 0/10: centre = half = 0.19208 / 1.38416 = 0.13877
        (0, 10, 0.0, 0.27753),
        # 5/10: half = 1.96 · sqrt(0.025 + 0.009604) / 1.38416 = 0.26341
        (5, 10, 0.23659, 0.76341),
        (10, 10, 0.72247, 1.0),
        # 1/1: centre = (1 + 1.9208)/4.8416 = 0.60331, half = 1.96 · 0.98 / 4.8416 = 0.39674
        (1, 1, 0.20657, 1.0),
    ],
)
def test_wilson_interval_matches_hand_computed_values(
    failures: int, runs: int, low: float, high: float
) -> None:
    got = wilson_interval(failures, runs)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_edges_and_symmetry() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(3, 10)
    mirror_low, mirror_high = wilson_interval(7, 10)
    assert low == pytest.approx(1 - mirror_high)
    assert high == pytest.approx(1 - mirror_low)
    # a wider z gives a wider interval
    assert wilson_interval(3, 10, z=2.576)[0] < low
    for bad in ((-1, 10), (11, 10), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(*bad)


class _SeededAgent:
    """In-process stand-in: fails with probability p, reproducibly per seed."""

    label = "seeded"

    def __init__(self, p: float, seed: int) -> None:
        self.rng = random.Random(seed)
        self.p = p

    def run(
        self, input: Mapping[str, Any], agent: str | None = None, version: str | None = None
    ) -> AgentReply:
        bad = self.rng.random() < self.p
        return AgentReply("a retroactive refund" if bad else "within 24 hours")


def test_the_95_percent_interval_covers_the_true_rate_about_95_percent_of_the_time(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    target = load_target(load_config(root), "refund-window")
    trials = 300
    covered = 0
    for seed in range(trials):
        result = reproduce(_SeededAgent(P, seed), target, 20, jobs=1)
        low, high = result.interval
        covered += low <= P <= high
    # Wilson's coverage at n=20, p=0.3 is close to 95%; 300 trials leave room for chance.
    assert covered / trials >= 0.9


# --- the command, on the example agent ---------------------------------------


def test_example_agent_reproduces_the_incident_on_its_version(run_cli: RunCli) -> None:
    out = run_cli(
        "-C",
        REPO_ROOT,
        "reproduce",
        CASE_ID,
        "--runs",
        "10",
        "--agent-version",
        "1.4.0",
        "--format",
        "json",
    )
    data = json.loads(out.stdout)
    assert (data["runs"], data["failures"], data["reproduced"]) == (10, 10, True)
    assert data["interval"]["high"] == 1.0
    assert data["interval"]["low"] == pytest.approx(0.7225, abs=1e-4)
    assert data["version"] == "1.4.0" and data["agent"] == "support-agent"
    # a deterministic agent: one distinct failing output, quoted in full (it is short)
    assert len(data["failing_outputs"]) == 1
    assert data["failing_outputs"][0]["count"] == 10
    assert "retroactive refund" in data["failing_outputs"][0]["output"]
    failed = {c["kind"]: c["failures"] for c in data["checks"]}
    assert failed["not-contains"] == 10 and failed["contains"] == 10
    assert "tool-not-called" not in failed  # that check passed every time
    assert "reproduced" in out.stderr


def test_a_case_that_never_fails_exits_1_and_says_why(run_cli: RunCli) -> None:
    out = run_cli(
        "-C", REPO_ROOT, "reproduce", CASE_ID, "--runs", "5", "--agent-version", "1.4.1", expect=1
    )
    assert "failed 0/5 runs: failure rate 0% (95% CI 0%-43%)" in out.stdout
    assert "not reproduced" in out.stderr
    assert "does not capture the incident yet" in out.stderr


# --- the command, on a seeded stochastic agent --------------------------------


def test_the_estimate_of_a_stochastic_agent_contains_its_true_rate(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    runs = 200
    out = run_cli(
        "-C", root, "reproduce", "refund-window", "--runs", runs, "--jobs", "8", "--format", "json"
    )
    data = json.loads(out.stdout)
    assert _calls("flaky_agent") == runs
    # the same count however the 8 threads interleave: seeded per call index
    assert data["failures"] == _seeded_failures(runs)
    assert data["runs"] == runs
    assert data["interval"]["low"] <= P <= data["interval"]["high"]
    assert data["interval"]["high"] - data["interval"]["low"] < 0.15
    outputs = {o["output"]: o["count"] for o in data["failing_outputs"]}
    assert outputs == {"Good news: a retroactive refund on any booking.": data["failures"]}


def test_text_report_and_long_outputs_are_truncated(run_cli: RunCli, tmp_path: Path) -> None:
    long_agent = (
        'def run(input, agent=None, version=None):\n    return "retroactive refund " * 40\n'
    )
    root = _repo(tmp_path, long_agent, "long_agent")
    out = run_cli("-C", root, "reproduce", "refund-window", "--runs", "3")
    assert "failed 3/3 runs: failure rate 100% (95% CI 44%-100%)" in out.stdout
    assert "3/3  expected[0] not-contains: retroactive refund" in out.stdout
    assert "distinct failing outputs (1):" in out.stdout
    line = next(x for x in out.stdout.splitlines() if x.startswith("  3x"))
    assert line.endswith("…'") and len(line) < 220


def test_agent_errors_are_counted_apart(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, CRASHY_AGENT, "crashy_agent")
    out = run_cli(
        "-C", root, "reproduce", "refund-window", "--runs", "9", "--format", "json", expect=1
    )
    data = json.loads(out.stdout)
    assert (data["runs"], data["failures"], data["errors"]) == (6, 0, 3)
    assert "TimeoutError: upstream model timed out" in data["agent_errors"][0]["message"]


# --- --record -------------------------------------------------------------------


def test_record_writes_the_estimate_and_keeps_comments(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    case_file = root / "evals/regression/refund-window.yaml"
    run_cli(
        "-C",
        root,
        "reproduce",
        "refund-window",
        "--runs",
        "20",
        "--agent-version",
        "2.1",
        "--record",
    )
    text = case_file.read_text(encoding="utf-8")
    failures = _seeded_failures(20)
    assert text.startswith(CASE.split("\n# a trailing")[0].rstrip("\n") + "\n")
    assert (
        f"reproduction:\n  runs: 20\n  failures: {failures}\n  agent: support-agent@2.1\n" in text
    )
    for comment in ("# Guards against", "# the traceability tag", "# the invented policy"):
        assert comment in text
    assert text.rstrip().endswith("# a trailing comment that must stay where it is")
    # the schema accepts what was written
    run_cli("-C", root, "lint", root / "evals")
    # a second, identical estimate changes nothing
    sys.modules["flaky_agent"].CALLS.clear()
    again = run_cli(
        "-C",
        root,
        "reproduce",
        "refund-window",
        "--runs",
        "20",
        "--agent-version",
        "2.1",
        "--record",
    )
    assert "already recorded" in again.stderr
    assert case_file.read_text(encoding="utf-8") == text


def test_record_without_a_version_fails_before_calling_the_agent(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    out = run_cli("-C", root, "reproduce", "refund-window", "--record", expect=2)
    assert "--agent-version" in out.stderr
    assert "flaky_agent" not in sys.modules or _calls("flaky_agent") == 0


# --- which case -------------------------------------------------------------------


def test_a_draft_file_outside_evals_runs(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    draft = tmp_path / "draft.yaml"
    draft.write_text(CASE.replace("id: refund-window", "id: draft"), encoding="utf-8")
    out = run_cli("-C", root, "reproduce", draft, "--runs", "20", "--format", "json")
    data = json.loads(out.stdout)
    assert data["case"] == "draft" and data["failures"] == _seeded_failures(20)


def test_a_multi_case_file_needs_case(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent", {"evals/regression/many.yaml": MULTI})
    out = run_cli("-C", root, "reproduce", root / "evals/regression/many.yaml", expect=2)
    assert "holds 2 cases; pick one with --case ID (first, second)" in out.stderr
    out = run_cli(
        "-C",
        root,
        "reproduce",
        root / "evals/regression/many.yaml",
        "--case",
        "second",
        "--runs",
        "20",
        "--format",
        "json",
    )
    assert json.loads(out.stdout)["case"] == "second"
    out = run_cli(
        "-C", root, "reproduce", root / "evals/regression/many.yaml", "--case", "third", expect=2
    )
    assert "has no case 'third'" in out.stderr


def test_an_unknown_case_id_suggests_close_ones(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    out = run_cli("-C", root, "reproduce", "refund-windw", expect=2)
    assert "no eval case with ID 'refund-windw'" in out.stderr
    assert "did you mean refund-window" in out.stderr


def test_no_configured_agent_is_a_configuration_error(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    (root / "pyproject.toml").write_text("[tool.incidentkit]\n", encoding="utf-8")
    out = run_cli("-C", root, "reproduce", "refund-window", expect=2)
    assert "no agent configured" in out.stderr


# --- cost and safety ------------------------------------------------------------------


def test_on_a_terminal_it_states_the_cost_and_asks_first(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incidentkit.cli.reproduce as command

    monkeypatch.setattr(command, "interactive", lambda: True)
    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    out = run_cli("-C", root, "reproduce", "refund-window", "--runs", "7", input="n\n", expect=1)
    assert "refund-window: 7 agent call(s) to support-agent@? via flaky_agent:run" in out.stderr
    assert _calls("flaky_agent") == 0
    out = run_cli("-C", root, "reproduce", "refund-window", "--runs", "7", "--yes")
    assert "Go ahead?" not in out.stderr
    assert _calls("flaky_agent") == 7


# Presses Ctrl-C during its fifth call: SIGINT reaches the main thread as a
# KeyboardInterrupt, as it does in a terminal.
INTERRUPTING_AGENT = """
import os
import signal
import time

CALLS = []


def run(input, agent=None, version=None):
    CALLS.append(len(CALLS))
    if len(CALLS) == 5:
        os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.02)  # a real agent takes a while; Ctrl-C lands mid-run
    return "a retroactive refund"
"""


def test_ctrl_c_reports_the_runs_so_far(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, INTERRUPTING_AGENT, "interrupting_agent")
    out = run_cli(
        "-C",
        root,
        "reproduce",
        "refund-window",
        "--runs",
        "50",
        "--jobs",
        "1",
        "--agent-version",
        "1",
        "--record",
        "--format",
        "json",
        expect=130,
    )
    data = json.loads(out.stdout)
    assert data["interrupted"] is True
    # the runs that finished before the interrupt are reported; queued ones never start
    assert 4 <= data["runs"] < 50
    assert data["failures"] == data["runs"]
    assert _calls("interrupting_agent") < 50
    assert data["recorded"] is None
    assert "; nothing recorded" in out.stderr
    assert "reproduction" not in (root / "evals/regression/refund-window.yaml").read_text()


# --- where the recorded estimate shows -------------------------------------------------


def test_the_recorded_estimate_shows_on_the_incident_page_and_in_coverage(
    run_cli: RunCli, tmp_path: Path
) -> None:
    from incidentkit.records.repository import load_repository
    from incidentkit.site.html import text
    from incidentkit.site.pages.incidents import cases_table

    root = _repo(tmp_path, FLAKY_AGENT, "flaky_agent")
    run_cli(
        "-C",
        root,
        "reproduce",
        "refund-window",
        "--runs",
        "20",
        "--agent-version",
        "2.1",
        "--record",
    )
    failures = _seeded_failures(20)
    shown = f"{failures}/20 ({failures / 20:.0%}) on support-agent@2.1"

    (case,) = [c for c in load_repository(load_config(root)).cases if c.id == "refund-window"]
    html = cases_table([case])
    assert "Reproduced" in html
    assert f">{text(shown)}</td>" in html  # the escaped cell

    data = json.loads(run_cli("-C", root, "coverage", "--format", "json").stdout)
    (incident,) = [i for i in data["incidents"] if i["id"] == "INC-2026-0001"]
    (entry,) = incident["cases"]
    assert entry["reproduction"] == {
        "runs": 20,
        "failures": failures,
        "failure_rate": round(failures / 20, 4),
        "agent": "support-agent@2.1",
    }
    text = run_cli("-C", root, "coverage").stdout
    assert f"reproduced: refund-window failed {failures}/20" in text
