"""OTLP JSON: the OpenTelemetry Collector's file exporter and OTLP/HTTP JSON bodies.

`resourceSpans` -> `scopeSpans` -> `spans`, with typed attribute values
(`stringValue`, `intValue` as a string, `doubleValue`, `boolValue`,
`arrayValue`, `kvlistValue`, `bytesValue`). The specification writes trace
and span IDs as hex; protobuf's generic JSON mapping (what
`json_format.MessageToJson` gives for an SDK-encoded request) writes them
base64 and may keep the proto field names (`resource_spans`, `trace_id`):
both are read, and IDs always come out as lowercase hex. A collector file
holds one request per line; each line is read and released in turn.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from incidentkit.traces import jsonstream
from incidentkit.traces.attributes import (
    RawSpan,
    as_list,
    as_mapping,
    flatten,
    timestamp_from_nanos,
)
from incidentkit.traces.model import Step
from incidentkit.traces.spans import step_from_span

NAME = "otlp-json"
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_ERROR_CODES = (2, "2", "STATUS_CODE_ERROR", "ERROR")


def matches(value: Any) -> bool:
    return isinstance(value, Mapping) and ("resourceSpans" in value or "resource_spans" in value)


def steps(path: Path, only: Set[str] | None = None, light: bool = False) -> Iterator[Step]:
    """The file's spans as steps; `only` keeps the traces named, `light` leaves messages unread."""
    for span in raw_spans(path, only):
        yield step_from_span(span, light)


def raw_spans(path: Path, only: Set[str] | None = None) -> Iterator[RawSpan]:
    order = 0
    for _, value in jsonstream.values(path):
        for request in value if isinstance(value, list) else [value]:
            for span in _request_spans(request, order, only):
                order += 1
                yield span


def _request_spans(request: Any, order: int, only: Set[str] | None) -> Iterator[RawSpan]:
    if not isinstance(request, Mapping):
        return
    for resource_spans in as_list(_get(request, "resourceSpans")):
        if not isinstance(resource_spans, Mapping):
            continue
        resource = _attributes(as_mapping(_get(resource_spans, "resource")).get("attributes"))
        scopes = _get(resource_spans, "scopeSpans") or _get(
            resource_spans, "instrumentationLibrarySpans"
        )
        for scope in as_list(scopes):
            if not isinstance(scope, Mapping):
                continue
            for span in as_list(_get(scope, "spans")):
                if not isinstance(span, Mapping):
                    continue
                # skipping before decoding keeps the second pass cheap
                if only is None or hex_id(_get(span, "traceId"), 16) in only:
                    yield _span(span, resource, order)
                order += 1


def _span(span: Mapping[str, Any], resource: dict[str, Any], order: int) -> RawSpan:
    status = as_mapping(_get(span, "status"))
    error = None
    if status.get("code") in _ERROR_CODES:
        error = str(status.get("message") or "error")
    events = []
    for event in as_list(_get(span, "events")):
        if isinstance(event, Mapping):
            events.append((str(event.get("name") or ""), _attributes(event.get("attributes"))))
    return RawSpan(
        trace_id=hex_id(_get(span, "traceId"), 16),
        span_id=hex_id(_get(span, "spanId"), 8),
        parent_id=hex_id(_get(span, "parentSpanId"), 8) or None,
        name=str(span.get("name") or ""),
        start=timestamp_from_nanos(_get(span, "startTimeUnixNano")),
        end=timestamp_from_nanos(_get(span, "endTimeUnixNano")),
        attributes=_attributes(span.get("attributes")),
        events=events,
        resource=resource,
        error=error,
        order=order,
    )


def hex_id(value: Any, size: int) -> str:
    """A trace (16 bytes) or span (8 bytes) ID as lowercase hex, from hex or base64."""
    if not isinstance(value, str) or not value:
        return ""
    text = value.strip()
    if text.lower().startswith("0x"):
        text = text[2:]
    if _HEX.match(text) and len(text) == 2 * size:
        return text.lower()
    try:
        decoded = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.lower()
    return decoded.hex() if len(decoded) == size else text.lower()


def _get(mapping: Mapping[str, Any], camel: str) -> Any:
    """A field by its OTLP JSON (camelCase) name or its proto (snake_case) name."""
    if camel in mapping:
        return mapping[camel]
    return mapping.get(re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower())


def _attributes(items: Any) -> dict[str, Any]:
    if isinstance(items, Mapping):  # some writers use a plain map
        return flatten(items)
    nested: dict[str, Any] = {}
    for item in as_list(items):
        if isinstance(item, Mapping) and isinstance(item.get("key"), str):
            nested[item["key"]] = any_value(item.get("value"))
    return flatten(nested)


def any_value(value: Any) -> Any:
    """An OTLP AnyValue as plain Python."""
    if not isinstance(value, Mapping):
        return value
    for key in ("stringValue", "string_value", "boolValue", "bool_value"):
        if key in value:
            return value[key]
    for key in ("intValue", "int_value"):
        if key in value:
            try:
                return int(value[key])
            except (TypeError, ValueError):
                return value[key]
    for key in ("doubleValue", "double_value"):
        if key in value:
            try:
                return float(value[key])
            except (TypeError, ValueError):
                return value[key]
    array = _get(value, "arrayValue")
    if isinstance(array, Mapping):
        return [any_value(v) for v in as_list(array.get("values"))]
    kvlist = _get(value, "kvlistValue")
    if isinstance(kvlist, Mapping):
        return {
            str(kv.get("key")): any_value(kv.get("value"))
            for kv in as_list(kvlist.get("values"))
            if isinstance(kv, Mapping)
        }
    raw = _get(value, "bytesValue")
    if isinstance(raw, str):
        try:
            return base64.b64decode(raw).decode("utf-8")
        except (binascii.Error, ValueError):
            return raw
    return None
