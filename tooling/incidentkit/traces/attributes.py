"""Span attributes as the OpenTelemetry-style formats write them, read uniformly.

The OTLP JSON and console-exporter parsers both produce `RawSpan`s (IDs,
times, a flat attribute map, events). Attributes are kept flat with dotted
keys (`llm.input_messages.0.message.role`); `attr` rebuilds the nested value
under a prefix, so a convention that flattens lists and one that stores JSON
strings (or a tool that nests maps, like Phoenix) are read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_INDEX = re.compile(r"^\d+$")


@dataclass
class RawSpan:
    """One span as its file wrote it, IDs normalised to lowercase hex."""

    trace_id: str
    span_id: str
    name: str
    parent_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    resource: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    order: int = 0


def identity(span: RawSpan) -> dict[str, Any]:
    """The fields every decoded `Step` takes from its span as they are, whatever the convention."""
    return {
        "name": span.name,
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "parent_id": span.parent_id,
        "start": span.start,
        "end": span.end,
        "order": span.order,
        "error": span.error,
    }


def flatten(value: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested attribute maps (Phoenix's span JSON, OTLP kvlist values) as flat dotted keys."""
    flat: dict[str, Any] = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, Mapping) and item:
            flat.update(flatten(item, f"{name}."))
        elif isinstance(item, list) and any(isinstance(i, Mapping | list) for i in item):
            flat.update(flatten({str(i): v for i, v in enumerate(item)}, f"{name}."))
        else:
            flat[name] = item
    return flat


def attr(attributes: Mapping[str, Any], path: str) -> Any:
    """The value at `path`: the attribute itself, or the structure its dotted sub-keys spell."""
    if path in attributes:
        return attributes[path]
    prefix = path + "."
    sub = {k[len(prefix) :]: v for k, v in attributes.items() if k.startswith(prefix)}
    return _build(sub) if sub else None


def _build(flat: Mapping[str, Any]) -> Any:
    tree: dict[str, Any] = {}
    for key, value in flat.items():
        head, _, rest = key.partition(".")
        if rest:
            node = tree.setdefault(head, {})
            if isinstance(node, dict):
                node.setdefault("\0sub", {})[rest] = value
        else:
            tree.setdefault(head, {})
            if isinstance(tree[head], dict):
                tree[head]["\0leaf"] = value
    built = {k: _node(v) for k, v in tree.items()}
    if built and all(_INDEX.match(k) for k in built):
        return [built[k] for k in sorted(built, key=int)]
    return built


def _node(node: dict[str, Any]) -> Any:
    if "\0sub" in node:
        return _build(node["\0sub"])
    return node.get("\0leaf")


def timestamp_from_nanos(value: Any) -> datetime | None:
    """A UTC datetime from Unix nanoseconds (an int, or a string as OTLP JSON writes int64)."""
    try:
        nanos = int(value)
    except (TypeError, ValueError):
        return None
    if nanos <= 0:
        return None
    try:
        return datetime.fromtimestamp(nanos / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def iter_indexed(value: Any) -> Iterator[Any]:
    """The items of a rebuilt list (or of a mapping's values in index order)."""
    if isinstance(value, list):
        yield from value
    elif isinstance(value, Mapping):
        yield from value.values()


def text_value(value: Any) -> str | None:
    """A non-empty attribute as text, or None."""
    if value is None or value == "":
        return None
    return str(value)


def number_value(value: Any) -> float | None:
    """A numeric attribute (OTLP JSON may write numbers as strings), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def as_mapping(value: Any) -> Mapping[str, Any]:
    """`value` when it is a mapping, else an empty one: trace files are not always well formed."""
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """`value` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []
