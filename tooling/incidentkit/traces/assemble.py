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

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

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
        self._note_listed(step, llm)
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

    def _note_listed(self, step: Step, llm: bool) -> None:
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
                    + _listed(self.llm_span_ids, self.llm_spans)
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


def _listed(items: list[str], total: int) -> str:
    more = f" and {total - len(items)} more" if total > len(items) else ""
    return ", ".join(items) + more if items else "none"


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
            f"call under it; the LLM calls in its trace are: {_listed(shown[:LISTED], len(shown))}"
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
