"""A record's `id` does not match its file name.

Incidents are `incidents/INC-YYYY-NNNN-<slug>.md` and post-mortems
`postmortems/PM-YYYY-NNNN-<slug>.md`: the file name starts with the ID.
A single-case eval file is named `<case-id>.yaml`. An incident's ID year is
the year of its `detected_at` in UTC (like quarters, calendar buckets use UTC).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.records.model import Incident, Postmortem
from incidentkit.records.timestamps import utc
from incidentkit.rules.context import LintContext, at

ID = "id-filename"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    records = ctx.records
    named: list[Incident | Postmortem] = [*records.incidents, *records.postmortems]
    for record in named:
        name = record.path.rpartition("/")[2]
        if record.id and not _named_after(name, record.id):
            yield at(
                record.doc,
                ("id",),
                ID,
                LEVEL,
                f"id {record.id} does not match the file name {name}",
                f"rename the file to {record.id}-<slug>.md or fix the id",
            )
    for incident in records.incidents:
        year = re.match(r"^[A-Z]+-(\d{4})-", incident.id)
        detected_year = utc(incident.detected_at).year if incident.detected_at else None
        if year and detected_year and int(year.group(1)) != detected_year:
            yield at(
                incident.doc,
                ("id",),
                ID,
                LEVEL,
                f"id {incident.id} has year {year.group(1)} but detected_at is in {detected_year} (UTC)",
                "an incident ID's year is the year it was detected",
            )
    for case in records.cases:
        if case.source == "yaml" and case.key == () and case.id:
            stem = _stem(case.path)
            if stem != case.id:
                line, column = case.at("id")
                yield Finding(
                    case.path,
                    line,
                    column,
                    ID,
                    LEVEL,
                    f"case id '{case.id}' does not match the file name {stem}.yaml",
                    f"rename the file to {case.id}.yaml, or hold cases under 'cases:'",
                )


def _stem(path: str) -> str:
    """A case file's name without `.yaml` (string work: there are tens of thousands)."""
    name = path.rpartition("/")[2]
    return name.rpartition(".")[0] or name


def _named_after(name: str, record_id: str) -> bool:
    """`ID.md` or `ID-<slug>.md` (plain string tests: a regex per record would be compiled anew)."""
    return name == f"{record_id}.md" or (name.startswith(f"{record_id}-") and name.endswith(".md"))
