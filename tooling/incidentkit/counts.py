"""The one definition of a case that *counts* toward policy, and why a case does not.

A linked case counts when it runs and checks something:

- it is in one of `policy.counting_tiers`;
- a YAML case: its `expected` list holds at least one check the engine can
  run, no field still holds template placeholder text, and, when every check
  is `criteria`, a judge is configured (`[tool.incidentkit.judge]`);
- a Python test: pytest would collect it and it is not unconditionally
  skipped or xfailed (a condition makes it count, marked conditional).

Coverage, the gate, the site and stats all ask `case_count`; nothing else
decides. What the loader saw (the `expected` items, placeholders, pytest's
view of a test) is on the `EvalCase`; the config-dependent part is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from incidentkit.config import Config
from incidentkit.evals.checks import CheckError, parse_checks
from incidentkit.records.model import EvalCase


@dataclass(frozen=True)
class CaseCount:
    case: EvalCase
    reason: str | None  # why the case does not count; None when it does
    conditional: str | None = None  # it counts, but runs only under this condition

    @property
    def counts(self) -> bool:
        return self.reason is None


def case_count(case: EvalCase, config: Config) -> CaseCount:
    """Whether `case` counts toward policy under `config`, and if not, why."""
    reason = _why_not(case, config)
    return CaseCount(case, reason, case.conditional if reason is None else None)


def counting_cases(cases: Iterable[EvalCase], config: Config) -> list[EvalCase]:
    """The linked cases that satisfy the regression policy."""
    return [c for c in cases if _why_not(c, config) is None]


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
    try:
        checks = parse_checks(list(case.expected))
    except CheckError as exc:
        return f"cannot run: {exc}"
    if config.judge is None and all(c.kind == "criteria" for c in checks):
        return (
            "needs a judge: its only checks are `criteria`, and no [tool.incidentkit.judge] "
            "is configured"
        )
    return None
