"""Verification: does each eval case fail before the fix and pass after it?

Given the runs on the version before the fix and on the version after it
(several results files per side are repeated runs of a non-deterministic
agent), each YAML case in scope gets a failure rate per side, counting the
results that passed or failed (skipped ones are not runs). The verdicts:

- `verified`: failure rate > 0 before (it failed in at least one run) and
  exactly 0 after (it passed in every run). Only these get `verification`.
- `no-protection`: it ran before and never failed: it does not detect the bug.
- `still-failing`: it failed before and still fails in some run after: the
  fix does not work (or the case is flaky).
- `not-run`: no run before, or none after: no evidence either way.
- `no-agent`: neither the case nor its first incident names an agent, so
  `agent@version` cannot be written.

A results file that selected no test is refused: an empty run is never
evidence that a case "fails before the fix". Python tests under evals/ have no
YAML to record into and are left out. This module decides; `records.roundtrip`
writes and `cli/verify.py` reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from incidentkit.errors import UsageError
from incidentkit.evals.agent import case_agent
from incidentkit.evals.results import Run, TestResult
from incidentkit.records.model import EvalCase
from incidentkit.records.repository import RecordSet
from incidentkit.records.roundtrip import Edit, set_mappings

Verdict = Literal["verified", "no-protection", "still-failing", "not-run", "no-agent"]
VERDICTS: tuple[Verdict, ...] = (
    "verified",
    "no-protection",
    "still-failing",
    "not-run",
    "no-agent",
)


@dataclass(frozen=True)
class Tally:
    runs: int = 0
    failures: int = 0

    @property
    def failure_rate(self) -> float | None:
        return self.failures / self.runs if self.runs else None

    def describe(self) -> str:
        if not self.runs:
            return "not run"
        return f"{self.failure_rate:.0%} failed ({self.failures}/{self.runs} runs)"


@dataclass(frozen=True)
class CaseVerdict:
    case: EvalCase
    agent: str | None
    before: Tally
    after: Tally
    verdict: Verdict
    verification: dict[str, Any] | None = None  # what `--write` records, for verified cases

    @property
    def unchanged(self) -> bool:
        """The case already records exactly this verification."""
        current = self.case.data.get("verification")
        return self.verification is not None and current == self.verification


@dataclass(frozen=True)
class Unmatched:
    """A result that names no case in scope."""

    side: str
    path: Path
    result: TestResult


@dataclass
class VerifyResult:
    before_version: str
    after_version: str
    runs_before: int
    runs_after: int
    verdicts: list[CaseVerdict] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    def having(self, verdict: Verdict) -> list[CaseVerdict]:
        return [v for v in self.verdicts if v.verdict == verdict]

    @property
    def protected(self) -> bool:
        """Every case in scope is verified (what `--check` demands)."""
        return all(v.verdict == "verified" for v in self.verdicts)

    @property
    def to_write(self) -> list[CaseVerdict]:
        return [v for v in self.having("verified") if not v.unchanged]


@dataclass(frozen=True)
class Scope:
    """Which YAML cases are judged: all, or those of some agents, tiers or incidents."""

    agents: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    incidents: tuple[str, ...] = ()

    def admits(self, case: EvalCase, agent: str | None) -> bool:
        return (
            (not self.agents or agent in self.agents)
            and (not self.tiers or case.tier in self.tiers)
            and (not self.incidents or any(i in self.incidents for i in case.incidents))
        )


def run_version(runs: Sequence[Run], given: str | None, side: str) -> str:
    """The version a side ran: `--{side}-version`, else the one agent_version the files record."""
    if given:
        return given
    found = sorted({v for run in runs for v in run.agent_versions})
    if len(found) == 1:
        return found[0]
    if not found:
        raise UsageError(
            f"cannot tell which agent version the {side} results ran: pass --{side}-version "
            "(or run pytest with --agent-version so the JUnit XML records it)"
        )
    raise UsageError(
        f"the {side} results record several agent versions ({', '.join(found)}); "
        f"pass --{side}-version or split the files"
    )


def require_selected(runs: Iterable[Run]) -> None:
    for run in runs:
        if run.selected == 0:
            raise UsageError(
                f"{run.path}: the run selected no test (0 test cases). An empty run is not "
                "evidence that a case fails or passes; check the test selection (-k, -m, --tier) "
                "and the path the results were written to"
            )


def verify(
    records: RecordSet,
    before: Sequence[Run],
    after: Sequence[Run],
    before_version: str | None = None,
    after_version: str | None = None,
    scope: Scope | None = None,
) -> VerifyResult:
    """Judge every YAML case in scope on the before and after runs."""
    if not before or not after:
        raise UsageError("give at least one results file for each side (--before and --after)")
    require_selected([*before, *after])
    scope = scope or Scope()
    result = VerifyResult(
        before_version=run_version(before, before_version, "before"),
        after_version=run_version(after, after_version, "after"),
        runs_before=len(before),
        runs_after=len(after),
    )
    agents = {i.id: i.agent for i in records.incidents if i.id}
    cases = [c for c in records.cases if c.source == "yaml" and c.id]
    in_scope = {c.id: c for c in cases if scope.admits(c, case_agent(c, agents))}
    if not in_scope:
        raise UsageError(
            "no YAML eval case to verify"
            + (" matches --agent/--tier/--incident" if scope != Scope() else " in the repository")
        )
    # Python tests are known (their results are not "unmatched") but not judged.
    known = {c.id for c in records.cases if c.id}
    tallies_before = _tally(before, known, in_scope, "before", result.unmatched)
    tallies_after = _tally(after, known, in_scope, "after", result.unmatched)
    for case in in_scope.values():
        agent = case_agent(case, agents)
        tb = tallies_before.get(case.id, Tally())
        ta = tallies_after.get(case.id, Tally())
        verdict = _verdict(tb, ta, agent)
        verification = None
        if verdict == "verified" and agent:
            verification = {
                "fails_on": agent_at(agent, result.before_version),
                "passes_on": agent_at(agent, result.after_version),
                "runs_before": tb.runs,
                "runs_after": ta.runs,
                "failure_rate_before": round(tb.failure_rate or 0.0, 4),
                "failure_rate_after": round(ta.failure_rate or 0.0, 4),
            }
        result.verdicts.append(CaseVerdict(case, agent, tb, ta, verdict, verification))
    return result


def _tally(
    runs: Sequence[Run],
    known: set[str],
    in_scope: dict[str, EvalCase],
    side: str,
    unmatched: list[Unmatched],
) -> dict[str, Tally]:
    counts: dict[str, list[int]] = {}
    for run in runs:
        for test in run.results:
            case_id = test.case_id(known)
            if case_id is None or case_id not in known:
                unmatched.append(Unmatched(side, run.path, test))
                continue
            if case_id not in in_scope or test.status == "skipped":
                continue
            runs_failures = counts.setdefault(case_id, [0, 0])
            runs_failures[0] += 1
            runs_failures[1] += test.status == "failed"
    return {k: Tally(r, f) for k, (r, f) in counts.items()}


def _verdict(before: Tally, after: Tally, agent: str | None) -> Verdict:
    if not before.runs or not after.runs:
        return "not-run"
    if not before.failures:
        return "no-protection"
    if after.failures:
        return "still-failing"
    return "verified" if agent else "no-agent"


def write_verifications(root: Path, result: VerifyResult) -> list[str]:
    """Record `verification` in every newly verified case; the files changed, repo-relative."""
    edits: dict[str, list[Edit]] = {}
    for verdict in result.to_write:
        assert verdict.verification is not None
        edits.setdefault(verdict.case.path, []).append(
            (verdict.case.key, "verification", verdict.verification)
        )
    return [path for path, file_edits in edits.items() if set_mappings(root / path, file_edits)]


def agent_at(agent: str, version: str) -> str:
    """`agent@version`; a version already written as `agent@version` is kept as it is."""
    return version if "@" in version else f"{agent}@{version}"
