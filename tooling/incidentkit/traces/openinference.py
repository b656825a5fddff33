"""OpenInference (Arize Phoenix) span attributes: spans to `Step`s.

`openinference.span.kind` tells LLM, TOOL, AGENT and CHAIN spans apart. An
LLM span lists its messages flattened, `llm.input_messages.N.message.role`,
`.content` (or `.contents.M.message_content.text`), `.tool_calls.M.tool_call.
function.name` / `.arguments`, `.tool_call_id`, and the same under
`llm.output_messages`; when those are missing, `input.value` and
`output.value` (text or JSON) stand in. A TOOL span names its tool in
`tool.name` and carries arguments and result in `input.value` /
`output.value`. Sessions are `session.id`, agents `agent.name`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidentkit.traces.attributes import RawSpan, attr, identity, number_value, text_value
from incidentkit.traces.messages import maybe_json, messages_from, reply_messages
from incidentkit.traces.model import PRESENT, Message, Step, StepKind, ToolResult

SPAN_KIND = "openinference.span.kind"
_KINDS: dict[str, StepKind] = {"LLM": "llm", "TOOL": "tool", "AGENT": "agent"}


def follows(attributes: Mapping[str, Any]) -> bool:
    return SPAN_KIND in attributes or any(k.startswith("llm.input_messages") for k in attributes)


def decode(span: RawSpan, light: bool = False) -> Step:
    a = span.attributes
    raw_kind = a.get(SPAN_KIND)
    kind = _KINDS.get(str(raw_kind).upper(), "other") if raw_kind else "llm"
    inputs: list[Message] = []
    outputs: list[Message] = []
    if light and kind in ("llm", "agent"):
        has_in = _has(a, "llm.input_messages") or bool(a.get("input.value"))
        has_out = _has(a, "llm.output_messages") or bool(a.get("output.value"))
        inputs = list(PRESENT) if has_in and kind == "llm" else []
        outputs = list(PRESENT) if has_out else []
    elif kind == "llm":
        inputs = messages_from(_unwrap(attr(a, "llm.input_messages")))
        outputs = messages_from(_unwrap(attr(a, "llm.output_messages")))
        if not inputs:
            inputs = _text_or_messages(a.get("input.value"), "user")
        if not outputs:
            outputs = reply_messages(a.get("output.value"))
    elif kind == "agent":
        inputs = _text_or_messages(a.get("input.value"), "user")
        outputs = reply_messages(a.get("output.value")) if a.get("output.value") else []
    tool = None
    if kind == "tool":
        tool = ToolResult(
            name=str(a.get("tool.name") or span.name),
            result=maybe_json(a.get("output.value")),
            arguments=maybe_json(a.get("input.value")),
            call_id=text_value(a.get("tool_call.id") or a.get("tool.id")),
        )
    metadata = maybe_json(a.get("metadata"))
    version = metadata.get("agent_version") if isinstance(metadata, Mapping) else None
    return Step(
        kind=kind,
        **identity(span),
        input_messages=tuple(inputs),
        output_messages=tuple(outputs),
        tool=tool,
        agent_name=text_value(a.get("agent.name")),
        agent_version=text_value(version),
        conversation_id=text_value(a.get("session.id")),
        model=text_value(a.get("llm.model_name") or a.get("llm.response.model_name")),
        cost_usd=number_value(a.get("llm.cost.total")),
    )


def _has(attributes: Mapping[str, Any], path: str) -> bool:
    return path in attributes or any(k.startswith(path + ".") for k in attributes)


def _unwrap(value: Any) -> list[Any]:
    """OpenInference's `[{"message": {...}}]` as OpenAI-style message dicts."""
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        message = item.get("message", item) if isinstance(item, Mapping) else None
        if not isinstance(message, Mapping):
            continue
        converted = dict(message)
        if "content" not in converted and isinstance(message.get("contents"), list):
            converted["content"] = [
                {"type": "text", "text": c.get("message_content", c).get("text", "")}
                for c in message["contents"]
                if isinstance(c, Mapping) and isinstance(c.get("message_content", c), Mapping)
            ]
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            converted["tool_calls"] = [
                c.get("tool_call", c) for c in calls if isinstance(c, Mapping)
            ]
        if "function_call_name" in message:
            converted["function_call"] = {
                "name": message["function_call_name"],
                "arguments": message.get("function_call_arguments_json"),
            }
        out.append(converted)
    return out


def _text_or_messages(value: Any, role: str) -> list[Message]:
    if value is None or value == "":
        return []
    found = messages_from(value)
    if found:
        return found
    decoded = maybe_json(value)
    if isinstance(decoded, str):
        return messages_from([{"role": role, "content": decoded}])
    return []
