"""The check engine: every check type of an eval case's `expected` list, passing and failing."""

from __future__ import annotations

from typing import Any

import pytest

from incidentkit.evals.agent import AgentReply
from incidentkit.evals.checks import (
    CHECK_KINDS,
    CheckError,
    Outcome,
    evaluate,
    parse_checks,
)

REPLY = AgentReply(
    output="You can cancel free of charge within 24 hours of booking. After that, the fare rules apply.",
    latency_ms=1200.0,
    cost_usd=0.02,
    tool_calls=("get_fare_rules", "escalate_to_human"),
)

# (check, what must appear in the failure message)
PASSING: list[dict[str, Any]] = [
    {"contains": "24 hours"},
    {"not-contains": "retroactive refund"},
    {"regex": r"(?i)FARE RULES"},
    {"not-regex": r"\b60 days\b"},
    {
        "equals": "  You can cancel free of charge within 24 hours of booking. "
        "After that, the fare rules apply.\n"
    },
    {"max-latency-ms": 8000},
    {"max-cost-usd": 0.05},
    {"refusal": False},
    {"tool-called": "escalate_to_human"},
    {"tool-not-called": "issue_refund"},
]
FAILING: list[tuple[dict[str, Any], list[str]]] = [
    (
        {"contains": "30 days"},
        ["expected the reply to contain '30 days'", "actual reply: 'You can"],
    ),
    ({"not-contains": "24 hours"}, ["not to contain '24 hours'", "within 24 hours of booking"]),
    ({"regex": r"\bvoucher\b"}, ["expected the reply to match /\\bvoucher\\b/", "actual reply"]),
    ({"not-regex": r"(?i)fare \w+"}, ["not to match", "it matches 'fare rules'", "[fare rules]"]),
    ({"equals": "No."}, ["expected the reply to equal 'No.'", "actual reply: 'You can"]),
    ({"max-latency-ms": 500}, ["latency 1200 ms > the limit of 500 ms"]),
    ({"max-cost-usd": 0.01}, ["cost USD 0.02 > the limit of USD 0.01"]),
    ({"refusal": True}, ["expected a refusal", "no refusal phrase"]),
    (
        {"tool-called": "issue_refund"},
        ["expected a call to issue_refund", "get_fare_rules, escalate_to_human"],
    ),
    ({"tool-not-called": "get_fare_rules"}, ["expected no call to get_fare_rules", "called it 1x"]),
]


def test_every_documented_check_type_is_covered_here() -> None:
    kinds = {next(iter(c)) for c in PASSING} | {next(iter(c)) for c, _ in FAILING}
    assert kinds | {"criteria"} == set(CHECK_KINDS)


@pytest.mark.parametrize("check", PASSING, ids=lambda c: next(iter(c)))
def test_check_passes(check: dict[str, Any]) -> None:
    result = evaluate([check], REPLY)
    assert result.outcome is Outcome.PASSED, result.summary()
    assert result.results[0].message.startswith(next(iter(check)))


@pytest.mark.parametrize(
    ("check", "says"), FAILING, ids=lambda c: next(iter(c)) if isinstance(c, dict) else ""
)
def test_check_fails_with_expected_and_actual(check: dict[str, Any], says: list[str]) -> None:
    result = evaluate([check], REPLY)
    assert result.outcome is Outcome.FAILED
    message = result.failed[0].message
    for part in says:
        assert part in message


def test_contains_is_case_sensitive() -> None:
    assert evaluate([{"contains": "24 HOURS"}], REPLY).outcome is Outcome.FAILED


def test_criteria_is_never_passed_by_a_machine() -> None:
    only = evaluate([{"criteria": "Explains the fare rules politely."}], REPLY)
    assert only.outcome is Outcome.NEEDS_JUDGE
    assert only.needs_judge[0].message == "needs a judge: Explains the fare rules politely."
    mixed = evaluate([{"contains": "24 hours"}, {"criteria": "Polite."}], REPLY)
    # the machine checks decide the case; the rubric still waits for a judge
    assert mixed.outcome is Outcome.PASSED
    assert [r.outcome for r in mixed.results] == [Outcome.PASSED, Outcome.NEEDS_JUDGE]
    failing = evaluate([{"contains": "30 days"}, {"criteria": "Polite."}], REPLY)
    assert failing.outcome is Outcome.FAILED


@pytest.mark.parametrize(
    "text",
    [
        "I can't share account details.",
        "I can\u2019t share account details.",
        "Sorry, I cannot do that.",
        "I'm unable to help with transfers outside the platform.",
        "I must decline this request.",
        "I'm sorry, but that is against our policy.",
        "I am not able to process payments by bank transfer.",
    ],
)
def test_refusal_heuristic_recognises_refusals(text: str) -> None:
    reply = AgentReply(output=text)
    assert evaluate([{"refusal": True}], reply).outcome is Outcome.PASSED
    failed = evaluate([{"refusal": False}], reply)
    assert failed.outcome is Outcome.FAILED
    assert "expected no refusal; the reply refuses" in failed.failed[0].message


def test_unknown_latency_and_cost_fail_rather_than_pass() -> None:
    reply = AgentReply(output="ok")
    latency = evaluate([{"max-latency-ms": 100}], reply).failed[0].message
    cost = evaluate([{"max-cost-usd": 1}], reply).failed[0].message
    assert "latency is unknown" in latency
    assert "reported no cost_usd" in cost


def test_a_long_reply_is_shortened_in_messages() -> None:
    reply = AgentReply(output="word " * 500)
    message = evaluate([{"contains": "absent"}], reply).failed[0].message
    assert len(message) < 400
    assert message.endswith("...'")


@pytest.mark.parametrize(
    ("expected", "says"),
    [
        ([], "non-empty list"),
        ("contains: x", "non-empty list"),
        (
            [{"contains": "a", "regex": "b"}],
            "expected[0]: each check is a mapping with exactly one key",
        ),
        ([{"contains": "a"}, {"mentions": "b"}], "expected[1]: unknown check 'mentions'"),
        ([{"max-latency-ms": "fast"}], "max-latency-ms needs a positive number of milliseconds"),
        ([{"refusal": "yes"}], "refusal needs true or false"),
        ([{"regex": "(unclosed"}], "is not a valid regex"),
    ],
)
def test_malformed_expected_lists_are_reported_precisely(expected: Any, says: str) -> None:
    with pytest.raises(CheckError, match=None) as info:
        parse_checks(expected)
    assert says in str(info.value)
