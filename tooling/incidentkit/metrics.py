"""The incident database's metrics: one definition for the CLI, the site and exports.

Time to detection (MTTD) is `detected_at - started_at`; time to resolution
(MTTR) is `resolved_at - detected_at`. Quarters are taken from `detected_at`
in UTC. An incident missing a timestamp is left out of a duration metric and
counted as missing, never treated as zero. A failure rate estimated from
repeated runs (`incidentkit reproduce`) comes with its 95% Wilson score
interval (`wilson_interval`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem
from incidentkit.records.timestamps import MAX_YEAR, MIN_YEAR, RANGE_HINT, utc

T = TypeVar("T")


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    """Hours from `start` to `end`, or None when either is missing."""
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def format_hours(hours: float | None) -> str:
    """A duration for people, the one format of the CLI, the site and exports' reports.

    `5.2 h` below two days, `3.4 d` from two days on, an em dash when unknown.
    """
    if hours is None:
        return "—"
    return f"{hours:.1f} h" if abs(hours) < 48 else f"{hours / 24:.1f} d"


def time_to_detection(incident: Incident) -> float | None:
    """Hours from onset to detection, or None when a timestamp is missing or out of order."""
    return _duration(incident.started_at, incident.detected_at)


def time_to_resolution(incident: Incident) -> float | None:
    """Hours from detection to the deployed fix, or None when not resolved or out of order."""
    return _duration(incident.detected_at, incident.resolved_at)


def _duration(start: datetime | None, end: datetime | None) -> float | None:
    # Out-of-order timestamps (which lint's timestamp-order rule reports) would
    # drag a median below zero; such an incident counts as missing the metric.
    hours = hours_between(start, end)
    return hours if hours is None or hours >= 0 else None


def quarter_of(moment: datetime) -> str:
    """`2026Q3`: the calendar quarter of a moment, in UTC."""
    moment = utc(moment)
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def incident_quarter(incident: Incident) -> str | None:
    """The quarter of `detected_at` in UTC; None when it is missing."""
    return quarter_of(incident.detected_at) if incident.detected_at else None


def parse_quarter(text: str) -> tuple[int, int]:
    """`2026Q3` -> (2026, 3); ValueError for anything else."""
    cleaned = text.strip().upper().replace("-", "")
    if (
        len(cleaned) != 6
        or cleaned[4] != "Q"
        or cleaned[5] not in "1234"
        or not cleaned[:4].isdigit()
    ):
        raise ValueError(f"{text!r} is not a quarter like 2026Q3")
    year = int(cleaned[:4])
    if not 1 <= year <= 9998:  # Python's dates end at 9999; the quarter after must exist
        raise ValueError(f"{text!r} is outside the {RANGE_HINT} incidentkit accepts")
    return year, int(cleaned[5])


def previous_quarter(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def next_quarter(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year + 1}Q1" if q == 4 else f"{year}Q{q + 1}"


def normalize_quarter(text: str) -> str:
    """`2026q3` or `2026-Q3` -> `2026Q3`; ValueError for anything else.

    A quarter given by a user must lie in the years a record's timestamps may
    have; quarters computed next to one (the previous quarter) need not.
    """
    year, q = parse_quarter(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{text!r} is outside the {RANGE_HINT} incidentkit accepts")
    return f"{year}Q{q}"


def date_quarter(day: date) -> str:
    """The quarter of a calendar date (action items' `created`/`completed` carry no zone)."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First and last calendar day of a quarter."""
    year, q = parse_quarter(quarter)
    first = date(year, 3 * q - 2, 1)
    after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return first, date.fromordinal(after.toordinal() - 1)


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included (empty when first > last)."""
    quarters: list[str] = []
    current = "{}Q{}".format(*parse_quarter(first))
    last = "{}Q{}".format(*parse_quarter(last))
    while parse_quarter(current) <= parse_quarter(last):
        quarters.append(current)
        current = next_quarter(current)
    return quarters


def median(values: Sequence[float]) -> float | None:
    """The middle value; the mean of the two middle values for an even count."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class DurationSummary:
    """Median and 90th percentile of a duration metric, in hours."""

    count: int  # incidents with the metric
    missing: int  # incidents left out for a missing timestamp
    median_hours: float | None
    p90_hours: float | None


def summarize(
    incidents: Iterable[Incident], metric: Callable[[Incident], float | None]
) -> DurationSummary:
    """Median and p90 of `metric`, counting the incidents it is missing for."""
    values: list[float] = []
    missing = 0
    for incident in incidents:
        value = metric(incident)
        if value is None:
            missing += 1
        else:
            values.append(value)
    return DurationSummary(len(values), missing, median(values), percentile(values, 90))


def mttd(incidents: Iterable[Incident]) -> DurationSummary:
    """Time to detection over incidents: median and p90 in hours."""
    return summarize(incidents, time_to_detection)


def mttr(incidents: Iterable[Incident]) -> DurationSummary:
    """Time to resolution over incidents: median and p90 in hours."""
    return summarize(incidents, time_to_resolution)


def by_quarter(incidents: Iterable[Incident]) -> dict[str, list[Incident]]:
    """Incidents grouped by detection quarter, in chronological order of quarters."""
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        quarter = incident_quarter(incident)
        if quarter is not None:
            groups.setdefault(quarter, []).append(incident)
    return dict(sorted(groups.items(), key=lambda kv: parse_quarter(kv[0])))


def quarter_series(
    incidents: Iterable[Incident], first: str | None = None, last: str | None = None
) -> dict[str, list[Incident]]:
    """Incidents by quarter with the empty quarters in between filled in, for trends.

    The series runs from `first` (default: the earliest incident's quarter) to
    `last` (default: the latest); incidents outside it are left out, and so
    are incidents without `detected_at` (they have no quarter).
    """
    groups = by_quarter(incidents)
    if not groups and (first is None or last is None):
        return {}
    start = first or next(iter(groups))
    end = last or list(groups)[-1]
    return {q: groups.get(q, []) for q in quarter_range(start, end)}


def count_by(items: Iterable[T], key: Callable[[T], Iterable[str] | str | None]) -> dict[str, int]:
    """Counts by a field; a list-valued field counts the item once per value."""
    counts: Counter[str] = Counter()
    for item in items:
        value = key(item)
        if value is None:
            continue
        if isinstance(value, str):
            counts[value] += 1
        else:
            counts.update(set(value))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# The incident fields the database counts by default; the key is the name in
# `stats` output, exports and the site.
INCIDENT_COUNTS: dict[str, Callable[[Incident], Iterable[str] | str | None]] = {
    "severity": lambda i: i.severity,
    "failure_mode": lambda i: i.failure_modes,  # once per mode
    "detection": lambda i: i.detection,
    "status": lambda i: i.status,
    "tag": lambda i: i.tags,
}

# Front-matter fields an incident may leave out; grouping by them is never a typo.
_INCIDENT_FIELDS = frozenset(
    {
        "id", "title", "status", "severity", "failure_modes", "started_at", "detected_at",
        "resolved_at", "mitigated_at", "detection", "affected_users", "agent",
        "agent_version", "near_miss", "related_incidents", "tags", "approximate",
    }
)  # fmt: skip

# Fields whose values sort in a meaningful order rather than by count.
_NATURAL_ORDER = {"severity", "quarter"}


def field_values(incident: Incident, name: str) -> tuple[str, ...] | None:
    """The values of an incident field for grouping: a tuple, or None for an unknown field.

    Accepts the front-matter name (`failure_modes`, `tags`, `agent`...), the
    singular names used in counts (`failure_mode`, `tag`) and the derived
    `quarter`. A missing value is the empty tuple.
    """
    name = {"failure_mode": "failure_modes", "tag": "tags"}.get(name, name)
    if name == "quarter":
        quarter = incident_quarter(incident)
        return (quarter,) if quarter else ()
    data: Any = incident.doc.data if isinstance(incident.doc.data, dict) else {}
    if name in data:
        return _as_strings(data[name])
    if name in _INCIDENT_FIELDS:
        return ()
    return None


def _as_strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(dict.fromkeys(_scalar(v) for v in value if not isinstance(v, dict | list)))
    if isinstance(value, dict):
        return ()
    return (_scalar(value),)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def group_by_field(incidents: Iterable[Incident], name: str) -> dict[str, list[Incident]]:
    """Incidents grouped by any field; once per value of a list field; `(none)` when unset.

    Raises KeyError when no incident has the field and it is not a known one.
    """
    incidents = list(incidents)
    values = [field_values(incident, name) for incident in incidents]
    known = name in {"failure_mode", "tag", "quarter"} or name in _INCIDENT_FIELDS
    if not known and all(v is None for v in values):
        raise KeyError(name)
    groups: dict[str, list[Incident]] = {}
    for incident, found in zip(incidents, values, strict=True):
        for value in found or ("(none)",):
            groups.setdefault(value, []).append(incident)
    if name in _NATURAL_ORDER:
        return dict(sorted(groups.items()))
    return dict(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])))


def incident_counts(incidents: Sequence[Incident]) -> dict[str, dict[str, int]]:
    """Incidents counted by each of `INCIDENT_COUNTS`; severity in severity order."""
    counts = {name: count_by(incidents, key) for name, key in INCIDENT_COUNTS.items()}
    counts["severity"] = dict(sorted(counts["severity"].items()))
    return counts


def root_cause_counts(postmortems: Iterable[Postmortem]) -> dict[str, int]:
    """Root causes by category: every cause a post-mortem lists counts once."""
    counts: Counter[str] = Counter(c.category for p in postmortems for c in p.root_causes)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def evaluation_gap_counts(postmortems: Iterable[Postmortem]) -> dict[str, int]:
    """Evaluation gaps by type: every gap a post-mortem lists counts once."""
    counts: Counter[str] = Counter(g.type for p in postmortems for g in p.evaluation_gaps)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def verification_rate(cases: Sequence[EvalCase]) -> float | None:
    """Share of cases with a recorded `verification` (failed before, passed after)."""
    if not cases:
        return None
    return sum(case.verified for case in cases) / len(cases)


def completion_rate(items: Sequence[ActionItem]) -> float | None:
    """Share of action items that are done (won't-do items are closed but not completed)."""
    if not items:
        return None
    return sum(item.status == "done" for item in items) / len(items)


def time_to_close_days(item: ActionItem) -> int | None:
    """Days from `created` to `completed`, or None when either is missing."""
    if item.created is None or item.completed is None:
        return None
    return (item.completed - item.created).days


def overdue(items: Iterable[ActionItem], today: date) -> list[ActionItem]:
    """Open or in-progress items past due, earliest due date first."""
    return sorted(
        (i for i in items if i.is_overdue(today)), key=lambda i: (i.due or today, i.global_id)
    )


def opened_in(items: Iterable[ActionItem], quarter: str) -> list[ActionItem]:
    """Items whose `created` date falls in the quarter (items without it are left out)."""
    return [i for i in items if i.created is not None and date_quarter(i.created) == quarter]


def closed_in(items: Iterable[ActionItem], quarter: str) -> list[ActionItem]:
    """Items done or won't-do whose `completed` date falls in the quarter."""
    return [
        i
        for i in items
        if i.status in ("done", "wont-do")
        and i.completed is not None
        and date_quarter(i.completed) == quarter
    ]


@dataclass(frozen=True)
class OwnerLoad:
    """One owner's action items."""

    owner: str
    total: int
    open: int  # open or in progress
    overdue: int
    done: int


def action_items_by_owner(items: Iterable[ActionItem], today: date) -> list[OwnerLoad]:
    """Action items per owner, most overdue then most open first; `(unowned)` when unset."""
    groups: dict[str, list[ActionItem]] = {}
    for item in items:
        groups.setdefault(item.owner or "(unowned)", []).append(item)
    loads = [
        OwnerLoad(
            owner=owner,
            total=len(group),
            open=sum(i.is_open for i in group),
            overdue=sum(i.is_overdue(today) for i in group),
            done=sum(i.status == "done" for i in group),
        )
        for owner, group in groups.items()
    ]
    return sorted(loads, key=lambda o: (-o.overdue, -o.open, o.owner))


def turnaround_hours(incident: Incident, first_case_commit: datetime | None) -> float | None:
    """Hours from detection to the first commit that added a linked eval case."""
    return hours_between(incident.detected_at, first_case_commit)


def wilson_interval(failures: int, runs: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a failure rate seen in `failures` of `runs` runs.

    With p = failures / runs and the normal quantile `z` (1.96 for 95%):

        centre = (p + z²/2n) / (1 + z²/n)
        half   = z · sqrt(p(1 - p)/n + z²/4n²) / (1 + z²/n)

    Unlike `p ± z·sqrt(p(1-p)/n)` it stays inside [0, 1] and is not a zero-width
    interval at 0/n or n/n: 0 failures in 10 runs still allows a rate of up to
    28%, which is what "we could not reproduce it" honestly means. No runs
    give the whole range (0, 1).
    """
    if runs < 0 or failures < 0 or failures > runs:
        raise ValueError(f"need 0 <= failures <= runs, got {failures} of {runs}")
    if runs == 0:
        return (0.0, 1.0)
    p = failures / runs
    z2 = z * z
    denominator = 1 + z2 / runs
    centre = (p + z2 / (2 * runs)) / denominator
    half = z * math.sqrt(p * (1 - p) / runs + z2 / (4 * runs * runs)) / denominator
    # Rounding can put an end a hair outside [0, 1] at 0/n and n/n.
    return (max(0.0, centre - half), min(1.0, centre + half))


def reproduction_counts(case: EvalCase) -> tuple[int, int] | None:
    """`(failures, runs)` from a case's recorded `reproduction`, or None when absent or malformed."""
    rep = case.reproduction
    if rep is None:
        return None
    runs, failures = rep.get("runs"), rep.get("failures")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (runs, failures)):
        return None
    assert isinstance(runs, int) and isinstance(failures, int)
    if runs < 1 or not 0 <= failures <= runs:
        return None
    return failures, runs
