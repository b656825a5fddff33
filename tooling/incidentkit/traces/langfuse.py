"""Langfuse: a trace with its observations, as the public API and the UI export it.

Three shapes are read: a trace (`GET /api/public/traces/{id}`: `id`, `name`,
`sessionId`, `release`, `version`, `input`, `output`, `observations`), the
v2 observations list (`{"data": [...], "meta": ...}`), and a bare list (or
JSON Lines) of traces or observations. Observation `type` tells the step:
GENERATION is an LLM call (`input` holds the messages, `output` the
reply), TOOL a tool execution (`input` its arguments, `output` its result),
AGENT an agent. Field names are the API's camelCase; the SDK models'
snake_case names are accepted too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from incidentkit.records.timestamps import parse_timestamp
from incidentkit.traces import jsonstream
from incidentkit.traces.attributes import number_value, text_value
from incidentkit.traces.messages import maybe_json, messages_from, reply_messages
from incidentkit.traces.model import Step, StepKind, ToolResult

NAME = "langfuse"
_KINDS: dict[str, StepKind] = {"GENERATION": "llm", "TOOL": "tool", "AGENT": "agent"}
_TYPES = ("GENERATION", "SPAN", "EVENT", "TOOL", "AGENT", "CHAIN", "RETRIEVER", "EMBEDDING")


def matches(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_observation(v) or _is_trace(v) for v in value[:5])
    if not isinstance(value, Mapping):
        return False
    if _is_trace(value):
        return True
    data = value.get("data")
    return isinstance(data, list) and bool(data) and _is_observation(data[0])


def _is_trace(value: Any) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("observations"), list)


def _is_observation(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and str(value.get("type", "")).upper() in _TYPES
        and ("traceId" in value or "trace_id" in value or "startTime" in value)
    )


def steps(path: Path, only: Set[str] | None = None, light: bool = False) -> Iterator[Step]:
    """The file's steps; `only` keeps the traces named (`light` changes nothing here)."""
    for step in _steps(path):
        if only is None or step.trace_id in only:
            yield step


def _steps(path: Path) -> Iterator[Step]:
    order = 0
    for _, value in jsonstream.values(path):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, Mapping):
                continue
            if _is_trace(item):
                yield from _trace(item, order)
                order += 1 + len(item["observations"])
            elif isinstance(item.get("data"), list):
                for observation in item["data"]:
                    if _is_observation(observation):
                        yield _observation(observation, None, order)
                        order += 1
            elif _is_observation(item):
                yield _observation(item, None, order)
                order += 1


def _trace(trace: Mapping[str, Any], order: int) -> Iterator[Step]:
    trace_id = str(_get(trace, "id") or "")
    start = parse_timestamp(_get(trace, "timestamp"))
    root = Step(
        kind="agent",
        name=str(_get(trace, "name") or "trace"),
        trace_id=trace_id,
        span_id=trace_id,
        start=start,
        order=order,
        input_messages=tuple(_inputs(_get(trace, "input"))),
        output_messages=tuple(reply_messages(_get(trace, "output")))
        if _get(trace, "output") is not None
        else (),
        agent_name=text_value(_get(trace, "name")),
        agent_version=text_value(_get(trace, "release") or _get(trace, "version")),
        conversation_id=text_value(_get(trace, "sessionId")),
    )
    yield root
    for n, observation in enumerate(trace["observations"], start=1):
        if isinstance(observation, Mapping):
            yield _observation(observation, root, order + n)


def _observation(item: Mapping[str, Any], root: Step | None, order: int) -> Step:
    kind = _KINDS.get(str(_get(item, "type") or "").upper(), "other")
    trace_id = str(_get(item, "traceId") or (root.trace_id if root else ""))
    span_id = str(_get(item, "id") or "")
    parent = text_value(_get(item, "parentObservationId")) or (root.span_id if root else None)
    raw_input, raw_output = _get(item, "input"), _get(item, "output")
    tool = None
    if kind == "tool":
        metadata = _get(item, "metadata")
        call_id = metadata.get("tool_call_id") if isinstance(metadata, Mapping) else None
        tool = ToolResult(
            name=str(_get(item, "name") or "tool"),
            result=maybe_json(raw_output),
            arguments=maybe_json(raw_input),
            call_id=text_value(call_id),
        )
    error = None
    if str(_get(item, "level") or "").upper() == "ERROR":
        error = str(_get(item, "statusMessage") or "error")
    cost_details = _get(item, "costDetails")
    cost = number_value(_get(item, "calculatedTotalCost") or _get(item, "totalCost"))
    if cost is None and isinstance(cost_details, Mapping):
        cost = number_value(cost_details.get("total"))
    return Step(
        kind=kind,
        name=str(_get(item, "name") or kind),
        trace_id=trace_id,
        span_id=span_id,
        parent_id=parent if parent != span_id else None,
        start=parse_timestamp(_get(item, "startTime")),
        end=parse_timestamp(_get(item, "endTime")),
        order=order,
        input_messages=tuple(_inputs(raw_input)) if kind in ("llm", "agent") else (),
        output_messages=tuple(reply_messages(raw_output))
        if kind in ("llm", "agent") and raw_output is not None
        else (),
        tool=tool,
        agent_name=text_value(_get(item, "name")) if kind == "agent" else None,
        agent_version=text_value(_get(item, "version")) if kind == "agent" else None,
        conversation_id=text_value(_get(item, "sessionId"))
        or (root.conversation_id if root else None),
        model=text_value(_get(item, "model")),
        cost_usd=cost,
        error=error,
    )


def _inputs(value: Any) -> list[Any]:
    found = messages_from(value)
    if found:
        return found
    value = maybe_json(value)
    if isinstance(value, str) and value:
        return messages_from([{"role": "user", "content": value}])
    return []


def _get(item: Mapping[str, Any], camel: str) -> Any:
    if camel in item:
        return item[camel]
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    return item.get(snake)
