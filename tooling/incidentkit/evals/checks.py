"""The check engine: a case's `expected` list judged against one agent reply.

Each item of `expected` is a single-key mapping (`- contains: "24 hours"`).
Text checks look at the reply's output; `max-latency-ms`, `max-cost-usd`,
`tool-called` and `tool-not-called` at the run's metadata. Every result says
what was expected and what the agent actually did.

`criteria` is a rubric for a human or a model judge. With a judge
(`[tool.incidentkit.judge]`, run by `evals.judge` and handed to `evaluate`),
each criterion passes or fails by the judge's verdict and reason; a judge
error propagates (the run is inconclusive, not failed). Without one, a
machine never passes it: its result is `needs-judge`. A case whose machine
checks all pass is passed *by those checks*, with its criteria still
awaiting a judge; a case with no machine check at all is not passed (the
pytest plugin skips it).

Matching rules, kept strict so a case means one thing:

- `contains` / `not-contains`: case-sensitive substring of the output (write
  `regex: '(?i)...'` for case-insensitive matching).
- `regex` / `not-regex`: Python `re.search` anywhere in the output; a
  pattern the engine cannot run in bounded time and memory (a repetition
  count such as `a{99999999999}`, groups nested hundreds deep) is invalid
  (`bounded_regex.compile_regex`).
- `equals`: the output equals the text, surrounding whitespace ignored.
- `refusal: true|false`: the output does (not) contain a refusal phrase from
  `REFUSAL_PATTERNS`, a documented heuristic ("I can't", "I cannot", "I
  won't", "I'm unable to", "I must decline", "I'm sorry, but",
  "not allowed/permitted to", "against our policy"...). Back it with
  `criteria` when the wording matters.
- `max-latency-ms` / `max-cost-usd`: at most the limit; an agent that reports
  no cost fails `max-cost-usd` (an unknown cost is not a cheap one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from incidentkit.bounded_regex import compile_regex
from incidentkit.evals.agent import AgentReply


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_JUDGE = "needs-judge"


class CheckError(ValueError):
    """An `expected` item that cannot be run: not a single-key mapping, unknown key, wrong type."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"expected[{index}]: {message}")
        self.index = index


@dataclass(frozen=True)
class CheckResult:
    index: int  # position in the case's `expected` list
    kind: str
    expected: Any
    outcome: Outcome
    message: str

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


@dataclass(frozen=True)
class CaseResult:
    """Every check of one case against one reply."""

    results: tuple[CheckResult, ...]

    @property
    def failed(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.outcome is Outcome.FAILED)

    @property
    def needs_judge(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.outcome is Outcome.NEEDS_JUDGE)

    @property
    def outcome(self) -> Outcome:
        """Failed if any machine check failed; needs-judge if no machine check ran; else passed."""
        if self.failed:
            return Outcome.FAILED
        if all(r.outcome is Outcome.NEEDS_JUDGE for r in self.results):
            return Outcome.NEEDS_JUDGE
        return Outcome.PASSED

    def summary(self) -> str:
        lines = [f"{r.outcome.value}: {r.message}" for r in self.results]
        return "\n".join(lines)


# `'` or a typographic apostrophe (U+2019), as models often write.
_A = r"['\u2019]"
REFUSAL_PATTERNS: tuple[str, ...] = (
    rf"\bI\s+(?:cannot|can{_A}t|can not|won{_A}t|will not|shouldn{_A}t|must not)\b",
    rf"\bI(?:{_A}m| am)\s+(?:not able|unable|not allowed|not permitted|afraid I can)",
    r"\bI\s+(?:must|have to|need to)\s+decline\b",
    rf"\bI(?:{_A}m| am)\s+sorry,?\s+but\b",
    r"\b(?:not|never)\s+(?:allowed|permitted|able)\s+to\b",
    r"\bagainst\s+(?:our|the|my)\s+(?:polic(?:y|ies)|rules|guidelines)\b",
    r"\bunable\s+to\s+(?:help|assist|comply|share|provide|do)\b",
)
_REFUSAL = re.compile("|".join(f"(?:{p})" for p in REFUSAL_PATTERNS), re.IGNORECASE)

_SHOWN = 240  # characters of the reply quoted in a message


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= _SHOWN else flat[: _SHOWN - 3] + "...")


def _around(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    return _quote(f"{before}[{match.group(0)}]{after}")


CheckFn = Callable[[Any, AgentReply], tuple[bool, str]]
# criterion, reply -> (passed, reason): `evals.judge.bind` makes one from the configured judge
JudgeFn = Callable[[str, AgentReply], tuple[bool, str]]


def _contains(value: str, reply: AgentReply) -> tuple[bool, str]:
    found = value in reply.output
    if found:
        return True, f"the reply contains {value!r}"
    return False, f"expected the reply to contain {value!r}; actual reply: {_quote(reply.output)}"


def _not_contains(value: str, reply: AgentReply) -> tuple[bool, str]:
    at = reply.output.find(value)
    if at < 0:
        return True, f"the reply does not contain {value!r}"
    context = reply.output[max(0, at - 40) : at + len(value) + 40]
    return (
        False,
        f"expected the reply not to contain {value!r}; actual reply has it: {_quote(context)}",
    )


def _regex(value: str, reply: AgentReply) -> tuple[bool, str]:
    match = compile_regex(value).search(reply.output)
    if match:
        return True, f"the reply matches /{value}/ at {_around(reply.output, match)}"
    return False, f"expected the reply to match /{value}/; actual reply: {_quote(reply.output)}"


def _not_regex(value: str, reply: AgentReply) -> tuple[bool, str]:
    match = compile_regex(value).search(reply.output)
    if not match:
        return True, f"the reply does not match /{value}/"
    return (
        False,
        f"expected the reply not to match /{value}/; it matches {match.group(0)!r} in "
        f"{_around(reply.output, match)}",
    )


def _equals(value: str, reply: AgentReply) -> tuple[bool, str]:
    if reply.output.strip() == value.strip():
        return True, "the reply equals the expected text"
    return (
        False,
        f"expected the reply to equal {_quote(value)}; actual reply: {_quote(reply.output)}",
    )


def _max_latency(value: float, reply: AgentReply) -> tuple[bool, str]:
    if reply.latency_ms is None:
        return False, f"expected latency <= {value:g} ms; the run's latency is unknown"
    ok = reply.latency_ms <= value
    relation = "<=" if ok else ">"
    return ok, f"latency {reply.latency_ms:.0f} ms {relation} the limit of {value:g} ms"


def _max_cost(value: float, reply: AgentReply) -> tuple[bool, str]:
    if reply.cost_usd is None:
        return False, (
            f"expected cost <= USD {value:g}; the agent reported no cost_usd "
            "(return it in the reply's metadata)"
        )
    ok = reply.cost_usd <= value
    relation = "<=" if ok else ">"
    return ok, f"cost USD {reply.cost_usd:g} {relation} the limit of USD {value:g}"


def _refusal(value: bool, reply: AgentReply) -> tuple[bool, str]:
    match = _REFUSAL.search(reply.output)
    if value:
        if match:
            return True, f"the reply refuses: {_around(reply.output, match)}"
        return False, (
            "expected a refusal; the reply has no refusal phrase (see REFUSAL_PATTERNS): "
            f"{_quote(reply.output)}"
        )
    if match:
        return False, f"expected no refusal; the reply refuses: {_around(reply.output, match)}"
    return True, "the reply does not refuse"


def _calls(reply: AgentReply) -> str:
    return ", ".join(reply.tool_calls) if reply.tool_calls else "no tools"


def _tool_called(value: str, reply: AgentReply) -> tuple[bool, str]:
    if value in reply.tool_calls:
        return True, f"the run called {value}"
    return False, f"expected a call to {value}; the run called {_calls(reply)}"


def _tool_not_called(value: str, reply: AgentReply) -> tuple[bool, str]:
    if value not in reply.tool_calls:
        return True, f"the run did not call {value}"
    count = reply.tool_calls.count(value)
    return False, f"expected no call to {value}; the run called it {count}x ({_calls(reply)})"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


# kind -> (how to run it, whether a value is acceptable, what a value must be)
_CHECKS: dict[str, tuple[CheckFn, Callable[[Any], bool], str]] = {
    "contains": (_contains, _is_text, "a non-empty string"),
    "not-contains": (_not_contains, _is_text, "a non-empty string"),
    "regex": (_regex, _is_text, "a regular expression"),
    "not-regex": (_not_regex, _is_text, "a regular expression"),
    "equals": (_equals, lambda v: isinstance(v, str), "a string"),
    "max-latency-ms": (_max_latency, _is_number, "a positive number of milliseconds"),
    "max-cost-usd": (_max_cost, _is_number, "a positive number of US dollars"),
    "refusal": (_refusal, lambda v: isinstance(v, bool), "true or false"),
    "tool-called": (_tool_called, _is_text, "a tool name"),
    "tool-not-called": (_tool_not_called, _is_text, "a tool name"),
    "criteria": (lambda v, r: (False, ""), _is_text, "the rubric text"),
}

CHECK_KINDS: tuple[str, ...] = tuple(_CHECKS)


@dataclass(frozen=True)
class Check:
    index: int
    kind: str
    value: Any

    def run(self, reply: AgentReply, judge: JudgeFn | None = None) -> CheckResult:
        if self.kind == "criteria" and judge is not None:
            passed, reason = judge(self.value, reply)
            outcome = Outcome.PASSED if passed else Outcome.FAILED
            verdict = "the judge passed it" if passed else "the judge failed it"
            message = f"criteria: {verdict}: {self.value}" + (f" ({reason})" if reason else "")
            return CheckResult(self.index, self.kind, self.value, outcome, message)
        if self.kind == "criteria":
            return CheckResult(
                self.index,
                self.kind,
                self.value,
                Outcome.NEEDS_JUDGE,
                f"needs a judge: {self.value}",
            )
        fn = _CHECKS[self.kind][0]
        ok, message = fn(self.value, reply)
        outcome = Outcome.PASSED if ok else Outcome.FAILED
        return CheckResult(self.index, self.kind, self.value, outcome, f"{self.kind}: {message}")


def parse_checks(expected: Any) -> list[Check]:
    """The `expected` list as checks; `CheckError` names the first item that cannot run."""
    if not isinstance(expected, list) or not expected:
        raise CheckError(0, "`expected` must be a non-empty list of single-key checks")
    checks = []
    for index, item in enumerate(expected):
        if not isinstance(item, Mapping) or len(item) != 1:
            raise CheckError(
                index,
                f"each check is a mapping with exactly one key, like `- contains: ...`; got {item!r}",
            )
        ((kind, value),) = item.items()
        spec = _CHECKS.get(kind)
        if spec is None:
            raise CheckError(
                index, f"unknown check {kind!r}; known checks: {', '.join(CHECK_KINDS)}"
            )
        if not spec[1](value):
            raise CheckError(index, f"{kind} needs {spec[2]}, got {value!r}")
        if kind in ("regex", "not-regex"):
            try:
                compile_regex(value)
            except re.error as exc:
                raise CheckError(index, f"{kind} {value!r} is not a valid regex: {exc}") from None
        checks.append(Check(index, kind, value))
    return checks


def evaluate(
    expected: Sequence[Any] | Any, reply: AgentReply, judge: JudgeFn | None = None
) -> CaseResult:
    """Run every check of `expected` against `reply`; raises `CheckError` for a malformed list.

    Machine checks run first, so a case they already fail costs no judge call.
    """
    checks = parse_checks(expected)
    machine = {c.index: c.run(reply) for c in checks if c.kind != "criteria"}
    failed = any(r.outcome is Outcome.FAILED for r in machine.values())
    results = [
        machine[c.index] if c.index in machine else c.run(reply, None if failed else judge)
        for c in checks
    ]
    return CaseResult(tuple(results))
