"""The current time, overridable so that reports and tests are reproducible.

`INCIDENTKIT_NOW` (an ISO 8601 timestamp with a time zone) pins "now" for
every command: overdue action items, post-mortem deadlines, the site's
dashboard.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from incidentkit.errors import ConfigError
from incidentkit.records.timestamps import parse_timestamp


def now() -> datetime:
    pinned = os.environ.get("INCIDENTKIT_NOW")
    if not pinned:
        return datetime.now(UTC)
    moment = parse_timestamp(pinned)
    if moment is None:
        raise ConfigError(
            f"INCIDENTKIT_NOW={pinned!r} is not an ISO 8601 timestamp with a time zone"
        )
    return moment


def today() -> date:
    return now().astimezone(UTC).date()
