"""The one definition of how record timestamps and dates are read.

YAML leaves them as the strings they were written as (quoted or not); the
schema's `date-time` and `date` formats, the rules and the metrics all parse
them here.

Only years MIN_YEAR to MAX_YEAR are accepted. Python's datetime stops at years
1 and 9999, so a valid-looking `9999-12-31T23:59:59-12:00` overflows when it
is turned into UTC, and a date near either end overflows when a deadline or
a quarter is computed from it. A timestamp outside the range is not a
timestamp: the schema reports it, with `timestamp_problem` saying why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

MIN_YEAR = 1900
MAX_YEAR = 2999
RANGE_HINT = f"years {MIN_YEAR} to {MAX_YEAR}"


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp with a time zone in the accepted years, or None."""
    parsed = _timestamp(value)
    return parsed if parsed is not None and _in_range(parsed) else None


def parse_date(value: Any) -> date | None:
    """A `YYYY-MM-DD` date in the accepted years, or None."""
    parsed = _date(value)
    return parsed if parsed is not None and _in_range(parsed) else None


def timestamp_problem(value: Any) -> str | None:
    """Why `value` is not an accepted timestamp, or None when it is one."""
    parsed = _timestamp(value)
    if parsed is None:
        return "is not an ISO 8601 timestamp with a time zone"
    return None if _in_range(parsed) else _range_problem(parsed)


def date_problem(value: Any) -> str | None:
    """Why `value` is not an accepted date, or None when it is one."""
    parsed = _date(value)
    if parsed is None:
        return "is not a YYYY-MM-DD date"
    return None if _in_range(parsed) else _range_problem(parsed)


class OutOfRange(ValueError):
    """A well-formed timestamp or date outside the accepted years; says which."""


def timestamp_format(value: Any) -> bool:
    """The schema's `date-time` format check: False when not a timestamp at all,
    `OutOfRange` when one outside the accepted years."""
    parsed = _timestamp(value)
    if parsed is not None and not _in_range(parsed):
        raise OutOfRange(_range_problem(parsed))
    return parsed is not None


def date_format(value: Any) -> bool:
    """The schema's `date` format check, like `timestamp_format`."""
    parsed = _date(value)
    if parsed is not None and not _in_range(parsed):
        raise OutOfRange(_range_problem(parsed))
    return parsed is not None


def _timestamp(value: Any) -> datetime | None:
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


def _date(value: Any) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _in_range(moment: date) -> bool:
    # the local year is enough: the range stops far from datetime's limits, so
    # converting to UTC cannot leave it by more than a day
    return MIN_YEAR <= moment.year <= MAX_YEAR


def _range_problem(moment: date) -> str:
    return f"is in the year {moment.year}, outside the {RANGE_HINT} incidentkit accepts"


def is_timestamp(value: Any) -> bool:
    return parse_timestamp(value) is not None


def is_date(value: Any) -> bool:
    return parse_date(value) is not None


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
