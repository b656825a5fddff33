"""From a trace file's steps to the one conversation that failed.

Two passes over the file keep memory bounded by one trace, not by the file:
the first (`Index`) only notes which traces, conversations and LLM calls
exist and resolves the user's choice (`Selection`) to a set of traces; the
second keeps the steps of those traces and builds the `Conversation`.

The failing reply is the chosen LLM call (`--span-id`), else the last LLM
call of the chosen agent span, trace or conversation (by end time). Its
input messages are the conversation up to that reply; tool results come
from the tool messages in that input and from the tool steps that ended
before the call started.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from incidentkit.traces.index import (
    CAPTURE_HINT,
    LISTED,
    Index,
    Selection,
    listed,
    normal_id,
    replyable,
)
from incidentkit.traces.messages import maybe_json
from incidentkit.traces.model import (
    Conversation,
    Message,
    Observed,
    Provenance,
    Step,
    ToolResult,
    TraceError,
)


def build(
    steps: list[Step],
    selection: Selection,
    provenance: Provenance,
    *,
    trace_ids: bool = True,
) -> Conversation:
    """The conversation that ends in the failing reply, from the chosen traces' steps."""
    by_id = {normal_id(s.span_id): s for s in steps if s.span_id}
    failing = _failing(steps, selection, by_id)
    lineage = list(_ancestors(failing, by_id))
    messages = list(failing.input_messages)
    if not messages:
        messages = next((list(s.input_messages) for s in lineage[1:] if s.input_messages), [])
    if failing.system_instructions and not any(m.role == "system" for m in messages):
        messages.insert(0, Message("system", failing.system_instructions))
    if not any(m.role == "user" for m in messages):
        raise TraceError(
            f"{provenance.file}: the LLM call {_label(failing)} has no user message recorded; "
            + CAPTURE_HINT
        )
    reply = next((m for m in failing.output_messages if m.role == "assistant"), None)
    if reply is None and failing.output_messages:
        reply = failing.output_messages[0]
    if reply is None:
        raise TraceError(
            f"{provenance.file}: the LLM call {_label(failing)} has no reply recorded "
            f"(it may have failed: {failing.error or 'no error recorded'}); choose another "
            "with --span-id, or " + CAPTURE_HINT
        )
    agent_step = next((s for s in lineage if s.agent_name), None) or next(
        (s for s in steps if s.agent_name and s.kind == "agent"), None
    )
    service_step = next((s for s in lineage if s.service), None)
    conversation_id = next((s.conversation_id for s in lineage if s.conversation_id), None) or next(
        (s.conversation_id for s in steps if s.conversation_id), None
    )
    latency = None
    if failing.start is not None and failing.end is not None and failing.end >= failing.start:
        latency = round((failing.end - failing.start).total_seconds() * 1000, 1)
    return Conversation(
        messages=tuple(messages),
        observed=Observed(
            output=reply.content,
            tool_calls=reply.tool_calls,
            latency_ms=latency,
            cost_usd=failing.cost_usd,
            model=failing.model,
        ),
        provenance=replace(
            provenance,
            trace_id=failing.trace_id or None if trace_ids else None,
            span_id=failing.span_id or None if trace_ids else None,
            conversation_id=conversation_id,
        ),
        tool_results=tuple(_tool_results(messages, steps, failing)),
        agent=agent_step.agent_name
        if agent_step
        else (service_step.service if service_step else None),
        agent_version=(agent_step.agent_version if agent_step else None)
        or (service_step.service_version if service_step else None),
        started_at=failing.start or failing.end,
    )


def _failing(steps: list[Step], selection: Selection, by_id: dict[str | None, Step]) -> Step:
    wanted = normal_id(selection.span_id)
    if wanted is not None:
        chosen = by_id.get(wanted)
        if chosen is None:  # cannot happen after Index.choose, but fail clearly anyway
            raise TraceError(f"--span-id {selection.span_id}: not found")
        if replyable(chosen) and chosen.kind == "llm":
            return chosen
        below = [s for s in steps if replyable(s) and chosen in _ancestors(s, by_id)]
        if below:
            return _last(_preferred(below))
        if replyable(chosen):
            return chosen
        shown = [f"{s.span_id} ({s.name})" for s in steps if replyable(s)]
        raise TraceError(
            f"--span-id {selection.span_id} is a {chosen.kind} span ({chosen.name!r}) with no LLM "
            f"call under it; the LLM calls in its trace are: {listed(shown[:LISTED], len(shown))}"
        )
    return _last(_preferred([s for s in steps if replyable(s)]))


def _preferred(calls: list[Step]) -> list[Step]:
    """LLM calls that answered, else any LLM call, else agent spans: a last call that
    errored without a reply is not the reply the user saw."""
    answered = [s for s in calls if s.kind == "llm" and s.output_messages]
    return answered or [s for s in calls if s.kind == "llm"] or calls


def _last(steps: list[Step]) -> Step:
    return max(steps, key=lambda s: (_when(s.end or s.start), s.order))


def _when(moment: datetime | None) -> float:
    """Seconds since the epoch; an unknown time sorts first (and counts as before the reply)."""
    return moment.timestamp() if moment is not None else float("-inf")


def _ancestors(step: Step, by_id: dict[str | None, Step]) -> Iterator[Step]:
    """The step, its parent, its parent's parent... (cycles cut)."""
    seen: set[int] = set()
    current: Step | None = step
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = by_id.get(normal_id(current.parent_id)) if current.parent_id else None


def _tool_results(
    messages: list[Message], steps: list[Step], failing: Step
) -> Iterator[ToolResult]:
    names: dict[str, str] = {}
    arguments: dict[str, object] = {}
    for message in messages:
        for call in message.tool_calls:
            if call.id:
                names[call.id] = call.name
                arguments[call.id] = call.arguments
    seen: set[str] = set()
    shown: list[
        tuple[str, object]
    ] = []  # (name, result) already given, for steps without a call ID
    for message in messages:
        if message.role != "tool":
            continue
        name = message.name or (
            names.get(message.tool_call_id or "") if message.tool_call_id else None
        )
        if not name:
            continue
        if message.tool_call_id:
            seen.add(message.tool_call_id)
        result = maybe_json(message.content)
        shown.append((name, result))
        yield ToolResult(
            name=name,
            result=result,
            arguments=arguments.get(message.tool_call_id or ""),
            call_id=message.tool_call_id,
        )
    # a reply with no time saw every tool result in its trace
    cutoff = _when(failing.start or failing.end) if (failing.start or failing.end) else float("inf")
    earlier = [s for s in steps if s.tool is not None and _when(s.end or s.start) <= cutoff]
    for step in sorted(earlier, key=lambda s: (_when(s.start or s.end), s.order)):
        assert step.tool is not None
        if step.tool.call_id in seen or (
            step.tool.call_id is None and (step.tool.name, step.tool.result) in shown
        ):
            continue
        if step.tool.call_id:
            seen.add(step.tool.call_id)
        shown.append((step.tool.name, step.tool.result))
        yield step.tool


def _label(step: Step) -> str:
    return f"{step.span_id} ({step.name!r})" if step.span_id else repr(step.name)


def read(
    path: Path,
    steps: Callable[..., Iterator[Step]],
    selection: Selection,
    provenance: Provenance,
    *,
    trace_ids: bool = True,
) -> Conversation:
    """Both passes over `path` with the format's `steps` reader."""
    index = Index(selection)
    for step in steps(path, light=True):
        index.add(step)
    chosen = index.choose(provenance.file)
    kept = list(steps(path, only=chosen))
    return build(kept, selection, provenance, trace_ids=trace_ids)
