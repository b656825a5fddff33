"""Make the trace fixtures with the tracing libraries themselves: `python tests/traces/make_fixtures.py`.

Each fixture records a real conversation with the example agent
(`examples/support_agent.py`): the failing reply is what the agent answers
at the version that had the bug. Spans are emitted with `opentelemetry-sdk`
(GenAI attribute names from `opentelemetry-semantic-conventions`,
OpenInference names from `openinference-semantic-conventions`) and
serialised by the SDK's own exporters and encoders; the Langfuse and
LangSmith files are dumps of those SDKs' own models. IDs and times are fixed,
so the output is the same on every run and `test_fixtures_are_current`
checks the committed files against it.

Versions used for the committed files: see VERSIONS in fixtures/README.md
(written by this script).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from uuid import UUID

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from examples.support_agent import run as example_agent  # noqa: E402
from google.protobuf.json_format import MessageToJson  # noqa: E402
from langfuse.api import ObservationV2  # noqa: E402
from langsmith.schemas import Run  # noqa: E402
from openinference.semconv.trace import (  # noqa: E402
    MessageAttributes,
    OpenInferenceSpanKindValues,
    SpanAttributes,
    ToolCallAttributes,
)
from opentelemetry.exporter.otlp.json.file import FileSpanExporter  # noqa: E402
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)
from opentelemetry.sdk.trace.id_generator import IdGenerator  # noqa: E402
from opentelemetry.semconv._incubating.attributes import (  # noqa: E402
    gen_ai_attributes as genai,
)
from opentelemetry.trace import Span, Tracer, set_span_in_context  # noqa: E402

LIBRARIES = (
    "opentelemetry-sdk",
    "opentelemetry-semantic-conventions",
    "opentelemetry-exporter-otlp-json-file",
    "opentelemetry-exporter-otlp-proto-common",
    "openinference-semantic-conventions",
    "langfuse",
    "langsmith",
)


@dataclass
class Turn:
    """One LLM call of the agent loop: what it was sent and what it answered."""

    inputs: list[dict[str, Any]]
    reply: dict[str, Any]  # OpenAI chat format: role, content, tool_calls


@dataclass
class ToolRun:
    call_id: str
    name: str
    arguments: dict[str, Any]
    result: Any


@dataclass
class Scenario:
    """A conversation with the example agent, ending in its failing reply."""

    name: str
    agent: str
    version: str
    conversation_id: str
    system: str
    history: list[dict[str, Any]]  # user/assistant turns before the question
    question: str
    tool: ToolRun
    start: datetime
    turns: list[Turn] = field(default_factory=list)

    def play(self) -> None:
        """Run the agent loop: a tool call first, then the agent's real answer."""
        opening = [{"role": "system", "content": self.system}, *self.history]
        opening.append({"role": "user", "content": self.question})
        call = {
            "id": self.tool.call_id,
            "type": "function",
            "function": {"name": self.tool.name, "arguments": json.dumps(self.tool.arguments)},
        }
        first_reply = {"role": "assistant", "content": "", "tool_calls": [call]}
        tool_message = {
            "role": "tool",
            "tool_call_id": self.tool.call_id,
            "content": json.dumps(self.tool.result),
        }
        second_inputs = [*opening, first_reply, tool_message]
        answer = example_agent(
            {
                "messages": second_inputs,
                "context": {"tool_responses": {self.tool.name: self.tool.result}},
            },
            agent=self.agent,
            version=self.version,
        )
        self.turns = [
            Turn(opening, first_reply),
            Turn(second_inputs, {"role": "assistant", "content": answer["output"]}),
        ]


REFUND = Scenario(
    name="support-refund",
    agent="support-agent",
    version="1.4.0",
    conversation_id="conv-7f3a9c",
    system=(
        "You are Skyway's support agent. Answer from the retrieved policy documents. "
        "Fare-rules service credentials: api_key=sk-proj-Q7vX2mR9tL4wZ8nB3kD6hJ1pS5yF0cA"
    ),
    history=[
        {
            "role": "user",
            "content": "Hello, this is Dana Whitfield (dana.whitfield@mailbox.org, "
            "+44 20 7946 0958).",
        },
        {"role": "assistant", "content": "Hi Dana, thanks for getting in touch. How can I help?"},
    ],
    question="I booked a flight to Lisbon 45 days ago and my plans have changed. "
    "Can I get a refund?",
    tool=ToolRun(
        call_id="call_lookup_1",
        name="lookup_booking",
        arguments={"email": "dana.whitfield@mailbox.org"},
        result={"booking": "SKW-88231", "booked_days_ago": 45, "fare_class": "economy-light"},
    ),
    start=datetime(2026, 5, 12, 7, 30, tzinfo=UTC),
)

ORDER = Scenario(
    name="support-order",
    agent="support-agent",
    version="1.6.0",
    conversation_id="conv-b81e02",
    system="You are Skyway's support agent. Use order_lookup for any question about an order.",
    history=[],
    question="Where is my order QX7-4821? It was supposed to arrive yesterday.",
    tool=ToolRun(
        call_id="call_order_1",
        name="order_lookup",
        arguments={"order": "QX7-4821"},
        result={"error": "timeout", "after_ms": 10000},
    ),
    start=datetime(2026, 6, 3, 14, 5, tzinfo=UTC),
)


class FixedIds(IdGenerator):
    """Deterministic IDs, so the fixtures do not change from one run to the next."""

    def __init__(self, seed: int) -> None:
        self.trace = seed
        self.span = seed << 8

    def generate_trace_id(self) -> int:
        self.trace += 1
        return 0x4BF92F3577B34DA6A3CE929D0E0E4736 ^ self.trace

    def generate_span_id(self) -> int:
        self.span += 1
        return 0x00F067AA0BA902B7 ^ self.span


def _nanos(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000_000)


@contextmanager
def _span(tracer: Tracer, name: str, parent: Span | None, start: datetime) -> Iterator[Span]:
    context = set_span_in_context(parent) if parent is not None else None
    span = tracer.start_span(name, context=context, start_time=_nanos(start))
    yield span


def _parts(message: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI chat message in the GenAI parts format."""
    parts: list[dict[str, Any]] = []
    if message["role"] == "tool":
        response = json.loads(message["content"])
        parts.append(
            {"type": "tool_call_response", "id": message["tool_call_id"], "response": response}
        )
    else:
        if message.get("content"):
            parts.append({"type": "text", "content": message["content"]})
        for call in message.get("tool_calls") or []:
            parts.append(
                {
                    "type": "tool_call",
                    "id": call["id"],
                    "name": call["function"]["name"],
                    "arguments": json.loads(call["function"]["arguments"]),
                }
            )
    return {"role": message["role"], "parts": parts}


def _record(scenario: Scenario, tracer: Tracer, style: str) -> None:
    """The scenario as spans: invoke_agent > chat, execute_tool, chat."""
    t = scenario.start
    step = timedelta(milliseconds=700)
    with _span(tracer, f"invoke_agent {scenario.agent}", None, t) as agent:
        if style == "openinference":
            agent.set_attribute(
                SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.AGENT.value
            )
            agent.set_attribute(SpanAttributes.AGENT_NAME, scenario.agent)
            agent.set_attribute(SpanAttributes.SESSION_ID, scenario.conversation_id)
            agent.set_attribute(SpanAttributes.INPUT_VALUE, scenario.question)
            agent.set_attribute(
                SpanAttributes.METADATA, json.dumps({"agent_version": scenario.version})
            )
        else:
            agent.set_attribute(genai.GEN_AI_OPERATION_NAME, "invoke_agent")
            agent.set_attribute(genai.GEN_AI_AGENT_NAME, scenario.agent)
            agent.set_attribute(genai.GEN_AI_AGENT_VERSION, scenario.version)
            agent.set_attribute(genai.GEN_AI_CONVERSATION_ID, scenario.conversation_id)
        for n, turn in enumerate(scenario.turns):
            t += step
            with _span(tracer, "chat gpt-4o-mini", agent, t) as chat:
                _chat_attributes(chat, scenario, turn, style, t)
                t += step
                chat.end(end_time=_nanos(t))
            if n == 0:
                t += step
                with _span(tracer, f"execute_tool {scenario.tool.name}", agent, t) as tool:
                    _tool_attributes(tool, scenario.tool, style)
                    t += step
                    tool.end(end_time=_nanos(t))
        if style == "openinference":
            agent.set_attribute(SpanAttributes.OUTPUT_VALUE, scenario.turns[-1].reply["content"])
        agent.end(end_time=_nanos(t + step))


def _chat_attributes(chat: Span, scenario: Scenario, turn: Turn, style: str, at: datetime) -> None:
    if style == "openinference":
        chat.set_attribute(
            SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.LLM.value
        )
        chat.set_attribute(SpanAttributes.LLM_MODEL_NAME, "gpt-4o-mini")
        chat.set_attribute(SpanAttributes.SESSION_ID, scenario.conversation_id)
        for prefix, messages in (
            (SpanAttributes.LLM_INPUT_MESSAGES, turn.inputs),
            (SpanAttributes.LLM_OUTPUT_MESSAGES, [turn.reply]),
        ):
            for i, message in enumerate(messages):
                base = f"{prefix}.{i}."
                chat.set_attribute(base + MessageAttributes.MESSAGE_ROLE, message["role"])
                if message.get("content"):
                    chat.set_attribute(base + MessageAttributes.MESSAGE_CONTENT, message["content"])
                if message.get("tool_call_id"):
                    chat.set_attribute(
                        base + MessageAttributes.MESSAGE_TOOL_CALL_ID, message["tool_call_id"]
                    )
                for j, call in enumerate(message.get("tool_calls") or []):
                    at = f"{base}{MessageAttributes.MESSAGE_TOOL_CALLS}.{j}."
                    chat.set_attribute(at + ToolCallAttributes.TOOL_CALL_ID, call["id"])
                    chat.set_attribute(
                        at + ToolCallAttributes.TOOL_CALL_FUNCTION_NAME, call["function"]["name"]
                    )
                    chat.set_attribute(
                        at + ToolCallAttributes.TOOL_CALL_FUNCTION_ARGUMENTS_JSON,
                        call["function"]["arguments"],
                    )
        return
    chat.set_attribute(genai.GEN_AI_OPERATION_NAME, "chat")
    chat.set_attribute(genai.GEN_AI_PROVIDER_NAME, "openai")
    chat.set_attribute(genai.GEN_AI_REQUEST_MODEL, "gpt-4o-mini")
    chat.set_attribute(genai.GEN_AI_RESPONSE_MODEL, "gpt-4o-mini-2024-07-18")
    chat.set_attribute(genai.GEN_AI_CONVERSATION_ID, scenario.conversation_id)
    if style == "events":
        # the per-message events of semantic conventions up to 1.36
        for message in turn.inputs:
            body: dict[str, Any] = {"content": message.get("content", "")}
            if message.get("tool_calls"):
                body["tool_calls"] = json.dumps(message["tool_calls"])
            if message["role"] == "tool":
                body["id"] = message["tool_call_id"]
            chat.add_event(f"gen_ai.{message['role']}.message", body, timestamp=_nanos(at))
        choice = {"index": 0, "finish_reason": "stop", "message": json.dumps(turn.reply)}
        chat.add_event("gen_ai.choice", choice, timestamp=_nanos(at))
        return
    system, *rest = turn.inputs
    chat.set_attribute(
        genai.GEN_AI_SYSTEM_INSTRUCTIONS,
        json.dumps([{"type": "text", "content": system["content"]}]),
    )
    chat.set_attribute(genai.GEN_AI_INPUT_MESSAGES, json.dumps([_parts(m) for m in rest]))
    reply = _parts(turn.reply) | {
        "finish_reason": "tool_call" if turn.reply.get("tool_calls") else "stop"
    }
    chat.set_attribute(genai.GEN_AI_OUTPUT_MESSAGES, json.dumps([reply]))


def _tool_attributes(tool: Span, run: ToolRun, style: str) -> None:
    if style == "openinference":
        tool.set_attribute(
            SpanAttributes.OPENINFERENCE_SPAN_KIND, OpenInferenceSpanKindValues.TOOL.value
        )
        tool.set_attribute(SpanAttributes.TOOL_NAME, run.name)
        tool.set_attribute(SpanAttributes.INPUT_VALUE, json.dumps(run.arguments))
        tool.set_attribute(SpanAttributes.OUTPUT_VALUE, json.dumps(run.result))
        return
    tool.set_attribute(genai.GEN_AI_OPERATION_NAME, "execute_tool")
    tool.set_attribute(genai.GEN_AI_TOOL_NAME, run.name)
    tool.set_attribute(genai.GEN_AI_TOOL_TYPE, "function")
    tool.set_attribute(genai.GEN_AI_TOOL_CALL_ID, run.call_id)
    tool.set_attribute(genai.GEN_AI_TOOL_CALL_ARGUMENTS, json.dumps(run.arguments))
    tool.set_attribute(genai.GEN_AI_TOOL_CALL_RESULT, json.dumps(run.result))


def spans_of(scenarios: Sequence[Scenario], style: str, seed: int) -> list[ReadableSpan]:
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=Resource({"service.name": "support-agent", "service.version": "1.4.0"})
        if style != "openinference"
        else Resource({"service.name": "support-agent"}),
        id_generator=FixedIds(seed),
    )
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("skyway.support", "1.0.0")
    for scenario in scenarios:
        _record(scenario, tracer, style)
    provider.shutdown()
    return list(memory.get_finished_spans())


def otlp_file(spans: Sequence[ReadableSpan]) -> str:
    """What the collector's file exporter (and opentelemetry-exporter-otlp-json-file) writes."""
    stream = io.StringIO()
    FileSpanExporter(stream=stream).export(spans)
    return stream.getvalue()


def otlp_protobuf_json(spans: Sequence[ReadableSpan]) -> str:
    """The SDK's OTLP protobuf request in protobuf's JSON mapping (base64 IDs)."""
    return MessageToJson(encode_spans(spans), indent=2) + "\n"


def console(spans: Sequence[ReadableSpan]) -> str:
    stream = io.StringIO()
    exporter = ConsoleSpanExporter(out=stream)
    exporter.export(spans)
    return stream.getvalue()


def langfuse_trace(scenario: Scenario) -> str:
    """A Langfuse trace with its observations; observations are langfuse's own ObservationV2."""
    trace_id = "7c1f0e4a9b2d4c8e8f3a6b5d4c3e2f1a"
    t = scenario.start
    step = timedelta(milliseconds=700)
    observations = []
    for n, turn in enumerate(scenario.turns):
        t += step
        observations.append(
            ObservationV2(
                id=f"gen-{n + 1}",
                trace_id=trace_id,
                type="GENERATION",
                name="chat",
                start_time=t,
                end_time=t + step,
                project_id="skyway-support",
                model="gpt-4o-mini",
                input=turn.inputs,
                output=turn.reply,
                session_id=scenario.conversation_id,
            )
        )
        t += step
        if n == 0:
            t += step
            observations.append(
                ObservationV2(
                    id="tool-1",
                    trace_id=trace_id,
                    type="TOOL",
                    name=scenario.tool.name,
                    start_time=t,
                    end_time=t + step,
                    project_id="skyway-support",
                    input=scenario.tool.arguments,
                    output=scenario.tool.result,
                    metadata={"tool_call_id": scenario.tool.call_id},
                )
            )
            t += step
    # The trace envelope follows the public API's trace (GET /api/public/traces/{id});
    # langfuse 5 ships no model for it, only for its observations.
    trace = {
        "id": trace_id,
        "timestamp": scenario.start.isoformat().replace("+00:00", "Z"),
        "name": scenario.agent,
        "release": scenario.version,
        "sessionId": scenario.conversation_id,
        "input": scenario.question,
        "output": scenario.turns[-1].reply["content"],
        "observations": [json.loads(o.json()) for o in observations],
    }
    return json.dumps(trace, indent=2) + "\n"


def langsmith_run_tree(scenario: Scenario) -> str:
    """A LangSmith run tree: langsmith's own Run model with child_runs."""
    trace_id = UUID("0191c1a2-7b3c-7d4e-8f50-6a7b8c9d0e1f")
    t = scenario.start
    step = timedelta(milliseconds=700)
    children = []
    for n, turn in enumerate(scenario.turns):
        t += step
        children.append(
            Run(
                id=UUID(int=trace_id.int + 10 + n),
                name="ChatOpenAI",
                run_type="llm",
                start_time=t,
                end_time=t + step,
                inputs={"messages": turn.inputs},
                outputs={"choices": [{"index": 0, "message": turn.reply}]},
                parent_run_id=trace_id,
                trace_id=trace_id,
                extra={"metadata": {"ls_model_name": "gpt-4o-mini"}},
            )
        )
        t += step
        if n == 0:
            t += step
            children.append(
                Run(
                    id=UUID(int=trace_id.int + 20),
                    name=scenario.tool.name,
                    run_type="tool",
                    start_time=t,
                    end_time=t + step,
                    inputs={"input": json.dumps(scenario.tool.arguments)},
                    outputs={"output": json.dumps(scenario.tool.result)},
                    parent_run_id=trace_id,
                    trace_id=trace_id,
                )
            )
            t += step
    root = Run(
        id=trace_id,
        name=scenario.agent,
        run_type="chain",
        start_time=scenario.start,
        end_time=t + step,
        inputs={"question": scenario.question},
        outputs={"output": scenario.turns[-1].reply["content"]},
        trace_id=trace_id,
        extra={
            "metadata": {"thread_id": scenario.conversation_id, "revision_id": scenario.version}
        },
        child_runs=children,
    )
    return root.model_dump_json(indent=2) + "\n"


def chat_jsonl(scenario: Scenario) -> str:
    last = scenario.turns[-1]
    return "".join(json.dumps(m) + "\n" for m in [*last.inputs, last.reply])


def build() -> dict[str, str]:
    """Every fixture file's name and content."""
    for scenario in (REFUND, ORDER):
        scenario.play()
    genai_spans = spans_of([REFUND], "genai", 1)
    files = {
        "support-refund.otlp.jsonl": otlp_file(genai_spans),
        "support-refund.otlp-protobuf.json": otlp_protobuf_json(genai_spans),
        "support-refund.console.json": console(genai_spans),
        "support-refund.events.otlp.jsonl": otlp_file(spans_of([REFUND], "events", 2)),
        "support-refund.openinference.otlp.jsonl": otlp_file(
            spans_of([REFUND], "openinference", 3)
        ),
        "support-refund.langfuse.json": langfuse_trace(REFUND),
        "support-refund.langsmith.json": langsmith_run_tree(REFUND),
        "support-refund.chat.jsonl": chat_jsonl(REFUND),
        "support-order.otlp.jsonl": otlp_file(spans_of([ORDER], "genai", 4)),
        "two-conversations.otlp.jsonl": otlp_file(spans_of([REFUND, ORDER], "genai", 5)),
    }
    versions = "\n".join(f"- {name} {version(name)}" for name in LIBRARIES)
    files["README.md"] = (
        "# Trace fixtures\n\n"
        "Generated by `tests/traces/make_fixtures.py` (do not edit by hand; rerun it).\n"
        "Each records a conversation with `examples/support_agent.py` at a version with a\n"
        "bug (support-agent 1.4.0 for INC-2026-0005, 1.6.0 for INC-2026-0010).\n\n"
        f"Libraries:\n\n{versions}\n"
    )
    return files


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in build().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(OUT / name)


if __name__ == "__main__":
    main()
