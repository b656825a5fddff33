"""The incident database's answers: the `stats` document, computed from a `RecordSet`.

Every number comes from `metrics`, so `incidentkit stats`, the quarterly
review, the exports and the site agree. `Stats.as_dict()` is the stable JSON
document described in `docs/reference/stats-json.md`; the text and CSV renderings live
in `stats_report.py`. Nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from incidentkit import metrics
from incidentkit.counts import counting_cases
from incidentkit.errors import UsageError
from incidentkit.metrics import DurationSummary, OwnerLoad
from incidentkit.records.model import ActionItem, Incident, Postmortem
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc

SCHEMA = "incidentkit-stats/1"


@dataclass(frozen=True)
class QuarterStats:
    quarter: str
    incidents: int
    mttd: DurationSummary
    mttr: DurationSummary


@dataclass(frozen=True)
class GroupStats:
    """One value of the `--by` field: its incidents and their durations."""

    value: str
    incidents: int
    mttd: DurationSummary
    mttr: DurationSummary


@dataclass(frozen=True)
class Stats:
    generated_at: datetime
    since: date | None
    until: date | None
    by: str | None
    incidents: list[Incident]
    postmortems: list[Postmortem]
    cases: int  # eval cases linked to the selected incidents that count toward policy
    counts: dict[str, dict[str, int]]
    mttd: DurationSummary
    mttr: DurationSummary
    quarters: list[QuarterStats]
    unplaced: int  # incidents with no detected_at, so in no quarter
    action_items: list[ActionItem]
    owners: list[OwnerLoad]
    overdue: list[ActionItem]
    without_postmortem: list[str]
    without_cases: list[str]
    groups: list[GroupStats] | None

    def as_dict(self) -> dict[str, Any]:
        """The JSON document (`incidentkit-stats/1`); keys and their order are stable."""
        items = self.action_items
        rate = metrics.completion_rate(items)
        return {
            "schema": SCHEMA,
            "generated_at": utc(self.generated_at).isoformat().replace("+00:00", "Z"),
            "filters": {
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "by": self.by,
            },
            "totals": {
                "incidents": len(self.incidents),
                "postmortems": len(self.postmortems),
                "eval_cases": self.cases,
                "action_items": len(items),
            },
            "counts": self.counts,
            "mttd": duration_dict(self.mttd),
            "mttr": duration_dict(self.mttr),
            "quarters": [
                {
                    "quarter": q.quarter,
                    "incidents": q.incidents,
                    "mttd": duration_dict(q.mttd),
                    "mttr": duration_dict(q.mttr),
                }
                for q in self.quarters
            ],
            "unplaced_incidents": self.unplaced,
            "action_items": {
                "total": len(items),
                "open": sum(i.is_open for i in items),
                "overdue": len(self.overdue),
                "done": sum(i.status == "done" for i in items),
                "completion_rate": round(rate, 4) if rate is not None else None,
                "by_owner": [
                    {
                        "owner": o.owner,
                        "total": o.total,
                        "open": o.open,
                        "overdue": o.overdue,
                        "done": o.done,
                    }
                    for o in self.owners
                ],
                "overdue_items": [
                    {
                        "id": i.global_id,
                        "owner": i.owner,
                        "due": i.due.isoformat() if i.due else None,
                        "status": i.status,
                        "description": i.description,
                    }
                    for i in self.overdue
                ],
            },
            "without_postmortem": self.without_postmortem,
            "without_cases": self.without_cases,
            "by": None
            if self.groups is None
            else {
                "field": self.by,
                "groups": [
                    {
                        "value": g.value,
                        "incidents": g.incidents,
                        "mttd": duration_dict(g.mttd),
                        "mttr": duration_dict(g.mttr),
                    }
                    for g in self.groups
                ],
            },
        }


def duration_dict(summary: DurationSummary) -> dict[str, Any]:
    """A duration summary as JSON; hours rounded to 2 decimals (36 seconds)."""
    return {
        "count": summary.count,
        "missing": summary.missing,
        "median_hours": _hours(summary.median_hours),
        "p90_hours": _hours(summary.p90_hours),
    }


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def select_incidents(
    records: RecordSet, since: date | None = None, until: date | None = None
) -> list[Incident]:
    """Incidents detected from `since` to `until` (UTC dates, both included).

    Without a filter every incident is selected; with one, an incident
    without `detected_at` cannot be placed and is left out.
    """
    incidents = [i for i in records.incidents if i.id]
    if since is None and until is None:
        return incidents
    selected = []
    for incident in incidents:
        if incident.detected_at is None:
            continue
        day = utc(incident.detected_at).date()
        if (since is None or day >= since) and (until is None or day <= until):
            selected.append(incident)
    return selected


def select_postmortems(
    records: RecordSet, incidents: list[Incident], filtered: bool
) -> list[Postmortem]:
    """Every post-mortem when unfiltered; else those analysing a selected incident."""
    if not filtered:
        return list(records.postmortems)
    ids = {i.id for i in incidents}
    return [p for p in records.postmortems if ids.intersection(p.incidents)]


def compute_stats(
    records: RecordSet,
    *,
    today: date,
    generated_at: datetime,
    since: date | None = None,
    until: date | None = None,
    by: str | None = None,
) -> Stats:
    """The stats document for the incidents detected in [since, until]."""
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}")
    incidents = select_incidents(records, since, until)
    filtered = since is not None or until is not None
    postmortems = select_postmortems(records, incidents, filtered)
    items = [item for p in postmortems for item in p.action_items]
    counts = metrics.incident_counts(incidents)
    counts["root_cause"] = metrics.root_cause_counts(postmortems)
    counts["evaluation_gap"] = metrics.evaluation_gap_counts(postmortems)
    series = metrics.quarter_series(incidents)
    # The one definition of a case that counts (coverage and the gate use it too).
    counting = {
        i.id: counting_cases(records.cases_by_incident.get(i.id, []), records.config, i)
        for i in incidents
    }
    linked = {case.id for cases in counting.values() for case in cases}
    return Stats(
        generated_at=generated_at,
        since=since,
        until=until,
        by=by,
        incidents=incidents,
        postmortems=postmortems,
        cases=len(linked),
        counts=counts,
        mttd=metrics.mttd(incidents),
        mttr=metrics.mttr(incidents),
        quarters=[
            QuarterStats(q, len(group), metrics.mttd(group), metrics.mttr(group))
            for q, group in series.items()
        ],
        unplaced=sum(i.detected_at is None for i in incidents),
        action_items=items,
        owners=metrics.action_items_by_owner(items, today),
        overdue=metrics.overdue(items, today),
        without_postmortem=[i.id for i in incidents if i.id not in records.postmortems_by_incident],
        without_cases=[i.id for i in incidents if not counting[i.id]],
        groups=_groups(incidents, by) if by else None,
    )


def _groups(incidents: list[Incident], by: str) -> list[GroupStats]:
    try:
        groups = metrics.group_by_field(incidents, by)
    except KeyError:
        raise UsageError(
            f"--by {by}: no incident has a field {by!r}; use an incident field such as "
            "severity, status, detection, agent, failure_mode, tag or quarter"
        ) from None
    return [
        GroupStats(value, len(group), metrics.mttd(group), metrics.mttr(group))
        for value, group in groups.items()
    ]
