"""A policy-severity incident has no post-mortem after the deadline.

By default S1 and S2 incidents need a post-mortem within 48 hours of
`detected_at` (`policy.postmortem_severities`, `policy.postmortem_deadline_hours`).
A post-mortem in any status counts. Incidents detected before `policy.since`
are exempt, so imported history is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.metrics import hours_between
from incidentkit.records.timestamps import utc
from incidentkit.rules.context import LintContext, at

ID = "postmortem-deadline"
LEVEL = Level.WARNING
SCOPE = "repository"  # needs every record, not one file


def check(ctx: LintContext) -> Iterator[Finding]:
    policy = ctx.config.policy
    covered = ctx.records.postmortems_by_incident
    for incident in ctx.records.incidents:
        detected = incident.detected_at
        if incident.severity not in policy.postmortem_severities or detected is None:
            continue
        if policy.since is not None and utc(detected).date() < policy.since:
            continue
        hours = hours_between(detected, ctx.now) or 0.0
        if incident.id in covered or hours <= policy.postmortem_deadline_hours:
            continue
        yield at(
            incident.doc,
            ("id",),
            ID,
            LEVEL,
            f"{incident.severity} incident {incident.id} has no post-mortem {hours:.0f} h after detection "
            f"(deadline {policy.postmortem_deadline_hours:g} h)",
            f"write one: incidentkit new postmortem {incident.id}",
        )
