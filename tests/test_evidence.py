"""Only a judged run is evidence: `verify` on what real pytest runs write.

Crashed and misconfigured agents, reruns (pytest-rerunfailures) and repeats
(pytest-repeat), the judge for `criteria`, xdist workers, and `--write`
refusing to weaken recorded evidence. Every results file here is written by
pytest running the incidentkit plugin, never by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import RunCli
from evalrepo import PYTEST_SETTINGS, case_yaml, eval_repo

pytest_plugins = ["pytester"]

# An agent whose reply depends on the version and, for "flaky", on how often it was called:
# `calls.txt` counts calls across pytest runs and reruns.
SCRIPTED_AGENT = '''
"""Answers by version; 1.0 of `crash` raises; `flip` alternates between bad and good."""
from pathlib import Path


def run(input, agent=None, version=None):
    mode = (input.get("context") or {}).get("mode")
    if mode == "crash" and version == "1.0":
        raise RuntimeError("model endpoint returned 502")
    if mode == "flip":
        counter = Path(__file__).with_name("calls.txt")
        calls = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(calls + 1))
        good = calls % 2 == 1
    else:
        good = version != "1.0"
    return {"output": "Free cancellation within 24 hours." if good else "A retroactive refund."}
'''

# A deterministic judge: a criterion passes when the reply contains its text in quotes.
JUDGE = """
import re


def judge(case, reply, criterion):
    if "explode" in criterion:
        raise ValueError("judge model unavailable")
    wanted = re.search(r'"([^"]+)"', criterion).group(1)
    ok = wanted in reply["output"]
    return {"passed": ok, "reason": f"{wanted!r} {'found' if ok else 'missing'} in the reply"}
"""


def _case(id: str, mode: str | None = None, expected: list | None = None) -> str:
    text = case_yaml(id, expected or [{"contains": "24 hours"}])
    return text.replace('{"reply": ""}', f'{{"mode": "{mode}"}}' if mode else "{}")


def _repo(root: Path, files: dict[str, str], extra: str = "") -> Path:
    return eval_repo(
        root,
        {"scripted_agent.py": SCRIPTED_AGENT, "judge_fn.py": JUDGE, **files},
        agent='callable = "scripted_agent:run"',
        extra_pyproject=PYTEST_SETTINGS + extra,
    )


def _run(pytester: pytest.Pytester, version: str, out: str, *args: str) -> pytest.RunResult:
    return pytester.runpytest(
        "evals", "-p", "no:cacheprovider", "-p", "no:flaky", "--agent-version", version,
        "--junitxml", out, *args,
    )  # fmt: skip


def _verify(run_cli: RunCli, root: Path, *args: object, expect: int = 0) -> object:
    return run_cli("-C", root, "verify", "--before", root / "before.xml",
                   "--after", root / "after.xml", *args, expect=expect)  # fmt: skip


def test_a_crashed_agent_is_inconclusive_never_a_failure(
    pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    root = _repo(pytester.path, {"evals/regression/crash.yaml": _case("crash", "crash")})
    # rerun once (pytest-rerunfailures): a rerun crash is inconclusive too, never "failed"
    before = _run(pytester, "1.0", "before.xml", "--count", "3", "--reruns", "1")
    assert before.parseoutcomes() == {"errors": 3, "rerun": 3}  # errors: no reply was judged
    assert "incidentkit: inconclusive runs" in before.stdout.str()
    assert "model endpoint returned 502" in before.stdout.str()
    _run(pytester, "1.1", "after.xml", "--count", "3").assert_outcomes(passed=3)
    result = _verify(run_cli, root, "--write", expect=1)
    assert "inconclusive: no judged run on a side (every run errored) (1):" in result.stdout
    assert "before: no judged run; 6 inconclusive; after: 0% failed (0/3 runs)" in result.stdout
    assert "inconclusive before (3x): agent-error" in result.stdout  # the reruns
    assert "inconclusive before (3x): [agent-error]" in result.stdout  # the final attempts
    assert "RuntimeError: model endpoint returned 502" in result.stdout
    assert "1 case(s) have no judged run on a side" in result.stderr
    assert "verification" not in (root / "evals/regression/crash.yaml").read_text()


def test_a_misconfigured_agent_is_inconclusive(pytester: pytest.Pytester, run_cli: RunCli) -> None:
    root = _repo(pytester.path, {"evals/regression/typo.yaml": _case("typo")})
    _run(pytester, "1.1", "after.xml", "--count", "3").assert_outcomes(passed=3)
    pyproject = root / "pyproject.toml"
    good = pyproject.read_text()
    pyproject.write_text(good.replace("scripted_agent:run", "scripted_agnet:run"))
    _run(pytester, "1.0", "before.xml", "--count", "3").assert_outcomes(errors=3)
    pyproject.write_text(good)
    result = _verify(run_cli, root, "--check", "--format", "json", expect=1)
    assert '"verdict": "inconclusive"' in result.stdout
    assert "[agent-config]" in result.stdout and "scripted_agnet" in result.stdout


def test_a_failure_masked_by_a_passing_rerun_still_counts(
    pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    """pytest-rerunfailures: the bug fails every attempt; the "fix" fails every other call."""
    root = _repo(
        pytester.path,
        {
            "evals/regression/det.yaml": _case("det"),
            "evals/regression/flip.yaml": _case("flip", "flip"),
        },
    )
    before = _run(pytester, "1.0", "before.xml", "--reruns", "2", "--count", "3")
    assert "rerun" in before.stdout.str()
    (root / "calls.txt").write_text("0")
    after = _run(pytester, "1.1", "after.xml", "--reruns", "2", "--count", "3")
    assert after.parseoutcomes() == {"passed": 6, "rerun": 3}  # pytest calls every case passed
    result = _verify(run_cli, root, "--format", "json")
    by_id = {c["id"]: c for c in json.loads(result.stdout)["cases"]}
    # deterministic bug: 3 repeats x 3 attempts, all failed (not 1 failure in 3)
    assert by_id["det"]["before"]["runs"] == 9 and by_id["det"]["before"]["failures"] == 9
    assert by_id["det"]["verdict"] == "verified"
    # the flaky "fix": each repeat failed once, then passed on rerun: 3 failures in 6 runs
    assert by_id["flip"]["after"]["runs"] == 6 and by_id["flip"]["after"]["failures"] == 3
    assert by_id["flip"]["verdict"] == "still-failing"


def test_too_few_runs_are_not_verified_and_say_why(
    pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    root = _repo(pytester.path, {"evals/regression/once.yaml": _case("once")})
    _run(pytester, "1.0", "before.xml")
    _run(pytester, "1.1", "after.xml")
    result = _verify(run_cli, root, "--write")
    assert "fails before, passes after, but over too few judged runs (1):" in result.stdout
    assert "policy: verified needs at least 3 judged run(s) on each side" in result.stdout
    assert "verification" not in (root / "evals/regression/once.yaml").read_text()


def test_the_failure_rate_threshold_is_policy(pytester: pytest.Pytester, run_cli: RunCli) -> None:
    root = _repo(
        pytester.path,
        {"evals/regression/flip.yaml": _case("flip", "flip")},
        "\n[tool.incidentkit.policy]\nverification_failure_rate = 0.75\n",
    )
    _run(pytester, "1.0", "before.xml", "--count", "4")  # fails 2 of 4
    (root / "scripted_agent.py").write_text(SCRIPTED_AGENT.replace('"flip"', '"never"'))
    _run(pytester, "1.1", "after.xml", "--count", "4")
    result = _verify(run_cli, root)
    assert "fails before the fix less often than the policy requires (1):" in result.stdout
    assert "before: 50% failed (2/4 runs)" in result.stdout


def test_write_never_weakens_recorded_evidence(pytester: pytest.Pytester, run_cli: RunCli) -> None:
    root = _repo(
        pytester.path,
        {"evals/regression/det.yaml": _case("det")},
        "\n[tool.incidentkit.policy]\nverification_runs = 1\n",
    )
    case = root / "evals/regression/det.yaml"
    _run(pytester, "1.0", "before.xml", "--count", "3")
    _run(pytester, "1.1", "after.xml", "--count", "3")
    first = _verify(run_cli, root, "--write")
    assert "would" not in first.stdout and "recorded: verification:" in first.stdout
    recorded = case.read_text()
    assert yaml.safe_load(recorded)["verification"]["runs_before"] == 3
    # one run per side now: allowed by the policy, but weaker than what is recorded
    _run(pytester, "1.0", "before.xml")
    _run(pytester, "1.1", "after.xml")
    refused = _verify(run_cli, root, "--write", expect=1)
    assert "would replace (weaker: fewer runs than recorded): verification:" in refused.stdout
    assert "runs_before: 3 -> 1" in refused.stdout and "runs_after: 3 -> 1" in refused.stdout
    assert "refusing to replace recorded verification with evidence over fewer runs" in (
        refused.stderr
    )
    assert "det: runs 3/3 recorded, 1/1 now" in refused.stderr
    assert case.read_text() == recorded
    replaced = _verify(run_cli, root, "--write", "--replace")
    assert "replaced (weaker: fewer runs than recorded): verification:" in replaced.stdout
    assert yaml.safe_load(case.read_text())["verification"]["runs_before"] == 1
    # comments and layout survive the replacement
    assert case.read_text().startswith(recorded.split("verification:")[0])


def test_the_judge_scores_criteria(pytester: pytest.Pytester, run_cli: RunCli) -> None:
    criteria = [{"criteria": 'States the "24 hours" window.'}]
    root = _repo(
        pytester.path,
        {
            "evals/regression/rubric.yaml": _case("rubric", expected=criteria),
            "evals/regression/broken-judge.yaml": _case(
                "broken-judge", expected=[{"criteria": 'Must "explode".'}]
            ),
        },
    )
    # without a judge: skipped as needs-judge, never passed
    unjudged = _run(pytester, "1.1", "after.xml", "-rs")
    unjudged.assert_outcomes(skipped=2)
    assert "needs-judge: case 'rubric' has only criteria" in unjudged.stdout.str()
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.incidentkit.judge]\ncallable = "judge_fn:judge"\n'
    )
    judged = _run(pytester, "1.0", "before.xml", "--count", "3", "-rfE")
    judged.assert_outcomes(failed=3, errors=3)
    out = judged.stdout.str()
    assert 'criteria: the judge failed it: States the "24 hours" window.' in out
    assert "'24 hours' missing in the reply" in out
    assert "[judge-error]" in out and "judge judge_fn:judge raised ValueError" in out
    _run(pytester, "1.1", "after.xml", "--count", "3").assert_outcomes(passed=3, errors=3)
    result = _verify(run_cli, root, "--incident", "INC-2026-0001", expect=1)
    assert "verified: fails before the fix, passes after it (1):" in result.stdout
    assert "rubric" in result.stdout.split("inconclusive:")[0]


def test_xdist_workers_report_cases_awaiting_a_judge(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    files = {
        f"evals/regression/c{i}.yaml": _case(
            f"c{i}", expected=[{"contains": "24"}, {"criteria": f"Rubric {i}."}]
        )
        for i in range(4)
    }
    files["evals/regression/only.yaml"] = _case("only", expected=[{"criteria": "Alone."}])
    files["evals/regression/bad.yaml"] = _case("bad", expected=[{"mentions": "x"}])
    _repo(pytester.path, files)
    result = pytester.runpytest_subprocess(
        "evals", "-p", "no:cacheprovider", "-n", "2", "--agent-version", "1.1"
    )
    result.assert_outcomes(passed=4, skipped=1, errors=1)
    out = result.stdout.str()
    assert "incidentkit: criteria awaiting a judge" in out
    for i in range(4):
        assert f"c{i}: Rubric {i}." in out
    assert "only: Alone." in out
    assert "incidentkit: inconclusive runs" in out
    assert "bad: [case-invalid] evals/regression/bad.yaml" in out


def test_reproduce_and_minimize_use_the_judge(tmp_path: Path, run_cli: RunCli) -> None:
    rubric = [{"criteria": 'States the "24 hours" window.'}]
    root = _repo(tmp_path / "r", {"evals/regression/rubric.yaml": _case("rubric", expected=rubric)})
    refused = run_cli("-C", root, "reproduce", "rubric", "--runs", "2", expect=2)
    assert "has only `criteria`, which needs a judge" in refused.stderr
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.incidentkit.judge]\ncallable = "judge_fn:judge"\n'
    )
    bad = run_cli("-C", root, "reproduce", "rubric", "--runs", "4", "--agent-version", "1.0",
                  "--format", "json")  # fmt: skip
    assert json.loads(bad.stdout)["failures"] == 4
    good = run_cli("-C", root, "reproduce", "rubric", "--runs", "4", "--agent-version", "1.1",
                   "--format", "json", expect=1)  # fmt: skip
    assert json.loads(good.stdout)["failures"] == 0
    minimized = run_cli("-C", root, "minimize", "rubric", "--runs-per-step", "2",
                        "--agent-version", "1.0", "--yes")  # fmt: skip
    assert "rubric" in minimized.stdout
