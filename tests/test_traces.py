"""Reading production traces: every format to the same conversation, and clear errors.

The fixtures are written by the tracing libraries themselves
(tests/traces/make_fixtures.py); spans made inside a test use
opentelemetry-sdk and its OTLP JSON file exporter.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import io
import json
import os
import random
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from conftest import RunCli
from incidentkit.traces import Selection, TraceError, read_trace

FIXTURES = Path(__file__).parent / "traces" / "fixtures"
REFUND_FILES = {
    "support-refund.otlp.jsonl": "otlp-json",
    "support-refund.otlp-protobuf.json": "otlp-json",
    "support-refund.console.json": "otel-console",
    "support-refund.events.otlp.jsonl": "otlp-json",
    "support-refund.openinference.otlp.jsonl": "otlp-json",
    "support-refund.langfuse.json": "langfuse",
    "support-refund.langsmith.json": "langsmith",
    "support-refund.chat.jsonl": "chat",
}
QUESTION = "I booked a flight to Lisbon 45 days ago and my plans have changed. Can I get a refund?"


@pytest.mark.parametrize(("name", "fmt"), sorted(REFUND_FILES.items()))
def test_every_format_gives_the_same_conversation(name: str, fmt: str) -> None:
    conversation = read_trace(FIXTURES / name)
    assert conversation.provenance.format == fmt
    roles = [m.role for m in conversation.messages]
    assert roles == ["system", "user", "assistant", "user", "assistant", "tool"]
    assert conversation.messages[3].content == QUESTION
    assert conversation.messages[0].content.startswith("You are Skyway's support agent.")
    (call,) = conversation.messages[4].tool_calls
    assert (call.name, call.arguments) == (
        "lookup_booking",
        {"email": "dana.whitfield@mailbox.org"},
    )
    assert conversation.messages[5].tool_call_id == "call_lookup_1"
    assert conversation.observed.output.startswith("Good news! We offer a retroactive refund")
    assert [(t.name, t.result["booked_days_ago"]) for t in conversation.tool_results] == [
        ("lookup_booking", 45)
    ]
    if fmt != "chat":
        assert conversation.agent == "support-agent"
        assert conversation.agent_version == "1.4.0"
        assert conversation.provenance.conversation_id == "conv-7f3a9c"
        assert conversation.started_at is not None
        assert conversation.started_at.isoformat() == "2026-05-12T07:30:03.500000+00:00"


def test_ids_are_hex_whether_the_file_wrote_hex_or_base64() -> None:
    hex_ids = read_trace(FIXTURES / "support-refund.otlp.jsonl").provenance
    base64_ids = read_trace(FIXTURES / "support-refund.otlp-protobuf.json").provenance
    console_ids = read_trace(FIXTURES / "support-refund.console.json").provenance
    assert hex_ids.trace_id == base64_ids.trace_id == console_ids.trace_id
    assert hex_ids.span_id == base64_ids.span_id == console_ids.span_id == "00f067aa0ba903b3"


def test_the_fixtures_are_what_the_libraries_write_today() -> None:
    """Regenerated with the libraries installed, the fixtures come out byte for byte the same.

    A newer library may write differently: then the fixtures are for the versions
    their README names, and the test says to regenerate them instead of failing.
    """
    recorded = dict(
        line[2:].split(" ", 1)
        for line in (FIXTURES / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("- ")
    )
    moved = {n: (v, version(n)) for n, v in recorded.items() if version(n) != v}
    if moved:
        pytest.skip(f"fixtures made with other versions {moved}: run tests/traces/make_fixtures.py")
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", Path(__file__).parent / "traces" / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        built = module.build()
    finally:
        del sys.modules["make_fixtures"]
    for name, text in built.items():
        committed = (FIXTURES / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is stale: run python tests/traces/make_fixtures.py"


def test_several_conversations_need_a_choice_and_list_what_there_is() -> None:
    both = FIXTURES / "two-conversations.otlp.jsonl"
    with pytest.raises(TraceError) as error:
        read_trace(both)
    message = str(error.value)
    assert "holds 2 traces with LLM calls" in message
    assert "conv-7f3a9c" in message and "conv-b81e02" in message
    order = read_trace(both, selection=Selection(conversation_id="conv-b81e02"))
    assert order.observed.output.startswith("I couldn't find any order")
    assert order.tool_results[0].result == {"error": "timeout", "after_ms": 10000}
    by_trace = read_trace(both, selection=Selection(trace_id=order.provenance.trace_id.upper()))
    assert by_trace.provenance == order.provenance


def test_a_chosen_id_that_is_not_there_lists_those_that_are() -> None:
    both = FIXTURES / "two-conversations.otlp.jsonl"
    with pytest.raises(
        TraceError, match=r"--trace-id 00ff: not in .*4bf92f3577b34da6a3ce929d0e0e4730"
    ):
        read_trace(both, selection=Selection(trace_id="00ff"))
    with pytest.raises(TraceError, match=r"--conversation-id nope: .*conv-7f3a9c, conv-b81e02"):
        read_trace(both, selection=Selection(conversation_id="nope"))
    with pytest.raises(TraceError, match=r"--span-id 1234: no such span .*\(chat gpt-4o-mini\)"):
        read_trace(both, selection=Selection(span_id="1234"))


def test_a_span_id_picks_that_llm_call_and_an_agent_span_its_last_call() -> None:
    path = FIXTURES / "support-refund.otlp.jsonl"
    first_call = read_trace(path, selection=Selection(span_id="0x00F067AA0BA903B5"))
    assert first_call.observed.tool_calls[0].name == "lookup_booking"
    assert first_call.observed.output == ""
    agent = read_trace(path, selection=Selection(span_id="00f067aa0ba903b6"))
    assert agent.observed.output.startswith("Good news!")
    with pytest.raises(TraceError, match=r"is a tool span .*LLM calls in its trace are"):
        read_trace(path, selection=Selection(span_id="00f067aa0ba903b4"))


def _otlp_file(tmp_path: Path, build: Callable[[Any], None], name: str = "t.jsonl") -> Path:
    """Spans made with opentelemetry-sdk, written by its OTLP JSON file exporter."""
    from opentelemetry.exporter.otlp.json.file import FileSpanExporter
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    stream = io.StringIO()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter(stream=stream)))
    build(provider.get_tracer("test"))
    provider.shutdown()
    path = tmp_path / name
    path.write_text(stream.getvalue(), encoding="utf-8")
    return path


def test_no_llm_call_lists_the_span_names_found(tmp_path: Path) -> None:
    def build(tracer: Any) -> None:
        with tracer.start_as_current_span("GET /orders"), tracer.start_as_current_span("db.query"):
            pass

    path = _otlp_file(tmp_path, build)
    with pytest.raises(TraceError) as error:
        read_trace(path)
    assert "no LLM call" in str(error.value)
    assert "span names found:" in str(error.value)
    assert "'GET /orders' x1" in str(error.value) and "'db.query' x1" in str(error.value)
    assert "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT" in str(error.value)


def test_an_llm_call_without_captured_content_says_how_to_capture_it(tmp_path: Path) -> None:
    def build(tracer: Any) -> None:
        with tracer.start_as_current_span("chat gpt-4o") as span:
            span.set_attribute("gen_ai.operation.name", "chat")

    with pytest.raises(TraceError, match=r"no LLM call with recorded messages.*'chat gpt-4o'"):
        read_trace(_otlp_file(tmp_path, build))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"hello": "world"}\n', "not a trace format incidentkit recognises"),
        ("just some text\n", "does not start with JSON incidentkit recognises"),
        ("", "the file is empty"),
        ('{"resourceSpans": [\n', "not valid JSON"),
        ('{"role": "user", "content": "hi"}\n{"role": broken}\n', "t.json:2: not valid JSON"),
    ],
)
def test_bad_files_get_a_clear_error_naming_the_known_formats(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TraceError, match=expected) as error:
        read_trace(path)
    if "recognises" in expected:
        for name in ("otlp-json", "otel-console", "langfuse", "langsmith", "chat"):
            assert name in str(error.value)


def test_binary_and_missing_files(tmp_path: Path) -> None:
    binary = tmp_path / "t.bin"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 10)
    with pytest.raises(TraceError, match="not UTF-8"):
        read_trace(binary)
    with pytest.raises(TraceError, match="no such file"):
        read_trace(tmp_path / "missing.json")
    with pytest.raises(TraceError, match="not a regular file"):
        read_trace(tmp_path)
    fifo = tmp_path / "trace.fifo"
    os.mkfifo(fifo)
    with pytest.raises(TraceError, match="not a regular file"):
        read_trace(fifo)  # never opened: it would block


def test_gzip_files_are_read(tmp_path: Path) -> None:
    packed = tmp_path / "trace.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "support-refund.otlp.jsonl").read_bytes()))
    assert read_trace(packed).observed.output.startswith("Good news!")


def test_forcing_a_format_that_does_not_fit_says_what_it_found() -> None:
    with pytest.raises(TraceError, match="no spans, runs or messages"):
        read_trace(FIXTURES / "support-refund.otlp.jsonl", "langsmith")
    with pytest.raises(TraceError, match="--trace-format 'jaeger' is not one"):
        read_trace(FIXTURES / "support-refund.otlp.jsonl", "jaeger")


def test_chat_transcripts_in_every_accepted_shape(tmp_path: Path) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Cancel my booking"}]},
        {"role": "assistant", "content": "Done, refund issued.", "tool_calls": None},
    ]
    shapes = {
        "array.json": json.dumps(messages),
        "request.json": json.dumps(
            {
                "id": "chatcmpl-1",
                "messages": messages[:2],
                "choices": [{"message": {"role": "assistant", "content": "Done, refund issued."}}],
            }
        ),
        "lines.jsonl": "".join(json.dumps(m) + "\n" for m in messages),
    }
    for name, text in shapes.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        conversation = read_trace(path)
        assert conversation.provenance.format == "chat"
        assert [m.content for m in conversation.messages] == ["Be brief.", "Cancel my booking"]
        assert conversation.observed.output == "Done, refund issued."


def test_chat_jsonl_of_conversations_is_chosen_by_id(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = [
        {
            "conversation_id": f"c{n}",
            "messages": [
                {"role": "user", "content": f"question {n}"},
                {"role": "assistant", "content": f"answer {n}"},
            ],
        }
        for n in range(3)
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(TraceError, match="choose one with --trace-id or --conversation-id"):
        read_trace(path)
    chosen = read_trace(path, selection=Selection(conversation_id="c1"))
    assert chosen.observed.output == "answer 1"
    assert chosen.provenance.conversation_id == "c1" and chosen.provenance.trace_id is None


def test_openllmetry_flattened_prompts_and_legacy_content_events(tmp_path: Path) -> None:
    def build(tracer: Any) -> None:
        with tracer.start_as_current_span("openai.chat") as span:
            span.set_attribute("gen_ai.prompt.0.role", "user")
            span.set_attribute("gen_ai.prompt.0.content", "Where is my order?")
            span.set_attribute("gen_ai.completion.0.role", "assistant")
            span.set_attribute("gen_ai.completion.0.content", "It does not exist.")
        with tracer.start_as_current_span("chat legacy") as span:
            span.add_event(
                "gen_ai.content.prompt",
                {"gen_ai.prompt": json.dumps([{"role": "user", "content": "Refund?"}])},
            )
            span.add_event(
                "gen_ai.content.completion",
                {"gen_ai.completion": json.dumps([{"role": "assistant", "content": "Yes!"}])},
            )

    path = _otlp_file(tmp_path, build)
    first, second = (
        json.loads(line)["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        for line in path.read_text().splitlines()
    )
    flattened = read_trace(path, selection=Selection(span_id=first["spanId"]))
    assert flattened.messages[0].content == "Where is my order?"
    assert flattened.observed.output == "It does not exist."
    legacy = read_trace(path, selection=Selection(span_id=second["spanId"]))
    assert (legacy.messages[0].content, legacy.observed.output) == ("Refund?", "Yes!")


def test_the_cli_lists_the_known_formats_for_an_unknown_file(
    tmp_path: Path, run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo()
    trace = tmp_path / "unknown.json"
    trace.write_text('{"spans": []}', encoding="utf-8")
    result = run_cli(
        "-C", root, "new", "eval", "--incident", "INC-2026-0001", "--from-trace", trace, expect=2
    )
    assert "known formats: otlp-json" in result.stderr
    assert not list((root / "evals" / "regression").glob("inc-*.yaml"))
    assert "Traceback" not in result.output


WEIRD: list[Any] = [None, 0, -1, 1.5, True, "", "x", [], {}, [1], {"a": 1}, "{", "[1,2]", 10**30]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, item in items:
        found += _paths(item, (*prefix, key))
    return found


def _mutate(value: Any, rng: random.Random) -> Any:
    """`value` with one node replaced by a value of the wrong type; JSON strings mutated inside."""
    path = rng.choice(_paths(value))
    if not path:
        return rng.choice(WEIRD)
    node = value
    for key in path[:-1]:
        node = node[key]
    old = node[path[-1]]
    if isinstance(old, str) and old[:1] in "[{" and rng.random() < 0.5:
        try:
            node[path[-1]] = json.dumps(_mutate(json.loads(old), rng))
            return value
        except ValueError:
            pass
    node[path[-1]] = json.loads(json.dumps(rng.choice(WEIRD)))
    return value


@pytest.mark.parametrize("name", sorted(set(REFUND_FILES) - {"support-refund.console.json"}))
def test_malformed_traces_give_a_trace_error_never_a_crash(tmp_path: Path, name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    lines = text.splitlines() if name.endswith(".jsonl") else [text]
    rng = random.Random(name)
    for trial in range(25):
        docs = [json.loads(line) for line in lines if line.strip()]
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(docs))
            docs[index] = _mutate(docs[index], rng)
        path = tmp_path / f"{trial}-{name}"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        for selection in (Selection(), Selection(span_id="00f067aa0ba903b5")):
            with contextlib.suppress(TraceError):  # anything else fails the test
                read_trace(path, selection=selection)


def test_langfuse_sdk_spans_sent_over_otlp(tmp_path: Path) -> None:
    """The Langfuse SDK traces with OpenTelemetry under its own attribute names."""
    from langfuse._client.attributes import LangfuseOtelSpanAttributes as Lf

    def build(tracer: Any) -> None:
        with tracer.start_as_current_span("support-agent") as root:
            root.set_attribute(Lf.TRACE_NAME, "support-agent")
            root.set_attribute(Lf.RELEASE, "1.4.0")
            root.set_attribute(Lf.TRACE_SESSION_ID, "conv-9")
            root.set_attribute(Lf.OBSERVATION_TYPE, "span")
            with tracer.start_as_current_span("order_lookup") as tool:
                tool.set_attribute(Lf.OBSERVATION_TYPE, "tool")
                tool.set_attribute(Lf.OBSERVATION_INPUT, json.dumps({"order": "QX7-4821"}))
                tool.set_attribute(Lf.OBSERVATION_OUTPUT, json.dumps({"error": "timeout"}))
            with tracer.start_as_current_span("chat") as chat:
                chat.set_attribute(Lf.OBSERVATION_TYPE, "generation")
                chat.set_attribute(Lf.OBSERVATION_MODEL, "gpt-4o-mini")
                chat.set_attribute(
                    Lf.OBSERVATION_INPUT,
                    json.dumps([{"role": "user", "content": "Where is my order QX7-4821?"}]),
                )
                chat.set_attribute(
                    Lf.OBSERVATION_OUTPUT,
                    json.dumps({"role": "assistant", "content": "No such order."}),
                )

    conversation = read_trace(_otlp_file(tmp_path, build))
    assert conversation.messages[-1].content == "Where is my order QX7-4821?"
    assert conversation.observed.output == "No such order."
    assert conversation.observed.model == "gpt-4o-mini"
    assert (conversation.agent, conversation.agent_version) == ("support-agent", "1.4.0")
    assert conversation.provenance.conversation_id == "conv-9"
    assert [(t.name, t.result) for t in conversation.tool_results] == [
        ("order_lookup", {"error": "timeout"})
    ]


def test_a_last_call_that_errored_without_a_reply_is_not_the_failing_reply(tmp_path: Path) -> None:
    from opentelemetry.trace import Status, StatusCode

    def build(tracer: Any) -> None:
        with tracer.start_as_current_span("invoke_agent support-agent") as agent:
            agent.set_attribute("gen_ai.operation.name", "invoke_agent")
            with tracer.start_as_current_span("chat gpt-4o") as chat:
                chat.set_attribute("gen_ai.operation.name", "chat")
                chat.set_attribute(
                    "gen_ai.input.messages",
                    json.dumps(
                        [{"role": "user", "parts": [{"type": "text", "content": "Refund?"}]}]
                    ),
                )
                chat.set_attribute(
                    "gen_ai.output.messages",
                    json.dumps(
                        [
                            {
                                "role": "assistant",
                                "parts": [{"type": "text", "content": "Yes, all of it."}],
                            }
                        ]
                    ),
                )
            with tracer.start_as_current_span("chat gpt-4o") as retry:
                retry.set_attribute("gen_ai.operation.name", "chat")
                retry.set_attribute(
                    "gen_ai.input.messages",
                    json.dumps(
                        [{"role": "user", "parts": [{"type": "text", "content": "Refund?"}]}]
                    ),
                )
                retry.set_status(Status(StatusCode.ERROR, "rate limited"))

    conversation = read_trace(_otlp_file(tmp_path, build))
    assert conversation.observed.output == "Yes, all of it."


def test_a_first_value_too_big_for_the_head_is_recognised_by_its_keys(tmp_path: Path) -> None:
    long_text = "word " * 20_000  # past the 64 KB head
    request = {
        "messages": [{"role": "user", "content": long_text}, {"role": "assistant", "content": "ok"}]
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(request, indent=1), encoding="utf-8")
    assert read_trace(path).provenance.format == "chat"
    spans = (FIXTURES / "support-refund.otlp-protobuf.json").read_text(encoding="utf-8")
    padded = tmp_path / "padded.json"
    padded.write_text(spans.replace('"resourceSpans": [', '"resourceSpans": [' + " " * 70_000, 1))
    assert read_trace(padded).provenance.format == "otlp-json"
