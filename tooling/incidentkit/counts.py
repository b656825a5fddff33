"""The one definition of a case that *counts* toward policy, and why a case does not.

A linked case counts when it runs and checks something:

- it is in one of `policy.counting_tiers`;
- a YAML case: its `expected` list holds at least one check the engine can
  run, no field still holds template placeholder text, at least one check
  can fail (not every check is trivially true: a `regex` that matches the
  empty string matches any reply, a non-finite `max-latency-ms` /
  `max-cost-usd` limits nothing), and, when every such check is `criteria`,
  a judge is configured (`[tool.incidentkit.judge]`), and some user message in
  `input` has text;
- a Python test: pytest would collect it and it is not unconditionally
  skipped or xfailed (a condition makes it count, marked conditional).

A case counts for an incident only when it tests the incident's agent (a case
without `agent`, or an incident without one, is not judged on it).

Coverage, the gate, the site and stats all ask `case_count`; nothing else
decides. What the loader saw (the `expected` items, placeholders, pytest's
view of a test) is on the `EvalCase`; the config-dependent part is here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from incidentkit.bounded_regex import compile_regex
from incidentkit.config import Config
from incidentkit.evals.checks import Check, CheckError, parse_checks
from incidentkit.records.model import EvalCase, Incident


@dataclass(frozen=True)
class CaseCount:
    case: EvalCase
    reason: str | None  # why the case does not count; None when it does
    conditional: str | None = None  # it counts, but runs only under this condition

    @property
    def counts(self) -> bool:
        return self.reason is None


def case_count(case: EvalCase, config: Config, incident: Incident | None = None) -> CaseCount:
    """Whether `case` counts toward policy under `config` (for `incident`, when given),
    and if not, why."""
    reason = _why_not(case, config) or _not_for(case, incident)
    return CaseCount(case, reason, case.conditional if reason is None else None)


def counting_cases(
    cases: Iterable[EvalCase], config: Config, incident: Incident | None = None
) -> list[EvalCase]:
    """The linked cases (of `incident`, when given) that satisfy the regression policy."""
    return [c for c in cases if (_why_not(c, config) or _not_for(c, incident)) is None]


def _not_for(case: EvalCase, incident: Incident | None) -> str | None:
    """Why `case` does not cover `incident` although it links it: it tests another agent."""
    if incident is None or not incident.agent or not case.agent:
        return None
    if case.agent.strip() != incident.agent.strip():
        return (
            f"it tests agent '{case.agent}', and {incident.id or 'the incident'} happened "
            f"to agent '{incident.agent}'"
        )
    return None


def _why_not(case: EvalCase, config: Config) -> str | None:
    tiers = config.policy.counting_tiers
    if case.tier not in tiers:
        if case.tier is None:
            what = "no @pytest.mark.tier marker" if case.source == "python" else "no tier"
        else:
            what = f"tier '{case.tier}'"
        return (
            f"{what}: only the tiers {', '.join(tiers) or '(none)'} count (policy.counting_tiers)"
        )
    if case.source == "python" or case.not_run:
        return case.not_run
    if case.placeholder:
        return f"not finished: {case.placeholder}"
    if not case.expected:
        return "no `expected` check: it checks nothing"
    if case.asks_nothing:
        return "no user message in `input` has text: the agent is asked nothing"
    try:
        checks = parse_checks(list(case.expected))
    except CheckError as exc:
        return f"cannot run: {exc}"
    can_fail = [c for c in checks if _trivial(c) is None]
    if not can_fail:
        return "no check can fail: " + "; ".join(str(_trivial(c)) for c in checks)
    if config.judge is None and all(c.kind == "criteria" for c in can_fail):
        return (
            "needs a judge: its only checks are `criteria`, and no [tool.incidentkit.judge] "
            "is configured"
        )
    return None


def _trivial(check: Check) -> str | None:
    """Why `check` passes whatever the reply is, or None when some reply can fail it.

    Only what follows from the check itself: a `regex` that matches the empty
    string (`.*`, `a*`, `(?s)`) is found in any reply, and a limit that is not a
    finite number limits nothing. Whether a string is likely to appear in a reply
    is not judged here.
    """
    value = check.value
    if (
        check.kind == "regex"
        and isinstance(value, str)
        and compile_regex(value).search("") is not None
    ):
        return f"regex {value!r} matches the empty string, so it matches any reply"
    limit = check.kind in ("max-latency-ms", "max-cost-usd")
    if limit and isinstance(value, int | float) and not math.isfinite(value):
        return f"{check.kind}: {value} is not a finite limit, so it limits nothing"
    return None
