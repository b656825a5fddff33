"""Span JSON as the OpenTelemetry Python SDK's ConsoleSpanExporter prints it.

`ReadableSpan.to_json()`: `name`, `context.trace_id` / `context.span_id`
(0x-prefixed hex), `parent_id`, `start_time` / `end_time` (ISO 8601),
`status.status_code`, `attributes` (a plain map), `events`, `resource`.
The exporter prints one pretty-printed object after another (not a JSON
array), which `jsonstream` reads one object at a time. Arize Phoenix's span
JSON (`span_kind`, nested `attributes`, `status_code`) and its span
dataframes written as records (`context.span_id`, `attributes.llm...`
columns) have the same skeleton and are read here too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from incidentkit.records.timestamps import parse_timestamp
from incidentkit.traces import jsonstream
from incidentkit.traces.attributes import RawSpan, flatten
from incidentkit.traces.model import Step
from incidentkit.traces.otlp import hex_id
from incidentkit.traces.spans import step_from_span

NAME = "otel-console"


def matches(value: Any) -> bool:
    item = value[0] if isinstance(value, list) and value else value
    if not isinstance(item, Mapping):
        return False
    context = item.get("context")
    return (isinstance(context, Mapping) and "span_id" in context) or "context.span_id" in item


def steps(path: Path, only: Set[str] | None = None, light: bool = False) -> Iterator[Step]:
    order = 0
    for _, value in jsonstream.values(path):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping):
                span = _span(_nested(item), order)
                order += 1
                if only is None or span.trace_id in only:
                    yield step_from_span(span, light)


def _nested(item: Mapping[str, Any]) -> dict[str, Any]:
    """A dataframe record's `context.x` / `attributes.x` columns folded back into maps."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        head, dot, rest = key.partition(".")
        if dot and head in ("context", "attributes", "resource") and rest:
            section = out.setdefault(head, {})
            if isinstance(section, dict):
                section[rest] = value
        else:
            out[key] = value
    return out


def _span(item: Mapping[str, Any], order: int) -> RawSpan:
    context = item.get("context") if isinstance(item.get("context"), Mapping) else {}
    assert isinstance(context, Mapping)
    status = item.get("status") if isinstance(item.get("status"), Mapping) else {}
    assert isinstance(status, Mapping)
    code = str(status.get("status_code") or item.get("status_code") or "").upper()
    error = None
    if code in ("ERROR", "STATUSCODE.ERROR"):
        error = str(status.get("description") or item.get("status_message") or "error")
    attributes = item.get("attributes") if isinstance(item.get("attributes"), Mapping) else {}
    assert isinstance(attributes, Mapping)
    flat = flatten(attributes)
    if "span_kind" in item and "openinference.span.kind" not in flat:
        flat["openinference.span.kind"] = item["span_kind"]
    resource = item.get("resource")
    resource_attributes = resource.get("attributes") if isinstance(resource, Mapping) else None
    events = []
    for event in item.get("events") or []:
        if isinstance(event, Mapping):
            attrs = event.get("attributes")
            events.append(
                (str(event.get("name") or ""), flatten(attrs) if isinstance(attrs, Mapping) else {})
            )
    parent = item.get("parent_id")
    return RawSpan(
        trace_id=hex_id(context.get("trace_id"), 16),
        span_id=hex_id(context.get("span_id"), 8),
        parent_id=hex_id(parent, 8) or None if isinstance(parent, str) else None,
        name=str(item.get("name") or ""),
        start=_time(item.get("start_time")),
        end=_time(item.get("end_time")),
        attributes=flat,
        events=events,
        resource=flatten(resource_attributes) if isinstance(resource_attributes, Mapping) else {},
        error=error,
        order=order,
    )


def _time(value: Any) -> datetime | None:
    if isinstance(value, str):
        return parse_timestamp(value) or _naive_utc(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        seconds = float(value)
        for scale in (1e9, 1e6, 1e3):  # nanoseconds, microseconds, milliseconds
            if seconds > scale * 1e8:
                seconds /= scale
                break
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _naive_utc(value: str) -> datetime | None:
    """Phoenix writes UTC times without an offset."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
