"""Regression coverage: which incidents have which eval cases, and are they enough.

Pure data, shared by `incidentkit coverage`, the gate, the reminders workflow
(through the JSON output) and the site. Policy comes from
`[tool.incidentkit.policy]`; turnaround times from git history are passed
in (`incidentkit.git.history.first_case_times`), so nothing here runs git.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentkit.config import TIERS, Config, Policy
from incidentkit.counts import CaseCount, case_count, counting_cases
from incidentkit.metrics import turnaround_hours
from incidentkit.records.model import EvalCase, EvaluationGap, Incident, Postmortem
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc

NO_TIER = "(no tier)"  # a Python test without a tier marker


@dataclass(frozen=True)
class IncidentCoverage:
    incident: Incident
    cases_by_tier: dict[str, list[EvalCase]]  # every linked case, by tier
    counted: list[CaseCount]  # every linked case, with why it does not count if it does not
    verified: int  # linked cases with a recorded fails_on/passes_on
    needs_cases: bool  # policy covers this incident (severity and status)
    policy_met: bool  # covered: a counting case (all verified if required); or waived
    waived: bool
    turnaround_hours: float | None  # detection -> first commit adding a linked case
    turnaround_met: bool | None  # None: not yet decidable, not covered, or unknown

    @property
    def cases(self) -> list[EvalCase]:
        return [case for cases in self.cases_by_tier.values() for case in cases]

    @property
    def counting(self) -> list[EvalCase]:
        """The linked cases that count toward policy (see `incidentkit.counts`)."""
        return [c.case for c in self.counted if c.counts]

    @property
    def not_counting(self) -> list[CaseCount]:
        return [c for c in self.counted if not c.counts]


@dataclass(frozen=True)
class GapCoverage:
    """An evaluation gap named by a post-mortem, and the cases that close it."""

    postmortem: Postmortem
    gap: EvaluationGap
    cases: list[EvalCase]  # cases linked to the post-mortem's incidents with `gap: <type>`
    closed: bool


@dataclass(frozen=True)
class CoverageReport:
    incidents: list[IncidentCoverage]
    gaps: list[GapCoverage]
    history_available: bool  # False: turnaround could not be read from git

    @property
    def unmet(self) -> list[IncidentCoverage]:
        return [c for c in self.incidents if not c.policy_met]

    @property
    def open_gaps(self) -> list[GapCoverage]:
        return [g for g in self.gaps if not g.closed]

    @property
    def failing_gaps(self) -> list[GapCoverage]:
        """Open gaps of published post-mortems: what `policy.gaps_must_close` fails on."""
        return [g for g in self.open_gaps if g.postmortem.status == "published"]


def needs_cases(incident: Incident, policy: Policy) -> bool:
    """Whether policy demands regression cases for this incident.

    By severity and status; incidents detected before `policy.since`
    (imported history) are exempt.
    """
    return policy.needs_cases(incident.severity, incident.status) and not _before_since(
        incident, policy
    )


def meets_policy(incident: Incident, cases: list[EvalCase], config: Config) -> bool:
    """Whether an incident's cases satisfy policy, ignoring waivers."""
    policy = config.policy
    if not needs_cases(incident, policy):
        return True
    counting = counting_cases(cases, config, incident)
    if not counting:
        return False
    return not policy.needs_verification(incident.severity) or all(c.verified for c in counting)


def incident_coverage(
    incident: Incident,
    cases: list[EvalCase],
    config: Config,
    first_case_time: datetime | None,
    history_available: bool,
    now: datetime,
) -> IncidentCoverage:
    policy = config.policy
    by_tier: dict[str, list[EvalCase]] = {}
    for case in cases:
        by_tier.setdefault(case.tier or NO_TIER, []).append(case)
    needs = needs_cases(incident, policy)
    waived = incident.waiver is not None
    # Only an incident that has counting cases now gets a turnaround: a case added and
    # later deleted must not make an uncovered incident look on time.
    by_tier = dict(sorted(by_tier.items(), key=lambda kv: _tier_order(kv[0], policy)))
    counted = [
        case_count(case, config, incident) for tier_cases in by_tier.values() for case in tier_cases
    ]
    counts = any(c.counts for c in counted)
    first = first_case_time if counts else None
    hours = turnaround_hours(incident, first)
    met = None
    if needs and not waived:
        met = _turnaround_met(incident, hours, counts, history_available, policy, now)
    return IncidentCoverage(
        incident=incident,
        cases_by_tier=by_tier,
        counted=counted,
        verified=sum(c.verified for c in cases),
        needs_cases=needs,
        policy_met=waived or meets_policy(incident, cases, config),
        waived=waived,
        turnaround_hours=hours,
        turnaround_met=met,
    )


def coverage_report(
    records: RecordSet, first_case_times: dict[str, datetime] | None, now: datetime
) -> CoverageReport:
    """Coverage of every incident and every post-mortem's evaluation gaps.

    `first_case_times` is None when git history is unavailable (outside a
    git repository): turnaround is then unknown, except that an incident
    with no case at all is past its target once the target has passed.
    """
    config = records.config
    links = records.cases_by_incident
    history = first_case_times is not None
    times = first_case_times or {}
    incidents = [
        incident_coverage(
            incident, links.get(incident.id, []), config, times.get(incident.id), history, now
        )
        for incident in sorted(records.incidents, key=lambda i: i.id)
        if incident.id
    ]
    return CoverageReport(incidents, gap_coverage(records), history)


def gap_coverage(records: RecordSet) -> list[GapCoverage]:
    links = records.cases_by_incident
    gaps: list[GapCoverage] = []
    for pm in sorted(records.postmortems, key=lambda p: p.id):
        linked: dict[int, EvalCase] = {}
        for incident_id in pm.incidents:
            for case in links.get(incident_id, []):
                linked.setdefault(id(case), case)  # a case linking two of its incidents counts once
        for gap in pm.evaluation_gaps:
            cases = [c for c in linked.values() if c.gap == gap.type]
            gaps.append(GapCoverage(pm, gap, cases, bool(cases)))
    return gaps


def _turnaround_met(
    incident: Incident,
    hours: float | None,
    has_cases: bool,
    history_available: bool,
    policy: Policy,
    now: datetime,
) -> bool | None:
    if hours is not None:
        return hours <= policy.turnaround_hours
    if incident.detected_at is None:
        return None
    overdue = utc(now) > utc(incident.detected_at) + timedelta(hours=policy.turnaround_hours)
    if has_cases and not history_available:
        return None  # the cases may well have come in time; git would say
    # No case, or cases not committed yet: the first commit can only come
    # later than now, so once the target has passed it is missed.
    return False if overdue else None


def _before_since(incident: Incident, policy: Policy) -> bool:
    return (
        policy.since is not None
        and incident.detected_at is not None
        and utc(incident.detected_at).date() < policy.since
    )


def _tier_order(tier: str, policy: Policy) -> tuple[int, str]:
    order = [*TIERS, *(t for t in policy.counting_tiers if t not in TIERS)]
    return (order.index(tier) if tier in order else len(order), tier)
