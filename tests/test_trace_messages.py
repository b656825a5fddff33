"""The message shapes SDKs record, read into one `Message` model (traces/messages.py).

These are the shapes as the SDKs document them; the trace files around them
come from the libraries themselves (tests/traces/fixtures).
"""

from __future__ import annotations

import json
from pathlib import Path

from incidentkit.traces import read_trace
from incidentkit.traces.messages import messages_from, reply_messages
from incidentkit.traces.model import Message, ToolCall


def _lc(cls: str, **kwargs: object) -> dict[str, object]:
    return {
        "lc": 1,
        "type": "constructor",
        "id": ["langchain", "schema", "messages", cls],
        "kwargs": kwargs,
    }


def test_langchain_serialised_messages_in_a_batch() -> None:
    batch = [
        [
            _lc("SystemMessage", content="sys"),
            _lc("HumanMessage", content="hi"),
            _lc(
                "AIMessage",
                content="",
                tool_calls=[{"name": "lookup", "args": {"a": 1}, "id": "c1"}],
            ),
            _lc("ToolMessage", content='{"x": 1}', tool_call_id="c1", name="lookup"),
        ]
    ]
    assert messages_from({"messages": batch}) == [
        Message("system", "sys"),
        Message("user", "hi"),
        Message("assistant", "", (ToolCall("lookup", {"a": 1}, "c1"),)),
        Message("tool", '{"x": 1}', tool_call_id="c1", name="lookup"),
    ]


def test_replies_in_langchain_generations_openai_choices_and_plain_text() -> None:
    generations = {"generations": [[{"text": "t", "message": _lc("AIMessage", content="hello")}]]}
    assert reply_messages(generations) == [Message("assistant", "hello")]
    choices = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "hey"}}]}
    assert reply_messages(choices) == [Message("assistant", "hey")]
    assert reply_messages("plain") == [Message("assistant", "plain")]


def test_anthropic_blocks_and_gemini_parts() -> None:
    anthropic = [
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "let me check"},
                {"type": "tool_use", "id": "t1", "name": "lookup", "input": {"q": 1}},
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "done"}],
        },
    ]
    assert messages_from(anthropic) == [
        Message("assistant", "let me check", (ToolCall("lookup", {"q": 1}, "t1"),)),
        Message("tool", "done", tool_call_id="t1"),
    ]
    gemini = [
        {"role": "model", "parts": [{"functionCall": {"name": "f", "args": {"a": 1}}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {"ok": True}}}]},
    ]
    assert messages_from(gemini) == [
        Message("assistant", "", (ToolCall("f", {"a": 1}),)),
        Message("tool", '{"ok": true}', name="f"),
    ]


def test_multimodal_content_keeps_the_text() -> None:
    content = [
        {"type": "text", "text": "what is this?"},
        {"type": "image_url", "image_url": {"url": "x"}},
    ]
    assert messages_from([{"role": "user", "content": content}]) == [
        Message("user", "what is this?")
    ]


def test_phoenix_span_json_with_nested_attributes(tmp_path: Path) -> None:
    """Phoenix writes `span_kind` and nests the OpenInference attributes."""
    spans = [
        {
            "name": "ChatCompletion",
            "context": {"trace_id": "a" * 32, "span_id": "b" * 16},
            "span_kind": "LLM",
            "parent_id": None,
            "start_time": "2026-05-12T07:30:00.700000",
            "end_time": "2026-05-12T07:30:01.400000",
            "status_code": "OK",
            "attributes": {
                "llm": {
                    "model_name": "gpt-4o-mini",
                    "input_messages": [{"message": {"role": "user", "content": "Refund?"}}],
                    "output_messages": [
                        {"message": {"role": "assistant", "content": "Yes, any booking."}}
                    ],
                },
                "session": {"id": "s-1"},
            },
            "events": [],
        }
    ]
    path = tmp_path / "phoenix.json"
    path.write_text(json.dumps(spans), encoding="utf-8")
    conversation = read_trace(path)
    assert conversation.provenance.format == "otel-console"
    assert conversation.messages == (Message("user", "Refund?"),)
    assert conversation.observed.output == "Yes, any booking."
    assert conversation.provenance.conversation_id == "s-1"
    assert conversation.started_at is not None and conversation.started_at.tzinfo is not None


def test_openai_responses_items() -> None:
    items = [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Order?"}]},
        {
            "type": "function_call",
            "name": "order_lookup",
            "arguments": '{"id": 7}',
            "call_id": "c7",
        },
        {"type": "function_call_output", "call_id": "c7", "output": '{"status": "lost"}'},
    ]
    assert messages_from(items) == [
        Message("user", "Order?"),
        Message("assistant", "", (ToolCall("order_lookup", {"id": 7}, "c7"),)),
        Message("tool", '{"status": "lost"}', tool_call_id="c7"),
    ]
