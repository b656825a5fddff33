"""A lightweight post-mortem covers an S1 or S2 incident.

`format: lightweight` (a one-paragraph write-up and the test case) is allowed
for S3/S4 incidents only; severe incidents get the full analysis.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "lightweight-severity"
LEVEL = Level.ERROR
SCOPE = "repository"  # needs every record, not one file


def check(ctx: LintContext) -> Iterator[Finding]:
    incidents = ctx.records.incidents_by_id
    for pm in ctx.records.postmortems:
        if pm.format != "lightweight":
            continue
        for incident_id in pm.incidents:
            incident = incidents.get(incident_id)
            if incident and incident.severity in ("S1", "S2"):
                yield at(
                    pm.doc,
                    ("format",),
                    ID,
                    LEVEL,
                    f"{incident_id} is {incident.severity}: a lightweight post-mortem is for S3/S4 only",
                    "remove 'format: lightweight' and write the full post-mortem",
                )
