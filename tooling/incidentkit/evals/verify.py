"""Verification: does each eval case fail before the fix and pass after it?

Given the runs on the version before the fix and on the version after it
(several results files per side, promptfoo `--repeat`, Inspect epochs and
pytest reruns are all repeated runs of a non-deterministic agent), each YAML
case in scope gets a `Tally` per side: judged runs (passed or failed),
failures, and inconclusive runs (the agent raised or was misconfigured, the
runner reported an error), which are counted and shown but are never evidence
either way. Skipped results are not runs. The verdicts, first that applies:

- `not-run`: no result on one side, or none on both: no evidence.
- `inconclusive`: a side has results but none was judged: the runs prove
  nothing (the CLI exits 1 with the reasons).
- `no-protection`: it never failed before: it does not detect the bug.
- `below-threshold`: it failed before, less often than the policy's
  `verification_failure_rate`.
- `still-failing`: it failed in some run after: the fix does not work (or
  the case is flaky). A failure followed by a passing rerun is a failure.
- `too-few-runs`: it failed before and never after, but over fewer judged
  runs on a side than the policy's `verification_runs` (default 3).
- `no-agent`: neither the case nor its first incident names an agent, so
  `agent@version` cannot be written.
- `verified`: everything above holds. Only these get `verification`.

A results file that selected no test is refused: an empty run is never
evidence that a case "fails before the fix". Results from several promptfoo
providers on one side must be narrowed to one (`--provider`). Python tests
under evals/ have no YAML to record into and are left out. This module
decides; `records.roundtrip` writes and `cli/verify.py` reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from incidentkit.config import Policy
from incidentkit.errors import UsageError, WriteRefused
from incidentkit.evals.agent import case_agent
from incidentkit.evals.results import Run, TestResult
from incidentkit.records.model import EvalCase
from incidentkit.records.repository import RecordSet
from incidentkit.records.roundtrip import Edit, set_mappings

Verdict = Literal[
    "verified",
    "too-few-runs",
    "below-threshold",
    "no-protection",
    "still-failing",
    "inconclusive",
    "not-run",
    "no-agent",
]
VERDICTS: tuple[Verdict, ...] = (
    "verified",
    "too-few-runs",
    "below-threshold",
    "no-protection",
    "still-failing",
    "inconclusive",
    "not-run",
    "no-agent",
)


@dataclass(frozen=True)
class Tally:
    """One case on one side: judged runs, failures among them, and inconclusive runs apart."""

    runs: int = 0
    failures: int = 0
    inconclusive: int = 0
    reasons: tuple[tuple[str, int], ...] = ()  # why runs were inconclusive, most frequent first

    @property
    def failure_rate(self) -> float | None:
        return self.failures / self.runs if self.runs else None

    def describe(self) -> str:
        if not self.runs and not self.inconclusive:
            return "not run"
        judged = (
            f"{self.failure_rate:.0%} failed ({self.failures}/{self.runs} runs)"
            if self.runs
            else "no judged run"
        )
        if not self.inconclusive:
            return judged
        return f"{judged}; {self.inconclusive} inconclusive"


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
    min_runs: int = 1
    min_failure_rate: float = 0.0
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

    def changes(self) -> list[Change]:
        """What `--write` would record, each with what it replaces."""
        return [change_for(v) for v in self.to_write]


@dataclass(frozen=True)
class Change:
    """One case's `verification`, before and after `--write`."""

    verdict: CaseVerdict
    old: dict[str, Any] | None
    new: dict[str, Any]

    @property
    def weaker(self) -> bool:
        """The new evidence rests on fewer runs, on either side, than the recorded one."""
        if self.old is None:
            return False
        return any(
            isinstance(self.old.get(key), int) and self.new[key] < self.old[key]
            for key in ("runs_before", "runs_after")
        )

    def lines(self) -> list[str]:
        """`key: old -> new` for each value that changes (all values for a new record)."""
        old = self.old or {}
        keys = list(dict.fromkeys([*self.new, *old]))
        return [
            f"{key}: {old[key]} -> {self.new.get(key)}" if key in old else f"{key}: {self.new[key]}"
            for key in keys
            if old.get(key, object()) != self.new.get(key)
        ]


def change_for(verdict: CaseVerdict) -> Change:
    """The verification `--write` would record for a verified case, with the one it replaces."""
    assert verdict.verification is not None
    current = verdict.case.data.get("verification")
    return Change(
        verdict, dict(current) if isinstance(current, dict) else None, verdict.verification
    )


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
            "(or run pytest with --agent-version so the JUnit XML records it; for promptfoo, "
            "label the provider `agent@version` or set agent_version in its config)"
        )
    raise UsageError(
        f"the {side} results record several agent versions ({', '.join(found)}); "
        f"pass --{side}-version or split the files"
    )


def select_provider(runs: Sequence[Run], provider: str | None, side: str) -> list[Run]:
    """The runs narrowed to one promptfoo provider; an error when a side mixes providers."""
    named = list(dict.fromkeys(p for run in runs for p in run.providers))
    if provider is None:
        if len(named) > 1:
            raise UsageError(
                f"the {side} results hold several providers ({', '.join(named)}): each is a "
                f"different agent or version, so their runs cannot share one failure rate; "
                f"choose one with --{side}-provider (or --provider)"
            )
        return list(runs)
    chosen = [run.only(provider) for run in runs]
    if not any(run.results for run in chosen):
        raise UsageError(
            f"no {side} result comes from provider {provider!r}; the files name "
            + (", ".join(repr(p) for p in named) if named else "no provider")
        )
    return [run for run in chosen if run.results]


def require_selected(runs: Iterable[Run]) -> None:
    for run in runs:
        if run.selected == 0:
            raise UsageError(
                f"{run.path}: the run selected no test (0 test cases). An empty run is not "
                "evidence that a case fails or passes; check the test selection (-k, -m, --tier) "
                "and the path the results were written to"
            )


@dataclass(frozen=True)
class Sides:
    """The before and after runs, with what is known of them."""

    before: Sequence[Run]
    after: Sequence[Run]
    before_version: str | None = None
    after_version: str | None = None
    before_provider: str | None = None
    after_provider: str | None = None


def verify(
    records: RecordSet,
    sides: Sides,
    scope: Scope | None = None,
    policy: Policy | None = None,
) -> VerifyResult:
    """Judge every YAML case in scope on the before and after runs."""
    if not sides.before or not sides.after:
        raise UsageError("give at least one results file for each side (--before and --after)")
    require_selected([*sides.before, *sides.after])
    before = select_provider(sides.before, sides.before_provider, "before")
    after = select_provider(sides.after, sides.after_provider, "after")
    scope = scope or Scope()
    policy = policy or Policy()
    result = VerifyResult(
        before_version=run_version(before, sides.before_version, "before"),
        after_version=run_version(after, sides.after_version, "after"),
        runs_before=len(before),
        runs_after=len(after),
        min_runs=policy.verification_runs,
        min_failure_rate=policy.verification_failure_rate,
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
    for side, runs in (("before", before), ("after", after)):
        _require_some_match(side, runs, result.unmatched)
    for case in in_scope.values():
        agent = case_agent(case, agents)
        tb = tallies_before.get(case.id, Tally())
        ta = tallies_after.get(case.id, Tally())
        verdict = _verdict(tb, ta, agent, result)
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
    reasons: dict[str, Counter[str]] = {}
    for run in runs:
        for test in run.results:
            case_id = test.case_id(known)
            if case_id is None or case_id not in known:
                unmatched.append(Unmatched(side, run.path, test))
                continue
            if case_id not in in_scope or test.status == "skipped":
                continue
            tally = counts.setdefault(case_id, [0, 0, 0])
            if test.status == "inconclusive":
                tally[2] += 1
                reasons.setdefault(case_id, Counter())[test.reason or "no reason given"] += 1
                continue
            tally[0] += 1
            tally[1] += test.status == "failed"
    return {
        k: Tally(r, f, i, tuple(reasons.get(k, Counter()).most_common()))
        for k, (r, f, i) in counts.items()
    }


def _require_some_match(side: str, runs: Sequence[Run], unmatched: list[Unmatched]) -> None:
    """A side none of whose results names a case was matched wrongly, not run: say so."""
    total = sum(run.selected for run in runs)
    missed = sum(1 for u in unmatched if u.side == side)
    if total and missed == total:
        names = ", ".join([repr(u.result.name) for u in unmatched if u.side == side][:3])
        raise UsageError(
            f"none of the {total} {side} result(s) names an eval case (e.g. {names}): give "
            "each a `case` property or metadata (promptfoo: `metadata: {case: ID}`; the "
            "pytest plugin writes it), or name the test after the case ID"
        )


def _verdict(before: Tally, after: Tally, agent: str | None, result: VerifyResult) -> Verdict:
    if not (before.runs or before.inconclusive) or not (after.runs or after.inconclusive):
        return "not-run"
    if not before.runs or not after.runs:
        return "inconclusive"
    if not before.failures:
        return "no-protection"
    if (before.failure_rate or 0.0) < result.min_failure_rate - 1e-9:
        return "below-threshold"
    if after.failures:
        return "still-failing"
    if min(before.runs, after.runs) < result.min_runs:
        return "too-few-runs"
    return "verified" if agent else "no-agent"


class WeakerEvidence(WriteRefused):
    """`--write` would replace recorded evidence with evidence over fewer runs (exit 1)."""


def write_verifications(root: Path, result: VerifyResult, replace: bool = False) -> list[str]:
    """Record `verification` in every newly verified case; the files changed, repo-relative.

    Nothing is written when any change would weaken recorded evidence (fewer
    runs on a side) and `replace` is not given.
    """
    changes = result.changes()
    weaker = [c for c in changes if c.weaker]
    if weaker and not replace:
        listed = "; ".join(
            f"{c.verdict.case.id}: runs {c.old.get('runs_before')}/{c.old.get('runs_after')} "
            f"recorded, {c.new['runs_before']}/{c.new['runs_after']} now"
            for c in weaker
            if c.old is not None
        )
        raise WeakerEvidence(
            f"refusing to replace recorded verification with evidence over fewer runs "
            f"({listed}); nothing was written. Run as many runs as were recorded, or pass "
            "--replace to overwrite it anyway"
        )
    edits: dict[str, list[Edit]] = {}
    for change in changes:
        case = change.verdict.case
        edits.setdefault(case.path, []).append((case.key, "verification", change.new))
    return [
        path
        for path, file_edits in edits.items()
        if set_mappings(root / path, file_edits, root=root)
    ]


def agent_at(agent: str, version: str) -> str:
    """`agent@version`; a version already written as `agent@version` is kept as it is."""
    return version if "@" in version else f"{agent}@{version}"
