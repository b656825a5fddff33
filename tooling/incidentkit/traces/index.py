"""The first pass over a trace file: which traces, conversations and LLM calls it holds.

`Index` remembers little per step, so a file of any size can be surveyed;
`Index.choose` resolves the user's `Selection` (`--trace-id`, `--span-id`,
`--conversation-id`) to the trace IDs the second pass keeps, or raises a
`TraceError` that lists what the file does hold.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from incidentkit.traces.model import Step, TraceError

LISTED = 20  # IDs shown in an error message before "and N more"
_NAMES_KEPT = 200  # distinct span names remembered for the "no LLM call" message
CAPTURE_HINT = (
    "instrumentations record message content only when asked: set "
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true (or your SDK's equivalent) "
    "and capture the trace again"
)


@dataclass(frozen=True)
class Selection:
    """What the user asked for inside a file that may hold many traces."""

    trace_id: str | None = None
    span_id: str | None = None
    conversation_id: str | None = None


def normal_id(value: str | None) -> str | None:
    """IDs compare case-insensitively, without a 0x prefix or surrounding spaces."""
    if value is None:
        return None
    text = value.strip().lower()
    return text[2:] if text.startswith("0x") else text


def replyable(step: Step) -> bool:
    """A step that holds a model's reply: an LLM call, or an agent span with recorded output."""
    return (step.kind == "llm" and bool(step.input_messages or step.output_messages)) or (
        step.kind == "agent" and bool(step.output_messages)
    )


@dataclass(slots=True)
class _TraceInfo:
    first: datetime | None = None
    llm_calls: int = 0
    root: str = ""
    conversation: str | None = None


class Index:
    """What the first pass remembers.

    With a selection (`--trace-id`, `--span-id`, `--conversation-id`) memory
    is bounded: the matching trace IDs and, for error messages, the first
    `LISTED` traces, conversations and LLM calls. Without one it also keeps,
    per trace with an LLM call or a conversation, that trace's conversation:
    enough to tell whether the file holds one conversation or several.
    """

    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.wanted_trace = normal_id(selection.trace_id)
        self.wanted_span_id = normal_id(selection.span_id)
        self.wanted_conversation = normal_id(selection.conversation_id)
        self.survey = not (self.wanted_trace or self.wanted_span_id or self.wanted_conversation)
        self.steps = 0
        self.roots = 0  # root steps: the number of traces, for "and N more"
        self.names: Counter[str] = Counter()
        self.llm_spans = 0
        self.llm_span_ids: list[str] = []
        self.listed: dict[str, _TraceInfo] = {}  # the first LISTED traces, for messages
        self.conversations_listed: list[str] = []
        self.more_conversations = False
        self.wanted_span: Step | None = None
        self.trace_found: str | None = None
        self.conversation_traces: set[str] = set()
        self.llm_traces: dict[str, None] = {}  # survey: traces with an LLM call, in order
        self.trace_conversation: dict[str, str] = {}  # survey: trace -> its conversation

    def add(self, step: Step) -> None:
        self.steps += 1
        if step.name in self.names or len(self.names) < _NAMES_KEPT:
            self.names[step.name] += 1
        if step.parent_id is None:
            self.roots += 1
        conversation = normal_id(step.conversation_id)
        llm = replyable(step)
        if llm:
            self.llm_spans += 1
            if len(self.llm_span_ids) < LISTED and step.span_id:
                self.llm_span_ids.append(f"{step.span_id} ({step.name})")
        self._notelisted(step, llm)
        if conversation:
            self._note_conversation(step.conversation_id or "", conversation)
        if self.wanted_span_id is not None and normal_id(step.span_id) == self.wanted_span_id:
            self.wanted_span = step
        if self.wanted_trace is not None and normal_id(step.trace_id) == self.wanted_trace:
            self.trace_found = step.trace_id
        if conversation and conversation == self.wanted_conversation:
            self.conversation_traces.add(step.trace_id)
        if self.survey:
            if llm:
                self.llm_traces[step.trace_id] = None
            if conversation:
                self.trace_conversation.setdefault(step.trace_id, conversation)

    def _notelisted(self, step: Step, llm: bool) -> None:
        info = self.listed.get(step.trace_id)
        if info is None:
            if len(self.listed) >= LISTED:
                return
            info = self.listed[step.trace_id] = _TraceInfo()
        when = step.start or step.end
        if when is not None and (info.first is None or when < info.first):
            info.first = when
        if step.parent_id is None and not info.root:
            info.root = step.name
        info.conversation = info.conversation or step.conversation_id
        info.llm_calls += llm

    def _note_conversation(self, shown: str, key: str) -> None:
        if len(self.conversations_listed) >= LISTED:
            self.more_conversations = (
                self.more_conversations or shown not in self.conversations_listed
            )
            return
        if shown not in self.conversations_listed:
            self.conversations_listed.append(shown)

    def choose(self, source: str) -> set[str]:
        """The trace IDs the selection names; `TraceError` listing what there is when it names nothing."""
        selection = self.selection
        if self.llm_spans == 0:
            raise TraceError(self._no_llm(source))
        if self.survey:
            return self._only_unit(source)
        chosen: set[str] | None = None
        if self.wanted_span_id is not None:
            if self.wanted_span is None:
                raise TraceError(
                    f"--span-id {selection.span_id}: no such span in {source}; its LLM calls are: "
                    + listed(self.llm_span_ids, self.llm_spans)
                )
            chosen = {self.wanted_span.trace_id}
        if self.wanted_trace is not None:
            if self.trace_found is None:
                raise TraceError(
                    f"--trace-id {selection.trace_id}: not in {source}; it holds: {self._traces()}"
                )
            if chosen is not None and self.trace_found not in chosen:
                raise TraceError(
                    f"--span-id {selection.span_id} is in trace {next(iter(chosen))}, "
                    f"not in trace {selection.trace_id}"
                )
            chosen = {self.trace_found}
        if self.wanted_conversation is not None:
            if not self.conversation_traces:
                known = self.conversations_listed
                more = " and more" if self.more_conversations else ""
                raise TraceError(
                    f"--conversation-id {selection.conversation_id}: not in {source}; "
                    + (
                        f"its conversations are: {', '.join(known)}{more}"
                        if known
                        else "it records no conversation IDs (gen_ai.conversation.id, session.id, "
                        "sessionId, thread_id); choose with --trace-id instead"
                    )
                )
            found = self.conversation_traces
            chosen = set(found) if chosen is None else chosen & found
            if not chosen:
                raise TraceError(
                    f"the span or trace chosen is not part of conversation {selection.conversation_id}"
                )
        assert chosen is not None
        return chosen

    def _only_unit(self, source: str) -> set[str]:
        """No choice made: fine when the LLM calls belong to one trace or one conversation."""
        units = {
            f"c:{self.trace_conversation[t]}" if t in self.trace_conversation else f"t:{t}"
            for t in self.llm_traces
        }
        if len(units) == 1:
            (unit,) = units
            if unit.startswith("t:"):
                return {unit[2:]}
            return {t for t, c in self.trace_conversation.items() if c == unit[2:]}
        hint = "--trace-id or --conversation-id" if self.conversations_listed else "--trace-id"
        return _raise(
            f"{source} holds {len(self.llm_traces)} traces with LLM calls; choose one with {hint} "
            f"(or an LLM call with --span-id): {self._traces()}"
        )

    def _traces(self) -> str:
        ids = sorted(
            self.listed,
            key=lambda t: (self.listed[t].first is None, self.listed[t].first or datetime.min, t),
        )
        shown = []
        for trace_id in ids:
            info = self.listed[trace_id]
            when = info.first.isoformat() if info.first else "no time"
            extra = f", conversation {info.conversation}" if info.conversation else ""
            root = f" {info.root!r}" if info.root else ""
            shown.append(
                f"{trace_id or '(no ID)'} ({when}{root}, {info.llm_calls} LLM call(s){extra})"
            )
        total = max(self.roots, len(self.listed))
        more = f" and {total - len(ids)} more" if total > len(ids) else ""
        return "; ".join(shown) + more

    def _no_llm(self, source: str) -> str:
        if not self.steps:
            return f"{source}: no spans, runs or messages found in it"
        names = ", ".join(f"{name!r} x{count}" for name, count in self.names.most_common(30))
        return (
            f"{source}: no LLM call with recorded messages in {self.steps} span(s); span names "
            f"found: {names}. An LLM call is a span with gen_ai.operation.name chat (or "
            "gen_ai.input.messages / gen_ai.output.messages), an OpenInference LLM span, a "
            f"Langfuse GENERATION or a LangSmith llm run; {CAPTURE_HINT}"
        )


def _raise(message: str) -> set[str]:
    raise TraceError(message)


def listed(items: list[str], total: int) -> str:
    more = f" and {total - len(items)} more" if total > len(items) else ""
    return ", ".join(items) + more if items else "none"
