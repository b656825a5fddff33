"""The neutral model every trace format is read into.

A format parser turns its file into `Step`s: one LLM call, tool execution,
agent invocation or other unit of work, with the messages and tool data
already decoded from that format's conventions. `assemble` then picks the
failing LLM call and builds one `Conversation` from the steps around it. No
format-specific knowledge lives here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from incidentkit.errors import UsageError

Role = Literal["system", "user", "assistant", "tool"]
StepKind = Literal["llm", "tool", "agent", "other"]


class TraceError(UsageError):
    """The trace cannot give a conversation: unknown format, no LLM call, an ID not in it (exit 2)."""


@dataclass(frozen=True)
class ToolCall:
    """A tool call the model asked for."""

    name: str
    arguments: Any = None
    id: str | None = None


@dataclass(frozen=True)
class Message:
    """One turn of the conversation, in the eval case's terms."""

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None  # on a tool message: the call it answers
    name: str | None = None  # on a tool message: the tool's name, when known


@dataclass(frozen=True)
class ToolResult:
    """A tool's answer that the agent saw before the failing reply."""

    name: str
    result: Any
    arguments: Any = None
    call_id: str | None = None


@dataclass(frozen=True)
class Step:
    """One span, observation or run, decoded from its format."""

    kind: StepKind
    name: str
    trace_id: str
    span_id: str
    parent_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    order: int = 0  # position in the file, to break ties between equal times
    input_messages: tuple[Message, ...] = ()
    output_messages: tuple[Message, ...] = ()
    system_instructions: str | None = None
    tool: ToolResult | None = None  # for kind == "tool"
    agent_name: str | None = None
    agent_version: str | None = None
    service: str | None = (
        None  # the resource's service.name: the agent's name when nothing says better
    )
    service_version: str | None = None
    conversation_id: str | None = None
    model: str | None = None
    cost_usd: float | None = None
    error: str | None = None


# A light step (the first pass) stands for "has messages" with this, unread.
PRESENT: tuple[Message, ...] = (Message("user", ""),)


@dataclass(frozen=True)
class Provenance:
    """Where the conversation came from: the case's `source` block."""

    format: str
    file: str
    trace_id: str | None = None
    span_id: str | None = None
    conversation_id: str | None = None

    def as_dict(self) -> dict[str, str]:
        data = {
            "format": self.format,
            "trace_id": self.trace_id,
            "span_id": self.span_id,
            "conversation_id": self.conversation_id,
            "file": self.file,
        }
        return {k: v for k, v in data.items() if v}


@dataclass(frozen=True)
class Observed:
    """The failing reply as production saw it: the case's `observed` block."""

    output: str
    tool_calls: tuple[ToolCall, ...] = ()
    latency_ms: float | None = None
    cost_usd: float | None = None
    model: str | None = None


@dataclass(frozen=True)
class Conversation:
    """A production conversation up to, and including, its failing reply."""

    messages: tuple[Message, ...]
    observed: Observed
    provenance: Provenance
    tool_results: tuple[ToolResult, ...] = ()
    agent: str | None = None
    agent_version: str | None = None
    started_at: datetime | None = None
    notes: tuple[str, ...] = field(default=())
