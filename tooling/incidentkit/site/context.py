"""What every page generator gets: the loaded records, "now", and derived lookups.

Built once per build by the plugin. Holds no page logic and computes no
metric itself: durations, medians and counts come from `incidentkit.metrics`,
coverage from `incidentkit.coverage` (turnaround from `incidentkit.git.history`
when the repository is a git repository).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TypeVar

from incidentkit.config import Config
from incidentkit.coverage import CoverageReport, coverage_report
from incidentkit.errors import IncidentkitError
from incidentkit.git import history as git_history
from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet
from incidentkit.site.generated import Here

log = logging.getLogger("mkdocs.plugins.incidentkit")

R = TypeVar("R", Incident, Postmortem)


@dataclass
class SiteData:
    records: RecordSet
    now: datetime
    home: str  # the dashboard's source path (index.md unless docs/index.md is hand-written)
    history: bool = True  # read eval-case turnaround from git history
    directory_urls: bool = True  # MkDocs' use_directory_urls: the shape of every link
    left_out: list[str] = field(default_factory=list)  # records not shown, and why
    incidents: list[Incident] = field(default_factory=list)  # unique IDs, newest first
    postmortems: list[Postmortem] = field(default_factory=list)  # unique IDs, newest first

    def here(self, path: str) -> Here:
        return Here(path, self.directory_urls)

    @property
    def today(self) -> date:
        return self.now.astimezone(UTC).date()

    @cached_property
    def incident_ids(self) -> set[str]:
        return {i.id for i in self.incidents}

    @cached_property
    def incidents_by_id(self) -> dict[str, Incident]:
        return {i.id: i for i in self.incidents}

    @cached_property
    def related_to(self) -> dict[str, list[str]]:
        """Incident ID -> the incidents that name it in `related_incidents`."""
        found: dict[str, list[str]] = {}
        for incident in self.incidents:
            for other in incident.related_incidents:
                found.setdefault(other, []).append(incident.id)
        return found

    @cached_property
    def postmortem_ids(self) -> set[str]:
        return {p.id for p in self.postmortems}

    def cases_for(self, incident_id: str) -> list[EvalCase]:
        return self.records.cases_by_incident.get(incident_id, [])

    def postmortems_for(self, incident_id: str) -> list[Postmortem]:
        return [
            p
            for p in self.records.postmortems_by_incident.get(incident_id, [])
            if p.id in self.postmortem_ids
        ]

    @cached_property
    def action_items(self) -> list[ActionItem]:
        return [item for pm in self.postmortems for item in pm.action_items]

    @cached_property
    def coverage(self) -> CoverageReport:
        times = first_case_times(self.records.config) if self.history else None
        return coverage_report(self.records, times, self.now)


def first_case_times(config: Config) -> dict[str, datetime] | None:
    """First commit times of eval cases from git history, or None outside git.

    The site must build from a plain folder (an unpacked release, a CI cache),
    so failing to read history means "no history", never a failed build.
    """
    try:
        return git_history.first_case_times(config)
    except (IncidentkitError, OSError) as exc:
        log.info(f"eval case history unavailable ({exc}); turnaround is left blank")
        return None


def unique_by_id(records: list[R], kind: str) -> list[R]:
    """Records with a usable, unique ID, newest first; the rest are reported as warnings."""
    seen: dict[str, R] = {}
    for record in records:
        if not record.id:
            log.warning(
                f"{record.path}: {kind} has no 'id', so it has no page; run `incidentkit lint`"
            )
            continue
        if record.id in seen:
            log.warning(
                f"{record.path}: {kind} ID {record.id} is also used by {seen[record.id].path}; "
                "only the first gets a page. Run `incidentkit lint`"
            )
            continue
        seen[record.id] = record
    return sorted(seen.values(), key=lambda r: r.id, reverse=True)


def _sort_key(moment: datetime | None) -> float:
    return moment.timestamp() if moment else float("-inf")


def build_site_data(
    records: RecordSet,
    now: datetime,
    home: str,
    history: bool,
    *,
    directory_urls: bool = True,
    left_out: list[str] | None = None,
) -> SiteData:
    """The site's data from records already filtered (see `plugin.publishable`)."""
    incidents = unique_by_id(records.incidents, "incident")
    incidents.sort(key=lambda i: (_sort_key(i.detected_at), i.id), reverse=True)
    return SiteData(
        records=records,
        now=now,
        home=home,
        history=history,
        directory_urls=directory_urls,
        left_out=left_out or [],
        incidents=incidents,
        postmortems=unique_by_id(records.postmortems, "post-mortem"),
    )
