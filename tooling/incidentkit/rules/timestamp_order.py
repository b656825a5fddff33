"""An incident's timestamps are out of order.

The order is `started_at <= detected_at <= mitigated_at <= resolved_at`
(each comparison made only when both are present, in absolute time, so
different time zones compare correctly). A failure cannot be detected before
it started; a fix cannot land before the problem was known.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "timestamp-order"
LEVEL = Level.ERROR

_ORDER = ("started_at", "detected_at", "mitigated_at", "resolved_at")


def check(ctx: LintContext) -> Iterator[Finding]:
    for incident in ctx.records.incidents:
        present = [(name, getattr(incident, name)) for name in _ORDER if getattr(incident, name)]
        for (earlier, a), (later, b) in pairwise(present):
            if b < a:
                yield at(
                    incident.doc,
                    (later,),
                    ID,
                    LEVEL,
                    f"{later} ({b.isoformat()}) is before {earlier} ({a.isoformat()})",
                    f"check both times and their time zones; {earlier} must not be after {later}",
                )
