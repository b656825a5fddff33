"""`new eval|incident --from-trace`: what reaches the files, and what never does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from conftest import RunCli
from incidentkit.detectors import find_hits

FIXTURES = Path(__file__).parent / "traces" / "fixtures"
REFUND = FIXTURES / "support-refund.otlp.jsonl"


def test_new_incident_from_a_trace_prefills_agent_version_start_and_reproduction(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    made = run_cli(
        "-C",
        root,
        "new",
        "incident",
        "--from-trace",
        REFUND,
        "--title",
        "Support agent promised a retroactive refund",
        "--severity",
        "S2",
        "--failure-mode",
        "factual-hallucination",
        "--detection",
        "user-report",
    )
    text = (root / made.stdout.strip()).read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["agent"] == "support-agent"
    assert front["agent_version"] == "1.4.0"
    assert front["started_at"] == "2026-05-12T07:30:03Z"
    block = text.split('```yaml title="minimal reproduction"\n')[1].split("```")[0]
    reproduction = yaml.safe_load(block)
    assert reproduction["messages"][3]["content"].startswith("I booked a flight to Lisbon")
    assert reproduction["context"]["tool_responses"]["lookup_booking"]["booked_days_ago"] == 45
    assert find_hits(text) == []
    assert "redacted: email 2, phone 1, secret 1" in made.stderr
    # only the sections a person writes are left to do
    assert _rules_found(run_cli, root) == {"placeholder"}


def test_flags_win_over_the_trace(run_cli: RunCli, make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    made = run_cli(
        "-C",
        root,
        "new",
        "incident",
        "--from-trace",
        REFUND,
        "--agent",
        "support-bot",
        "--agent-version",
        "9.9.9",
        "--started-at",
        "2026-05-12T06:00:00Z",
        "--title",
        "x",
        "--severity",
        "S3",
        "--failure-mode",
        "factual-hallucination",
        "--detection",
        "user-report",
    )
    front = yaml.safe_load((root / made.stdout.strip()).read_text().split("---")[1])
    assert (front["agent"], front["agent_version"], front["started_at"]) == (
        "support-bot",
        "9.9.9",
        "2026-05-12T06:00:00Z",
    )


def test_no_redact_is_explicit_and_keeps_what_the_trace_holds(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    made = run_cli(
        "-C",
        root,
        "new",
        "eval",
        "--incident",
        "INC-2026-0001",
        "--from-trace",
        REFUND,
        "--no-redact",
        "--json",
    )
    result = json.loads(made.stdout)
    assert result["redacted"] is None
    assert "not redacted (--no-redact)" in made.stderr
    text = Path(result["path"]).read_text(encoding="utf-8")
    assert "dana.whitfield@mailbox.org" in text
    # lint catches what was kept
    assert run_cli("-C", root, "lint", expect=1).stdout.count("personal-data") >= 1


def test_a_credential_under_a_telling_key_is_redacted_whole(
    tmp_path: Path, run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    messages = [
        {"role": "user", "content": "Where is my order?"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {
                        "name": "order_lookup",
                        "arguments": json.dumps({"api_key": "a81bc81b-dead-4e5d-abff", "q": "QX7"}),
                    },
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": json.dumps({"password": "hunter2!!"})},
        {"role": "assistant", "content": "It is on its way to ada@corp.io."},
    ]
    trace = tmp_path / "chat.json"
    trace.write_text(json.dumps(messages), encoding="utf-8")
    made = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0001", "--from-trace", trace, "--json"
    )
    path = Path(json.loads(made.stdout)["path"])
    text = path.read_text(encoding="utf-8")
    for secret in ("a81bc81b-dead-4e5d-abff", "hunter2!!", "ada@corp.io"):
        assert secret not in text
    case = yaml.safe_load(text)
    assert case["input"]["context"]["tool_responses"]["order_lookup"] == {
        "password": "[REDACTED-SECRET]"
    }
    assert case["input"]["messages"][1]["tool_calls"][0]["arguments"]["q"] == "QX7"
    assert case["observed"]["output"] == "It is on its way to [REDACTED-EMAIL]."
    assert case["source"] == {"format": "chat", "file": "chat.json"}
    # the template's guidance (the case's description and check) is left to write
    assert _rules_found(run_cli, root, path) == {"placeholder"}


def _rules_found(run_cli: RunCli, root: Path, *paths: Path) -> set[str]:
    out = run_cli("-C", root, "lint", *paths, "--format", "json", expect=1).stdout
    return {f["rule"] for f in json.loads(out)["findings"]}


def test_trace_options_need_from_trace(run_cli: RunCli, make_repo: Callable[..., Path]) -> None:
    root = make_repo()
    result = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0001", "--trace-id", "abc", expect=2
    )
    assert "--trace-id only applies with --from-trace FILE" in result.stderr


def test_a_missing_incident_or_trace_writes_nothing(
    run_cli: RunCli, make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    before = sorted(p.name for p in (root / "evals" / "regression").iterdir())
    missing = run_cli(
        "-C",
        root,
        "new",
        "eval",
        "--incident",
        "INC-2026-0001",
        "--from-trace",
        tmp_path / "nope.json",
        expect=2,
    )
    assert "no such file" in missing.stderr
    unknown = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0099", "--from-trace", REFUND, expect=2
    )
    assert "INC-2026-0099 does not exist" in unknown.stderr
    assert sorted(p.name for p in (root / "evals" / "regression").iterdir()) == before


def test_text_json_can_spell_but_yaml_cannot_hold_is_made_writable(
    tmp_path: Path, run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    trace = tmp_path / "odd.json"
    trace.write_text(
        '[{"role": "user", "content": "refund? \\ud800 \\u0000 \\u001b[31m"},'
        ' {"role": "assistant", "content": "ok \\ud83d\\ude00"}]',
        encoding="utf-8",
    )
    made = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0001", "--from-trace", trace, "--json"
    )
    path = Path(json.loads(made.stdout)["path"])
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert case["input"]["messages"][0]["content"] == "refund? \ufffd \x00 \x1b[31m"
    assert case["observed"]["output"] == "ok \U0001f600"
    assert _rules_found(run_cli, root, path) == {"placeholder"}  # it parses
