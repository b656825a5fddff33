"""The incident database's metrics: one definition for the CLI, the site and exports.

Time to detection (MTTD) is `detected_at - started_at`; time to resolution
(MTTR) is `resolved_at - detected_at`. Quarters are taken from `detected_at`
in UTC. An incident missing a timestamp is left out of a duration metric and
counted as missing, never treated as zero.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from incidentkit.records.model import ActionItem, Incident
from incidentkit.records.timestamps import utc


def hours_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def time_to_detection(incident: Incident) -> float | None:
    """Hours from onset to detection, or None when a timestamp is missing."""
    return hours_between(incident.started_at, incident.detected_at)


def time_to_resolution(incident: Incident) -> float | None:
    """Hours from detection to the deployed fix, or None when not resolved."""
    return hours_between(incident.detected_at, incident.resolved_at)


def quarter_of(moment: datetime) -> str:
    """`2026Q3`: the calendar quarter of a moment, in UTC."""
    moment = utc(moment)
    return f"{moment.year}Q{(moment.month - 1) // 3 + 1}"


def incident_quarter(incident: Incident) -> str | None:
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
    return int(cleaned[:4]), int(cleaned[5])


def previous_quarter(quarter: str) -> str:
    year, q = parse_quarter(quarter)
    return f"{year - 1}Q4" if q == 1 else f"{year}Q{q - 1}"


def median(values: Sequence[float]) -> float | None:
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
    return summarize(incidents, time_to_detection)


def mttr(incidents: Iterable[Incident]) -> DurationSummary:
    return summarize(incidents, time_to_resolution)


def by_quarter(incidents: Iterable[Incident]) -> dict[str, list[Incident]]:
    """Incidents grouped by detection quarter, in chronological order of quarters."""
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        quarter = incident_quarter(incident)
        if quarter is not None:
            groups.setdefault(quarter, []).append(incident)
    return dict(sorted(groups.items()))


def count_by(
    items: Iterable[object], key: Callable[[object], Iterable[str] | str | None]
) -> dict[str, int]:
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


def completion_rate(items: Sequence[ActionItem]) -> float | None:
    """Share of action items that are done (won't-do items are closed but not completed)."""
    if not items:
        return None
    return sum(item.status == "done" for item in items) / len(items)


def time_to_close_days(item: ActionItem) -> int | None:
    if item.created is None or item.completed is None:
        return None
    return (item.completed - item.created).days


def overdue(items: Iterable[ActionItem], today: date) -> list[ActionItem]:
    return sorted(
        (i for i in items if i.is_overdue(today)), key=lambda i: (i.due or today, i.global_id)
    )


def turnaround_hours(incident: Incident, first_case_commit: datetime | None) -> float | None:
    """Hours from detection to the first commit that added a linked eval case."""
    return hours_between(incident.detected_at, first_case_commit)
