"""The pytest plugin, run for real with `pytester`: collection, checks, JUnit, tiers."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, RunCli
from evalrepo import case_yaml, eval_repo

pytest_plugins = ["pytester"]

REPLY = "Free cancellation within 24 hours of booking. I can't issue refunds myself."
META: dict[str, Any] = {"tools": ["escalate_to_human"], "latency": 100, "cost": 0.01}

PASS_AND_FAIL: dict[str, tuple[Any, Any, str]] = {
    # kind: (a value that passes, one that fails, what the failure message says)
    "contains": ("24 hours", "30 days", "expected the reply to contain '30 days'; actual reply:"),
    "not-contains": ("retroactive", "24 hours", "expected the reply not to contain '24 hours'"),
    "regex": ("(?i)free cancellation", "voucher", "expected the reply to match /voucher/"),
    "not-regex": ("\\b60 days\\b", "(?i)free", "expected the reply not to match /(?i)free/"),
    "equals": (REPLY, "No.", "expected the reply to equal 'No.'"),
    "max-latency-ms": (8000, 50, "latency 100 ms > the limit of 50 ms"),
    "max-cost-usd": (0.05, 0.001, "cost USD 0.01 > the limit of USD 0.001"),
    "refusal": (True, False, "expected no refusal; the reply refuses"),
    "tool-called": ("escalate_to_human", "issue_refund", "expected a call to issue_refund"),
    "tool-not-called": (
        "issue_refund",
        "escalate_to_human",
        "expected no call to escalate_to_human",
    ),
}


def _junit(path: Path) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Test name -> (outcome, properties) from a JUnit XML file."""
    found = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        children = {c.tag for c in case}
        outcome = (
            "error"
            if "error" in children
            else "failed"
            if "failure" in children
            else "skipped"
            if "skipped" in children
            else "passed"
        )
        props = [(p.get("name", ""), p.get("value", "")) for p in case.iter("property")]
        found[case.get("name", "")] = (outcome, props)
    return found


def test_yaml_cases_are_collected_by_case_id(pytester: pytest.Pytester) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/regression/one.yaml": case_yaml("one", [{"contains": "x"}], reply="x"),
            "evals/regression/many.yaml": "cases:\n"
            + "".join(
                "  - "
                + case_yaml(i, [{"contains": "x"}], reply="x").replace("\n", "\n    ").rstrip()
                + "\n"
                for i in ("first-case", "second-case")
            ),
            "evals/regression/README.md": "not a case",
            "evals/regression/_draft.yaml": "id: draft\n",
        },
    )
    result = pytester.runpytest("evals", "--collect-only", "-q")
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "evals/regression/many.yaml::first-case",
            "evals/regression/many.yaml::second-case",
            "evals/regression/one.yaml::one",
            "3 tests collected*",
        ]
    )


def test_every_check_type_passes_and_fails_with_a_clear_message(pytester: pytest.Pytester) -> None:
    files = {}
    for kind, (good, bad, _) in PASS_AND_FAIL.items():
        files[f"evals/regression/pass-{kind}.yaml"] = case_yaml(
            f"pass-{kind}", [{kind: good}], reply=REPLY, **META
        )
        files[f"evals/regression/fail-{kind}.yaml"] = case_yaml(
            f"fail-{kind}", [{kind: bad}], reply=REPLY, **META
        )
    files["evals/regression/judge-only.yaml"] = case_yaml(
        "judge-only", [{"criteria": "Polite and accurate."}], reply=REPLY
    )
    files["evals/regression/judge-and-machine.yaml"] = case_yaml(
        "judge-and-machine",
        [{"contains": "24 hours"}, {"criteria": "Cites the window."}],
        reply=REPLY,
    )
    eval_repo(pytester.path, files)
    result = pytester.runpytest("evals", "-rfs")
    result.assert_outcomes(passed=len(PASS_AND_FAIL) + 1, failed=len(PASS_AND_FAIL), skipped=1)
    out = result.stdout.str()
    for kind, (_, _, says) in PASS_AND_FAIL.items():
        assert f"fail-{kind}.yaml:1: case 'fail-{kind}' failed 1 of 1 checks" in out
        assert f"failed: {kind}: {says}" in out
        assert f"FAILED evals/regression/fail-{kind}.yaml::fail-{kind}" in out
    assert "needs-judge: case 'judge-only' has only criteria: Polite and accurate." in out
    result.stdout.fnmatch_lines(
        ["*incidentkit: criteria awaiting a judge*", "judge-and-machine: Cites the window."]
    )
    assert "Traceback" not in out


def test_junit_xml_carries_case_incident_tier_and_agent_version(pytester: pytest.Pytester) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/safety-critical/two-incidents.yaml": case_yaml(
                "two-incidents",
                [{"contains": "support-agent@2.0.1"}],
                reply="{agent}@{version}",
                incidents=("INC-2026-0001", "INC-2026-0002"),
                tier="safety-critical",
            ),
            "evals/regression/billing.yaml": case_yaml(
                "billing",
                [{"contains": "billing-assistant@2.0.1"}],
                reply="{agent}@{version}",
                incidents=("INC-2026-0002",),
            ),
        },
    )
    result = pytester.runpytest("evals", "--agent-version", "2.0.1", "--junitxml", "out.xml")
    result.assert_outcomes(passed=2)
    cases = _junit(pytester.path / "out.xml")
    outcome, props = cases["two-incidents"]
    assert outcome == "passed"
    assert ("case", "two-incidents") in props
    assert [v for k, v in props if k == "incident"] == ["INC-2026-0001", "INC-2026-0002"]
    assert ("tier", "safety-critical") in props
    assert ("agent", "support-agent") in props  # the first linked incident's agent
    assert ("agent_version", "2.0.1") in props
    assert ("agent", "billing-assistant") in cases["billing"][1]


def test_tier_and_incident_markers_select_cases(pytester: pytest.Pytester) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/regression/reg.yaml": case_yaml("reg", [{"contains": "x"}], reply="x"),
            "evals/safety-critical/safe.yaml": case_yaml(
                "safe",
                [{"contains": "x"}],
                reply="x",
                tier="safety-critical",
                incidents=("INC-2026-0002",),
            ),
            "evals/safety-critical/test_marked.py": """
                import pytest

                @pytest.mark.incident(id="INC-2026-0002")
                @pytest.mark.tier(name="regression")
                def test_marked_regression():
                    pass

                @pytest.mark.incident("INC-2026-0002")
                def test_folder_tier():
                    pass
            """,
        },
    )
    result = pytester.runpytest("evals", "--tier", "regression", "-v")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*reg.yaml::reg PASSED*", "*test_marked_regression PASSED*"])
    result = pytester.runpytest("evals", "--tier", "safety-critical", "-v")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*safe.yaml::safe PASSED*", "*test_folder_tier PASSED*"])
    # the keyword form is what `-m` can select (the positional form only tags)
    result = pytester.runpytest("evals", "-m", "incident(id='INC-2026-0002')", "-v")
    result.assert_outcomes(passed=2, deselected=2)
    result.stdout.fnmatch_lines(["*safe.yaml::safe PASSED*", "*test_marked_regression PASSED*"])


def test_python_eval_tests_get_properties_and_can_import_from_the_root(
    pytester: pytest.Pytester,
) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/regression/test_tone.py": """
                import pytest
                from echo_agent import run

                @pytest.mark.incident(id="INC-2026-0001")
                @pytest.mark.tier(name="regression")
                def test_tone():
                    assert run({"context": {"reply": "ok"}})["output"] == "ok"
            """,
        },
    )
    result = pytester.runpytest("evals", "--agent-version", "3", "--junitxml", "out.xml")
    result.assert_outcomes(passed=1)
    _, props = _junit(pytester.path / "out.xml")["test_tone"]
    assert ("case", "evals/regression/test_tone.py::test_tone") in props
    assert ("incident", "INC-2026-0001") in props
    assert ("tier", "regression") in props
    assert ("agent_version", "3") in props


def test_command_agent_over_json(pytester: pytest.Pytester) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/regression/cmd.yaml": case_yaml(
                "cmd",
                [{"equals": "support-agent@9"}, {"tool-called": "lookup"}],
                reply="{agent}@{version}",
                tools=["lookup"],
            ),
            "evals/regression/cmd-fails.yaml": case_yaml(
                "cmd-fails", [{"tool-not-called": "lookup"}], tools=["lookup"]
            ),
        },
        agent=f'command = ["{sys.executable}", "echo_command.py"]',
    )
    result = pytester.runpytest("evals", "--agent-version", "9")
    result.assert_outcomes(passed=1, failed=1)
    assert "failed: tool-not-called: expected no call to lookup" in result.stdout.str()


def test_malformed_files_fail_with_file_and_line_and_the_run_goes_on(
    pytester: pytest.Pytester,
) -> None:
    eval_repo(
        pytester.path,
        {
            "evals/regression/broken.yaml": "id: broken\nincidents: [INC-2026-0001\ntier: regression\n",
            "evals/regression/bad-check.yaml": case_yaml("bad-check", [{"mentions": "x"}]),
            "evals/regression/no-input.yaml": "id: no-input\nincidents: [INC-2026-0001]\ntier: regression\n"
            "expected:\n  - contains: x\n",
            "evals/regression/good.yaml": case_yaml("good", [{"contains": "x"}], reply="x"),
        },
    )
    result = pytester.runpytest("evals", "--junitxml", "out.xml")
    # a case that cannot run is an error of the run (JUnit <error>), never a failure of the agent
    result.assert_outcomes(passed=1, errors=3)
    out = result.stdout.str()
    assert "evals/regression/broken.yaml:3:" in out and "[yaml-syntax]" in out
    junit = _junit(pytester.path / "out.xml")
    assert junit["bad-check"][0] == "error"
    assert ("inconclusive", "case-invalid") in junit["bad-check"][1]
    assert (
        "evals/regression/bad-check.yaml:9:12: case 'bad-check': expected[0]: unknown check 'mentions'"
        in out
    )
    assert "evals/regression/no-input.yaml:1:1: case 'no-input': `input` must be a mapping" in out
    assert "Traceback" not in out and "INTERNALERROR" not in out
    # selecting a tier never hides a file that cannot be read
    pytester.runpytest("evals", "--tier", "regression").assert_outcomes(passed=1, errors=3)


def test_an_unusable_agent_fails_each_case_with_the_reason(pytester: pytest.Pytester) -> None:
    eval_repo(
        pytester.path,
        {"evals/regression/a.yaml": case_yaml("a", [{"contains": "x"}])},
        agent='callable = "missing_agent_module:run"',
    )
    result = pytester.runpytest("evals", "--junitxml", "out.xml")
    result.assert_outcomes(errors=1)
    out = result.stdout.str()
    assert (
        "case 'a': [tool.incidentkit.agent] callable = \"missing_agent_module:run\": cannot import"
        in out
    )
    outcome, props = _junit(pytester.path / "out.xml")["a"]
    assert outcome == "error" and ("inconclusive", "agent-config") in props
    assert "Traceback" not in out


def test_outside_an_incident_repository_nothing_changes(pytester: pytest.Pytester) -> None:
    pytester.makepyprojecttoml(
        '[tool.pytest.ini_options]\naddopts = "--strict-markers"\nfilterwarnings = ["error"]\n'
    )
    (pytester.path / "evals" / "regression").mkdir(parents=True)
    (pytester.path / "evals" / "regression" / "case.yaml").write_text(
        case_yaml("case", [{"contains": "x"}]), encoding="utf-8"
    )
    pytester.makepyfile(
        test_plain="""
            import pytest

            @pytest.mark.incident(id="INC-2026-0001")
            @pytest.mark.tier(name="regression")
            def test_marked():
                pass
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert "case.yaml" not in result.stdout.str()


def test_the_example_cases_catch_the_example_bug(
    pytester: pytest.Pytester, run_cli: RunCli
) -> None:
    """The repository's own demo: INC-2026-0005's cases fail on 1.4.0 and pass on 1.4.1.

    pytest-repeat's --count repeats the YAML cases too: 3 runs each, what policy asks.
    """
    runs = {}
    for version in ("1.4.0", "1.4.1"):
        junit = pytester.path / f"{version}.xml"
        result = pytester.runpytest(
            REPO_ROOT / "evals", "-p", "no:cacheprovider", "--tier", "regression",
            "--agent-version", version, "--junitxml", junit, "--count", "3",
        )  # fmt: skip
        runs[version] = _junit(junit)
        if version == "1.4.1":
            assert result.ret == 0, result.stdout.str()
    failed_before = {name for name, (outcome, _) in runs["1.4.0"].items() if outcome == "failed"}
    assert failed_before == {
        f"{case}[{i}-3]"
        for case in (
            "refund-policy-45-days-booking",
            "refund-policy-cites-24h-window",
            "refund-policy-no-retroactive-promise",
        )
        for i in (1, 2, 3)
    }
    result = run_cli(
        "-C", REPO_ROOT, "verify", "--incident", "INC-2026-0005", "--check", "--format", "json",
        "--before", pytester.path / "1.4.0.xml", "--after", pytester.path / "1.4.1.xml",
    )  # fmt: skip
    assert '"verified": 3' in result.stdout
