"""The OpenTelemetry GenAI semantic conventions: spans to `Step`s.

Operations are told by `gen_ai.operation.name` (`chat`, `text_completion`,
`generate_content` are LLM calls; `execute_tool`, `invoke_agent`) or, for
instrumentations that leave it out, by the span name's first word. Messages
are read, newest convention first, from:

- `gen_ai.system_instructions`, `gen_ai.input.messages`,
  `gen_ai.output.messages` (JSON in the parts format: text, tool_call,
  tool_call_response);
- the per-message events of earlier versions (`gen_ai.system.message`,
  `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`,
  `gen_ai.choice`), their body in the event's attributes or as JSON in
  `gen_ai.event.content`;
- the oldest `gen_ai.prompt` / `gen_ai.completion` (JSON, as attributes or in
  `gen_ai.content.prompt` / `gen_ai.content.completion` events, or
  flattened as `gen_ai.prompt.0.role`, as OpenLLMetry writes them).

Tool executions carry `gen_ai.tool.name`, `gen_ai.tool.call.id`,
`gen_ai.tool.call.arguments` and `gen_ai.tool.call.result`. Spans from the
Langfuse SDK, which traces with OpenTelemetry under its own names
(`langfuse.observation.type`, `.input`, `.output`, `langfuse.trace.name`,
`langfuse.release`), are read here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidentkit.traces.attributes import RawSpan, attr, identity, number_value, text_value
from incidentkit.traces.messages import maybe_json, messages_from, reply_messages, text_of
from incidentkit.traces.model import PRESENT, Message, Step, StepKind, ToolResult

LLM_OPERATIONS = ("chat", "text_completion", "generate_content", "completion")
# The Langfuse SDK (v3 and later) traces with OpenTelemetry under its own attribute names
_LANGFUSE_TYPE = "langfuse.observation.type"
_LANGFUSE_KINDS: dict[str, StepKind] = {"generation": "llm", "tool": "tool", "agent": "agent"}
_EVENT_ROLES = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}


def decode(span: RawSpan, light: bool = False) -> Step:
    a = span.attributes
    kind = _kind(span)
    inputs, outputs, system = _present(span) if light else _messages(span)
    if kind == "other" and (inputs or outputs):
        kind = "llm"
    tool = _tool(span) if kind == "tool" else None
    return Step(
        kind=kind,
        **identity(span),
        input_messages=tuple(inputs),
        output_messages=tuple(outputs),
        system_instructions=system,
        tool=tool,
        agent_name=text_value(a.get("gen_ai.agent.name") or a.get("langfuse.trace.name")),
        agent_version=text_value(
            a.get("gen_ai.agent.version") or a.get("langfuse.release") or a.get("langfuse.version")
        ),
        conversation_id=text_value(
            a.get("gen_ai.conversation.id") or a.get("session.id") or a.get("gen_ai.thread.id")
        ),
        model=text_value(
            a.get("gen_ai.response.model")
            or a.get("gen_ai.request.model")
            or a.get("langfuse.observation.model.name")
        ),
        cost_usd=number_value(a.get("gen_ai.usage.cost")),
    )


def _kind(span: RawSpan) -> StepKind:
    observation = span.attributes.get(_LANGFUSE_TYPE)
    if isinstance(observation, str) and observation.lower() in _LANGFUSE_KINDS:
        return _LANGFUSE_KINDS[observation.lower()]
    operation = span.attributes.get("gen_ai.operation.name")
    if not isinstance(operation, str):
        operation = span.name.split(" ", 1)[0] if span.name else ""
    if operation in LLM_OPERATIONS:
        return "llm"
    if operation == "execute_tool" or "gen_ai.tool.call.result" in span.attributes:
        return "tool"
    if operation in ("invoke_agent", "create_agent"):
        return "agent"
    return "other"


def _messages(span: RawSpan) -> tuple[list[Message], list[Message], str | None]:
    a = span.attributes
    system = _system(attr(a, "gen_ai.system_instructions"))
    inputs = messages_from(attr(a, "gen_ai.input.messages"))
    outputs = (
        reply_messages(attr(a, "gen_ai.output.messages"))
        if _has(a, "gen_ai.output.messages")
        else []
    )
    if not inputs:
        inputs = messages_from(attr(a, "gen_ai.prompt"))
    if not inputs and a.get(_LANGFUSE_TYPE):
        inputs = _langfuse_input(a.get("langfuse.observation.input"))
    if not outputs and a.get(_LANGFUSE_TYPE) and a.get("langfuse.observation.output"):
        outputs = reply_messages(a.get("langfuse.observation.output"))
    if not outputs and _has(a, "gen_ai.completion"):
        outputs = reply_messages(attr(a, "gen_ai.completion"))
    event_inputs, event_outputs = _from_events(span.events)
    return inputs or event_inputs, outputs or event_outputs, system


def _present(span: RawSpan) -> tuple[list[Message], list[Message], str | None]:
    """Whether the span holds input and output messages, without reading them."""
    a = span.attributes
    names = {name for name, _ in span.events}
    has_in = (
        bool(a.get("langfuse.observation.input"))
        or _has(a, "gen_ai.input.messages")
        or _has(a, "gen_ai.prompt")
        or bool(names & {*_EVENT_ROLES, "gen_ai.content.prompt"})
    )
    has_out = (
        bool(a.get("langfuse.observation.output"))
        or _has(a, "gen_ai.output.messages")
        or _has(a, "gen_ai.completion")
        or bool(names & {"gen_ai.choice", "gen_ai.content.completion"})
    )
    return list(PRESENT) if has_in else [], list(PRESENT) if has_out else [], None


def _from_events(events: list[tuple[str, dict[str, Any]]]) -> tuple[list[Message], list[Message]]:
    inputs: list[Message] = []
    outputs: list[Message] = []
    for name, attributes in events:
        body = _body(attributes)
        if name in _EVENT_ROLES:
            item = {"role": _EVENT_ROLES[name], **body}
            if name == "gen_ai.tool.message" and "tool_call_id" not in item and "id" in body:
                item["tool_call_id"] = body["id"]
            inputs.extend(messages_from([item]))
        elif name == "gen_ai.choice":
            if body.get("index", 0) not in (0, "0"):
                continue
            message = body.get("message")
            item = {"role": "assistant", **(message if isinstance(message, Mapping) else body)}
            outputs.extend(reply_messages(item))
        elif name == "gen_ai.content.prompt":
            inputs.extend(messages_from(attributes.get("gen_ai.prompt")))
        elif name == "gen_ai.content.completion":
            outputs.extend(reply_messages(attributes.get("gen_ai.completion")))
    return inputs, outputs


def _langfuse_input(value: Any) -> list[Message]:
    found = messages_from(value)
    if found:
        return found
    decoded = maybe_json(value)
    return [Message("user", decoded)] if isinstance(decoded, str) and decoded else []


def _body(attributes: dict[str, Any]) -> dict[str, Any]:
    """An event's body: JSON in gen_ai.event.content (or `body`), else its attributes."""
    for key in ("gen_ai.event.content", "event.body", "body"):
        value = maybe_json(attr(attributes, key))
        if isinstance(value, Mapping):
            return dict(value)
    rebuilt = {k: attr(attributes, k) for k in {k.split(".", 1)[0] for k in attributes}}
    return {k: maybe_json(v) if k in ("tool_calls", "message") else v for k, v in rebuilt.items()}


def _tool(span: RawSpan) -> ToolResult:
    a = span.attributes
    name = text_value(a.get("gen_ai.tool.name"))
    if name is None:
        first, _, rest = span.name.partition(" ")
        name = rest.strip() if first == "execute_tool" and rest.strip() else span.name
    result, arguments = attr(a, "gen_ai.tool.call.result"), attr(a, "gen_ai.tool.call.arguments")
    if result is None and a.get(_LANGFUSE_TYPE):
        result, arguments = (
            a.get("langfuse.observation.output"),
            a.get("langfuse.observation.input"),
        )
    return ToolResult(
        name=name,
        result=maybe_json(result),
        arguments=maybe_json(arguments),
        call_id=text_value(a.get("gen_ai.tool.call.id")),
    )


def _system(value: Any) -> str | None:
    value = maybe_json(value)
    if value is None:
        return None
    text = text_of(value)
    return text or None


def _has(attributes: Mapping[str, Any], path: str) -> bool:
    return path in attributes or any(k.startswith(path + ".") for k in attributes)
