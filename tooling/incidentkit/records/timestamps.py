"""The one definition of how record timestamps and dates are read.

YAML leaves them as the strings they were written as (quoted or not); the
schema's `date-time` and `date` formats, the rules and the metrics all parse
them here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp with a time zone, or None when it is not one."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else None
    if not isinstance(value, str) or len(value) < 16:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_date(value: Any) -> date | None:
    """A `YYYY-MM-DD` date, or None."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def is_timestamp(value: Any) -> bool:
    return parse_timestamp(value) is not None


def is_date(value: Any) -> bool:
    return parse_date(value) is not None


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
