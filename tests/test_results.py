"""Reading results: JUnit XML in the shapes real runners write, promptfoo JSON, exact matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidentkit.errors import UsageError
from incidentkit.evals.results import TestResult, read_run

PYTEST_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4">
<testcase classname="evals.regression.refund.yaml" name="refund-policy-cites-24h-window" time="0.01">
  <properties>
    <property name="case" value="refund-policy-cites-24h-window"/>
    <property name="incident" value="INC-2026-0005"/>
    <property name="incident" value="INC-2026-0001"/>
    <property name="agent_version" value="1.4.0"/>
  </properties>
  <failure message="expected the reply to contain '24 hours'">...</failure>
</testcase>
<testcase classname="evals.regression.x.yaml" name="judge-only"><skipped message="needs-judge"/></testcase>
<testcase classname="evals.regression.test_x" name="test_refund[refund-policy-45-days]"/>
<testcase classname="evals.regression.test_x" name="test_crash"><error message="boom"/></testcase>
</testsuite></testsuites>
"""

# DeepEval and many CI tools: a bare <testsuite> root, no properties, values as text.
DEEPEVAL_JUNIT = """<testsuite name="deepeval" tests="2">
  <properties><property name="agent_version">2.0</property></properties>
  <testcase name="refund-policy-45-days"/>
  <testcase name="other"><properties><property name="incident">INC-2026-0042</property></properties>
    <failure/></testcase>
</testsuite>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pytest_junit_with_properties(tmp_path: Path) -> None:
    run = read_run(_write(tmp_path, "r.xml", PYTEST_JUNIT))
    assert run.selected == 4
    assert run.agent_versions == {"1.4.0"}
    first, skipped, parametrised, crashed = run.results
    assert first == TestResult(
        name="refund-policy-cites-24h-window",
        status="failed",
        case="refund-policy-cites-24h-window",
        incidents=("INC-2026-0005", "INC-2026-0001"),
        agent_version="1.4.0",
        classname="evals.regression.refund.yaml",
        reason="expected the reply to contain '24 hours'",
    )
    assert skipped.status == "skipped"
    assert parametrised.status == "passed"
    # an error is neither a pass nor a failure: nothing was judged
    assert (crashed.status, crashed.reason) == ("inconclusive", "boom")


def test_bare_testsuite_root_with_text_properties(tmp_path: Path) -> None:
    run = read_run(_write(tmp_path, "d.xml", DEEPEVAL_JUNIT))
    assert [(r.name, r.status) for r in run.results] == [
        ("refund-policy-45-days", "passed"),
        ("other", "failed"),
    ]
    assert run.results[1].incidents == ("INC-2026-0042",)
    assert run.agent_versions == {"2.0"}  # from the suite's properties


def test_namespaced_junit_is_read(tmp_path: Path) -> None:
    text = '<ns:testsuites xmlns:ns="urn:x"><ns:testsuite><ns:testcase name="a"/></ns:testsuite></ns:testsuites>'
    assert [r.name for r in read_run(_write(tmp_path, "n.xml", text)).results] == ["a"]


def test_case_matching_is_exact() -> None:
    known = {"refund", "refund-policy-45-days", "INC-2026-004"}
    assert TestResult("refund", "passed").case_id(known) == "refund"
    assert TestResult("refund-policy", "passed").case_id(known) is None
    assert (
        TestResult("test_x[refund-policy-45-days]", "passed").case_id(known)
        == "refund-policy-45-days"
    )
    assert TestResult("test_x[refund-policy-45-days-1]", "passed").case_id(known) is None
    assert TestResult("test_x[refund]-extra", "passed").case_id(known) is None
    # an ID is never a prefix of another: INC-2026-004 does not name INC-2026-0042
    assert TestResult("INC-2026-0042", "passed").case_id(known) is None
    assert TestResult("INC-2026-004", "passed").case_id(known) == "INC-2026-004"
    # the case property wins over the name
    assert TestResult("refund", "passed", case="refund-policy-45-days").case_id(known) == (
        "refund-policy-45-days"
    )


def test_incident_property_ids_are_kept_whole(tmp_path: Path) -> None:
    text = (
        '<testsuite><testcase name="t"><properties>'
        '<property name="incident" value="INC-2026-0042, INC-2026-004"/>'
        "</properties></testcase></testsuite>"
    )
    result = read_run(_write(tmp_path, "i.xml", text)).results[0]
    assert result.incidents == ("INC-2026-0042", "INC-2026-004")
    assert "INC-2026-004" in result.incidents and "INC-2026-00" not in result.incidents


def test_promptfoo_json(tmp_path: Path) -> None:
    document = {
        "evalId": "eval-1",
        "results": {
            "version": 3,
            "results": [
                {
                    "success": False,
                    "testCase": {
                        "description": "retroactive promise",
                        "metadata": {"case": "refund-policy-45-days", "incident": "INC-2026-0005"},
                    },
                },
                {
                    "success": True,
                    "testCase": {"metadata": {"incident": ["INC-2026-0005"]}},
                    "description": "window",
                },
                {"gradingResult": {"pass": True}, "testCase": {}},
            ],
        },
    }
    run = read_run(_write(tmp_path, "p.json", json.dumps(document)))
    assert [(r.name, r.status, r.case, r.incidents) for r in run.results] == [
        ("retroactive promise", "failed", "refund-policy-45-days", ("INC-2026-0005",)),
        ("window", "passed", None, ("INC-2026-0005",)),
        ("result 3", "passed", None, ()),
    ]


def test_older_promptfoo_layout(tmp_path: Path) -> None:
    document = {"results": [{"success": True, "testCase": {"metadata": {"case": "a"}}}]}
    assert read_run(_write(tmp_path, "old.json", json.dumps(document))).results[0].case == "a"


def test_an_empty_run_reads_as_zero_selected(tmp_path: Path) -> None:
    text = '<testsuites><testsuite name="pytest" tests="0"/></testsuites>'
    assert read_run(_write(tmp_path, "empty.xml", text)).selected == 0


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        (
            "bomb.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            "<testsuite><testcase name='&lol2;'/></testsuite>",
            "refusing XML with a DOCTYPE or ENTITY declaration",
        ),
        (
            "xxe.xml",
            '<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuite/>',
            "refusing XML with a DOCTYPE",
        ),
        ("bad.xml", "<testsuite>\n<testcase name='a'>\n</testsuite>", "bad.xml:3:"),
        ("html.xml", "<html><body/></html>", "XML root <html> is not JUnit"),
        ("notes.txt", "all tests passed", "not a results file"),
        ("p.json", '{"results": {"stats": {}}}', "JSON without promptfoo results"),
        ("q.json", '{"results": [{"testCase": {}}]}', "has no boolean 'success'"),
        ("r.json", "{not json", "not valid JSON"),
    ],
)
def test_bad_results_files_are_usage_errors(
    tmp_path: Path, name: str, text: str, says: str
) -> None:
    with pytest.raises(UsageError) as info:
        read_run(_write(tmp_path, name, text))
    assert says in str(info.value)


def test_promptfoo_outcomes_providers_and_versions(tmp_path: Path) -> None:
    """failureReason 2 is inconclusive; the version comes by the documented precedence."""

    def entry(reason: int, label: str, **extra: object) -> dict[str, object]:
        return {
            "success": reason == 0,
            "failureReason": reason,
            "provider": {"id": "file://p.py", "label": label},
            "testCase": {"description": "c", "metadata": extra.pop("meta", {})},
            **extra,
        }

    document = {
        "results": {
            "results": [
                entry(0, "support-agent@1.4.1"),
                entry(1, "support-agent@1.4.1", error="Expected output to contain '24 hours'"),
                entry(2, "plain", error="Error: upstream 503\n  at ..."),
                entry(0, "plain", meta={"agent_version": "9.9"}),
                entry(0, "plain", metadata={"agent_version": "8.8"}),
            ]
        },
        "config": {
            "providers": [
                {"id": "file://p.py", "label": "plain", "config": {"agent_version": "7.7"}}
            ]
        },
    }
    run = read_run(_write(tmp_path, "pf.json", json.dumps(document)))
    assert [(r.status, r.agent_version, r.provider) for r in run.results] == [
        ("passed", "1.4.1", "support-agent@1.4.1"),  # from the label
        ("failed", "1.4.1", "support-agent@1.4.1"),
        ("inconclusive", "7.7", "plain"),  # from the provider's config
        ("passed", "9.9", "plain"),  # the test's metadata first
        ("passed", "8.8", "plain"),  # then what the provider returned
    ]
    assert run.results[2].reason == "Error: upstream 503"
    assert run.providers == ("support-agent@1.4.1", "plain")
    assert [r.status for r in run.only("file://p.py").results] == [r.status for r in run.results]
    # older promptfoo: no failureReason; an error without grading is not a judged failure
    old = {"results": [{"success": False, "error": "timeout", "testCase": {}}]}
    assert read_run(_write(tmp_path, "old2.json", json.dumps(old))).results[0].status == (
        "inconclusive"
    )


def test_reruns_and_repeats_in_junit(tmp_path: Path) -> None:
    text = """<testsuites><testsuite>
      <testcase classname="m" name="a"/>
      <testcase classname="m" name="a"/>
      <testcase classname="m" name="a"/>
      <testcase classname="m" name="b"><rerunFailure message="first"/><flakyError message="x"/></testcase>
      <testcase classname="m" name="test_x[case-one-2-3]"/>
      <testcase classname="m" name="case-one[1-3]"><failure/></testcase>
    </testsuite></testsuites>"""
    run = read_run(_write(tmp_path, "r.xml", text))
    # pytest-rerunfailures/flaky: the earlier duplicates were rerun because they failed
    assert [(r.name, r.status) for r in run.results][:3] == [
        ("a", "failed"),
        ("a", "failed"),
        ("a", "passed"),
    ]
    assert [r.status for r in run.results[3:6]] == ["failed", "inconclusive", "passed"]
    known = {"case-one"}
    assert [r.case_id(known) for r in run.results[6:]] == ["case-one", "case-one"]
    assert TestResult("test_x[case-one-4-3]", "passed").case_id(known) is None


def test_promptfoo_junit_and_xml_export(tmp_path: Path) -> None:
    junit = """<testsuites name="promptfoo"><testsuite name="[agent@2.0] prompt 1">
      <testcase classname="[agent@2.0] prompt 1" name="test 1: case-one"/>
      <testcase classname="[agent@2.0] prompt 1" name="test 2: case-one">
        <error message="Evaluation error" type="error"/></testcase>
    </testsuite></testsuites>"""
    run = read_run(_write(tmp_path, "pf.junit.xml", junit))
    assert [
        (r.case_id({"case-one"}), r.status, r.provider, r.agent_version) for r in run.results
    ] == [
        ("case-one", "passed", "agent@2.0", "2.0"),
        ("case-one", "inconclusive", "agent@2.0", "2.0"),
    ]
    with pytest.raises(UsageError, match="promptfoo's XML export, not JUnit"):
        read_run(_write(tmp_path, "pf.xml", "<promptfoo><evalId>x</evalId></promptfoo>"))


def test_inspect_logs_json_and_eval(tmp_path: Path) -> None:
    import zipfile

    def sample(epoch: int, **extra: object) -> dict[str, object]:
        return {"id": "case-one", "epoch": epoch, "metadata": {"case": "case-one"}, **extra}

    samples = [
        sample(1, scores={"s": {"value": "C"}}),
        sample(2, scores={"s": {"value": "I", "explanation": "missing '24 hours'"}}),
        sample(3, error={"message": "RuntimeError: 503"}),
        sample(
            4,
            scores={
                "s": {"value": "N", "metadata": {"outcome": "inconclusive", "reason": "agent"}}
            },
        ),
        sample(5, scores={"s": {"value": "N"}}),
        sample(6, score={"value": 1.0}),
    ]
    log = {
        "version": 2,
        "status": "success",
        "eval": {"task": "t", "task_args": {"agent_version": "1.2"}},
    }
    statuses = ["passed", "failed", "inconclusive", "inconclusive", "skipped", "passed"]
    run = read_run(_write(tmp_path, "log.json", json.dumps({**log, "samples": samples})))
    assert [r.status for r in run.results] == statuses
    assert run.agent_versions == {"1.2"}
    archive = tmp_path / "log.eval"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("header.json", json.dumps(log))
        for s in samples:
            zf.writestr(f"samples/case-one_epoch_{s['epoch']}.json", json.dumps(s))
    assert [r.status for r in read_run(archive).results] == statuses
    with pytest.raises(UsageError, match=r"not an Inspect \.eval log"):
        with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
            zf.writestr("x.txt", "x")
        read_run(tmp_path / "other.zip")
