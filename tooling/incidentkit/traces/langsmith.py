"""LangSmith: a run tree (`inputs`, `outputs`, `child_runs`), as the SDK's `Run` model dumps it.

`client.read_run(id, load_child_runs=True)` gives a root run whose
`child_runs` nest; the runs API and exports give flat lists linked by
`parent_run_id`. Both are read, from one JSON document, a list, `{"runs":
[...]}` or JSON Lines. `run_type` tells the step: `llm` is a model call
(`inputs.messages` in OpenAI or LangChain form, `outputs` an OpenAI
completion or LangChain `generations`), `tool` a tool (`outputs.output` its
result), and the root run stands for the agent (its name, and
`extra.metadata` for the version and the thread: `thread_id`,
`session_id` or `conversation_id`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from incidentkit.records.timestamps import parse_timestamp
from incidentkit.traces import jsonstream
from incidentkit.traces.attributes import as_list, number_value, text_value
from incidentkit.traces.messages import maybe_json, messages_from, reply_messages, text_of
from incidentkit.traces.model import Message, Step, StepKind, ToolResult

NAME = "langsmith"
_KINDS: dict[str, StepKind] = {"llm": "llm", "tool": "tool"}
_THREAD_KEYS = ("thread_id", "session_id", "conversation_id")
_VERSION_KEYS = ("agent_version", "version", "revision_id", "ls_version")


def matches(value: Any) -> bool:
    if isinstance(value, Mapping) and isinstance(value.get("runs"), list):
        value = value["runs"]
    if isinstance(value, list):
        return bool(value) and all(_is_run(v) for v in value[:5])
    return _is_run(value)


def _is_run(value: Any) -> bool:
    return isinstance(value, Mapping) and "run_type" in value and "inputs" in value


def steps(path: Path, only: Set[str] | None = None, light: bool = False) -> Iterator[Step]:
    """The file's steps; `only` keeps the traces named (`light` changes nothing here)."""
    for step in _steps(path):
        if only is None or step.trace_id in only:
            yield step


def _steps(path: Path) -> Iterator[Step]:
    counter = [0]
    for _, value in jsonstream.values(path):
        if isinstance(value, Mapping) and isinstance(value.get("runs"), list):
            value = value["runs"]
        for run in value if isinstance(value, list) else [value]:
            if _is_run(run):
                yield from _tree(run, None, counter)


def _tree(run: Mapping[str, Any], parent: Step | None, counter: list[int]) -> Iterator[Step]:
    step = _run(run, parent, counter[0])
    counter[0] += 1
    yield step
    for child in as_list(run.get("child_runs")):
        if _is_run(child):
            yield from _tree(child, step, counter)


def _run(run: Mapping[str, Any], parent: Step | None, order: int) -> Step:
    run_type = str(run.get("run_type") or "")
    parent_id = text_value(run.get("parent_run_id")) or (parent.span_id if parent else None)
    is_root = parent_id is None
    kind: StepKind = _KINDS.get(run_type, "agent" if is_root else "other")
    extra = run.get("extra")
    metadata = extra.get("metadata") if isinstance(extra, Mapping) else None
    metadata = metadata if isinstance(metadata, Mapping) else {}
    inputs, outputs = run.get("inputs"), run.get("outputs")
    name = str(run.get("name") or run_type)
    span_id = str(run.get("id") or "")
    return Step(
        kind=kind,
        name=name,
        trace_id=str(run.get("trace_id") or (parent.trace_id if parent else span_id)),
        span_id=span_id,
        parent_id=parent_id,
        start=parse_timestamp(_utc(run.get("start_time"))),
        end=parse_timestamp(_utc(run.get("end_time"))),
        order=order,
        input_messages=tuple(_inputs(inputs)) if kind in ("llm", "agent") else (),
        output_messages=tuple(reply_messages(outputs))
        if kind in ("llm", "agent") and outputs
        else (),
        tool=_tool(name, inputs, outputs) if kind == "tool" else None,
        agent_name=name if is_root else None,
        agent_version=_first(metadata, _VERSION_KEYS),
        conversation_id=_first(metadata, _THREAD_KEYS)
        or (parent.conversation_id if parent else None),
        model=text_value(metadata.get("ls_model_name")),
        cost_usd=number_value(run.get("total_cost")),
        error=text_value(run.get("error")),
    )


def _inputs(inputs: Any) -> list[Message]:
    found = messages_from(inputs)
    if found:
        return found
    if isinstance(inputs, Mapping):
        prompts = inputs.get("prompts")
        if isinstance(prompts, list) and prompts:
            return [Message("user", text_of(prompts[-1]))]
        for key in ("input", "question", "query", "text"):
            if isinstance(inputs.get(key), str) and inputs[key]:
                return [Message("user", inputs[key])]
    return []


def _tool(name: str, inputs: Any, outputs: Any) -> ToolResult:
    result = outputs.get("output", outputs) if isinstance(outputs, Mapping) else outputs
    call_id = None
    if isinstance(result, Mapping) and isinstance(result.get("kwargs"), Mapping):
        # a LangChain ToolMessage, serialised
        call_id = text_value(result["kwargs"].get("tool_call_id"))
        result = result["kwargs"].get("content")
    arguments = inputs.get("input", inputs) if isinstance(inputs, Mapping) else inputs
    return ToolResult(
        name=name, result=maybe_json(result), arguments=maybe_json(arguments), call_id=call_id
    )


def _first(metadata: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = text_value(metadata.get(key))
        if value:
            return value
    return None


def _utc(value: Any) -> Any:
    """LangSmith writes UTC times without an offset; read them as UTC."""
    if isinstance(value, str) and len(value) >= 16 and not _has_offset(value):
        return value + "+00:00"
    return value


def _has_offset(value: str) -> bool:
    tail = value[19:]
    return value.endswith(("Z", "z")) or "+" in tail or "-" in tail
