"""A plain chat transcript: JSON or JSON Lines of `{"role", "content"}` messages.

OpenAI's chat format, tool calls included (`tool_calls` on assistant
messages, `tool_call_id` on tool messages). Accepted shapes: a JSON array of
messages; JSON Lines with one message per line; an object with `messages`
(a chat completion request, optionally with its `choices` or `response`,
and an `id`, `conversation_id` or `thread_id`); JSON Lines of such objects,
one conversation per line (pick one with --conversation-id, or with
--trace-id line-N for the one starting on line N). The failing reply is the last assistant message, or the
completion's first choice.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Set
from pathlib import Path
from typing import Any

from incidentkit.traces import jsonstream
from incidentkit.traces.attributes import text_value
from incidentkit.traces.messages import message_from, messages_from, reply_messages, role_of
from incidentkit.traces.model import Message, Step

NAME = "chat"
_ID_KEYS = ("conversation_id", "thread_id", "session_id", "id")
_REPLY_KEYS = ("choices", "response", "completion", "output")


def matches(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_message(v) for v in value[:5])
    if _is_message(value):
        return True
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("messages"), list)
        and all(_is_message(v) for v in value["messages"][:5])
    )


def _is_message(value: Any) -> bool:
    return isinstance(value, Mapping) and (
        role_of(value.get("role")) is not None
        or value.get("type") in ("function_call", "function_call_output")
    )


def steps(path: Path, only: Set[str] | None = None, light: bool = False) -> Iterator[Step]:
    """The file's steps; `only` keeps the traces named (`light` changes nothing here)."""
    for step in _steps(path):
        if only is None or step.trace_id in only:
            yield step


def _steps(path: Path) -> Iterator[Step]:
    pending: list[Message] = []
    pending_line = 0
    for line, value in jsonstream.values(path):
        if _is_message(value):
            pending_line = pending_line or line
            pending.extend(message_from(value))
            continue
        if pending:
            yield _step(pending, [], None, pending_line)
            pending, pending_line = [], 0
        if isinstance(value, list):
            yield _step(messages_from(value), [], None, line)
        elif isinstance(value, Mapping) and isinstance(value.get("messages"), list):
            yield _conversation(value, line)
    if pending:
        yield _step(pending, [], None, pending_line)


def _conversation(value: Mapping[str, Any], line: int) -> Step:
    messages = messages_from(value["messages"])
    reply: list[Message] = []
    for key in _REPLY_KEYS:
        if value.get(key):
            reply = reply_messages({key: value[key]})
            break
    explicit = next((text_value(value.get(k)) for k in _ID_KEYS if text_value(value.get(k))), None)
    return _step(messages, reply, explicit, line)


def _step(messages: list[Message], reply: list[Message], key: str | None, line: int) -> Step:
    if not reply:
        last = max((i for i, m in enumerate(messages) if m.role == "assistant"), default=None)
        if last is not None:
            reply, messages = [messages[last]], messages[:last]
    return Step(
        kind="llm",
        name="chat",
        trace_id=f"line-{line}",
        span_id="",
        order=line,
        input_messages=tuple(messages),
        output_messages=tuple(reply),
        conversation_id=key,
    )
