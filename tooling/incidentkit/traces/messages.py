"""Chat messages in the shapes tracing tools record them, read into `Message`s.

Every format ends up holding messages written by some SDK: OpenAI's chat
format (`role`, `content`, `tool_calls`, `tool_call_id`), the OpenTelemetry
GenAI parts format (`role`, `parts`: text, tool_call, tool_call_response),
LangChain's serialised messages (`lc`, `id`, `kwargs`) and its plain dicts
(`type`: human, ai, system, tool), Anthropic's content blocks (text,
tool_use, tool_result) and Gemini's parts (text, functionCall,
functionResponse). One reader for all of them keeps the formats' parsers to
their own structure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from incidentkit.traces.model import Message, Role, ToolCall

_ROLES: dict[str, Role] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "ai": "assistant",
    "model": "assistant",
    "bot": "assistant",
    "tool": "tool",
    "function": "tool",
    "ipython": "tool",
}
# LangChain's serialised class names (the last item of `id`)
_LC_CLASSES: dict[str, Role] = {
    "SystemMessage": "system",
    "HumanMessage": "user",
    "AIMessage": "assistant",
    "AIMessageChunk": "assistant",
    "ToolMessage": "tool",
    "FunctionMessage": "tool",
    "ChatMessage": "user",
}
_TEXT_TYPES = ("text", "input_text", "output_text")


def maybe_json(value: Any) -> Any:
    """`value` decoded when it is a string holding a JSON object or array, else unchanged."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "["):
            try:
                return json.loads(stripped)
            except (ValueError, RecursionError):
                return value
    return value


def reply_messages(value: Any) -> list[Message]:
    """The reply in a recorded output: messages, an OpenAI completion (`choices`),
    LangChain generations, or plain text (an assistant message)."""
    value = maybe_json(value)
    if isinstance(value, Mapping):
        choices = value.get("choices")
        if isinstance(choices, list) and choices and isinstance(choices[0], Mapping):
            first = choices[0]
            message = first.get("message") or first.get("delta")
            if isinstance(message, Mapping):
                return message_from({"role": "assistant", **message})
            return [Message("assistant", text_of(first.get("text")))]
        generations = value.get("generations")
        if isinstance(generations, list) and generations:
            first = generations[0][0] if isinstance(generations[0], list) else generations[0]
            if isinstance(first, Mapping):
                if isinstance(first.get("message"), Mapping):
                    found = message_from(first["message"])
                    if found:
                        return found
                return [Message("assistant", text_of(first.get("text")))]
        for key in ("output", "messages", "message", "content", "response", "answer"):
            if key in value and value[key] is not None:
                found = reply_messages(value[key])
                if found:
                    return found
        found = message_from(value)
        return found or ([Message("assistant", text_of(value))] if value else [])
    if isinstance(value, list):
        found = messages_from(value)
        return [m for m in found if m.role == "assistant"] or found
    if isinstance(value, str):
        return [Message("assistant", value)]
    return []


def role_of(value: Any) -> Role | None:
    return _ROLES.get(value.strip().lower()) if isinstance(value, str) else None


def text_of(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, Mapping):
        for key in ("text", "content", "value"):
            if isinstance(content.get(key), str):
                return str(content[key])
        return json.dumps(content, ensure_ascii=False, default=str)
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, Mapping) and (
                part.get("type") in _TEXT_TYPES or ("type" not in part and "text" in part)
            ):
                texts.append(text_of(part))
        return "\n".join(t for t in texts if t)
    return str(content)


def messages_from(value: Any) -> list[Message]:
    """Every message in `value`: a list of messages, a JSON string of one, or `{"messages": [...]}`."""
    value = maybe_json(value)
    if isinstance(value, Mapping):
        for key in ("messages", "input", "prompt"):
            inner = value.get(key)
            if isinstance(inner, list | str) and inner:
                found = messages_from(inner)
                if found:
                    return found
        return message_from(value)
    if isinstance(value, list):
        # LangChain passes a batch of prompts: [[msg, msg]]; the first is the call
        if value and all(isinstance(v, list) for v in value):
            return messages_from(value[0])
        collected: list[Message] = []
        for item in value:
            collected.extend(message_from(item))
        return collected
    return []


def message_from(item: Any) -> list[Message]:
    """One recorded message as one or more `Message`s (a GenAI or Anthropic message may hold several tool results)."""
    if not isinstance(item, Mapping):
        return []
    kind = item.get("type")
    if kind == "function_call" and item.get("name"):
        # OpenAI Responses API items
        call = ToolCall(
            str(item["name"]), maybe_json(item.get("arguments")), _str(item.get("call_id"))
        )
        return [Message("assistant", "", (call,))]
    if kind == "function_call_output":
        output = item.get("output")
        return [Message("tool", _result_text(output), tool_call_id=_str(item.get("call_id")))]
    if item.get("lc") is not None and isinstance(item.get("kwargs"), Mapping):
        return _langchain_serialised(item)
    role = role_of(item.get("role"))
    if role is None and isinstance(item.get("type"), str) and "data" in item:
        data = item.get("data")
        return _plain(role_of(item["type"]), data if isinstance(data, Mapping) else {})
    if role is None:
        role = role_of(item.get("type"))
    if role is None:
        return []
    if isinstance(item.get("parts"), list):
        return _with_parts(role, item["parts"])
    if isinstance(item.get("content"), list) and _has_blocks(item["content"]):
        return _with_parts(role, item["content"])
    return _plain(role, item)


def _plain(role: Role | None, item: Mapping[str, Any]) -> list[Message]:
    if role is None:
        return []
    calls = tuple(_tool_calls(item.get("tool_calls")))
    function_call = item.get("function_call")
    if isinstance(function_call, Mapping) and function_call.get("name"):
        calls += (ToolCall(str(function_call["name"]), maybe_json(function_call.get("arguments"))),)
    return [
        Message(
            role=role,
            content=text_of(item.get("content")),
            tool_calls=calls,
            tool_call_id=_str(item.get("tool_call_id")) if role == "tool" else None,
            name=_str(item.get("name")) if role == "tool" else None,
        )
    ]


def _langchain_serialised(item: Mapping[str, Any]) -> list[Message]:
    ids = item.get("id")
    cls = ids[-1] if isinstance(ids, list) and ids else ""
    kwargs = item["kwargs"]
    role = _LC_CLASSES.get(str(cls)) or role_of(kwargs.get("type")) or role_of(kwargs.get("role"))
    return _plain(role, kwargs)


def _tool_calls(value: Any) -> Iterable[ToolCall]:
    if not isinstance(value, list):
        return
    for call in value:
        if not isinstance(call, Mapping):
            continue
        function = call.get("function")
        if isinstance(function, Mapping) and function.get("name"):
            # OpenAI: {"id", "type": "function", "function": {"name", "arguments"}}
            yield ToolCall(
                str(function["name"]), maybe_json(function.get("arguments")), _str(call.get("id"))
            )
        elif call.get("name"):
            # LangChain and GenAI: {"name", "args" | "arguments", "id"}
            args = call.get("args", call.get("arguments", call.get("input")))
            yield ToolCall(str(call["name"]), maybe_json(args), _str(call.get("id")))


def _has_blocks(content: list[Any]) -> bool:
    return any(
        isinstance(p, Mapping) and p.get("type") in ("tool_use", "tool_result", "tool_call")
        for p in content
    )


def _with_parts(role: Role, parts: list[Any]) -> list[Message]:
    """GenAI parts, Anthropic content blocks or Gemini parts: text, tool calls and tool results."""
    texts: list[str] = []
    calls: list[ToolCall] = []
    results: list[Message] = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
            continue
        if not isinstance(part, Mapping):
            continue
        kind = part.get("type")
        if kind in _TEXT_TYPES or ("text" in part and kind is None):
            texts.append(text_of(part))
        elif kind in ("tool_call", "tool_use"):
            args = part.get("arguments", part.get("input"))
            calls.append(
                ToolCall(str(part.get("name") or "?"), maybe_json(args), _str(part.get("id")))
            )
        elif kind in ("tool_call_response", "tool_result"):
            answer = part.get("response", part.get("content", part.get("result")))
            results.append(
                Message(
                    role="tool",
                    content=_result_text(answer),
                    tool_call_id=_str(part.get("id", part.get("tool_use_id"))),
                    name=_str(part.get("name")),
                )
            )
        elif isinstance(part.get("functionCall"), Mapping):
            call = part["functionCall"]
            calls.append(
                ToolCall(str(call.get("name") or "?"), call.get("args"), _str(call.get("id")))
            )
        elif isinstance(part.get("functionResponse"), Mapping):
            answer = part["functionResponse"]
            results.append(
                Message(
                    role="tool",
                    content=_result_text(answer.get("response")),
                    tool_call_id=_str(answer.get("id")),
                    name=_str(answer.get("name")),
                )
            )
    out: list[Message] = []
    if texts or calls or not results:
        out.append(
            Message(
                role="tool" if role == "tool" and not calls else role,
                content="\n".join(t for t in texts if t),
                tool_calls=tuple(calls),
            )
        )
    if role == "tool" and results and out and not out[0].content:
        out = []
    return out + results


def _result_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, Mapping) for p in value):
        text = text_of(value)
        if text:
            return text
    return json.dumps(value, ensure_ascii=False, default=str)


def _str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)
