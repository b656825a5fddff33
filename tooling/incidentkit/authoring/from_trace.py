"""`new eval|incident --from-trace`: records prefilled from a production trace.

The trace is read by `incidentkit.traces` into a `Conversation`, turned into
the plain data a record holds (`case_data`), and redacted
(`traces.privacy`) before any of it reaches a file, unless the caller asks
otherwise. The eval case is written from the same template as any other
(`expected` keeps the template's placeholder, which lint reports until a
real check is written); `suggest_check` proposes one that fails on the
observed reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC
from pathlib import Path
from typing import Any

from incidentkit.authoring.eval_case import create_eval, dump_yaml
from incidentkit.authoring.incident import IncidentDraft
from incidentkit.authoring.render import Created
from incidentkit.config import Config
from incidentkit.detectors import Options
from incidentkit.evals.agent import AgentReply
from incidentkit.evals.checks import Outcome, evaluate
from incidentkit.traces import Conversation, Selection, ToolResult, read_trace
from incidentkit.traces.privacy import RedactionReport, redact_data

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_OPENERS = re.compile(
    r"(?i)^(good news|great|hi|hello|hey|thanks|thank you|sure|of course|certainly)\b"
)


@dataclass(frozen=True)
class TraceRequest:
    """Which trace, and how: the file, its format (None: detect), the selection, redaction."""

    path: Path
    format_name: str | None = None
    selection: Selection = field(default_factory=Selection)
    redact: bool = True


@dataclass(frozen=True)
class FromTrace:
    """A trace's conversation as record data, redacted unless asked not to be."""

    conversation: Conversation
    data: dict[str, Any]  # input, observed, source, agent, agent_version, started_at
    report: RedactionReport
    redacted: bool


@dataclass(frozen=True)
class TraceCase:
    created: Created
    trace: FromTrace
    suggestion: dict[str, Any] | None


def load(config: Config, request: TraceRequest) -> FromTrace:
    """Read the trace and prepare (and redact) what a record takes from it."""
    conversation = read_trace(
        request.path, request.format_name, request.selection, shown_as=_shown(config, request.path)
    )
    data = _writable(case_data(conversation))
    report = RedactionReport()
    if request.redact:
        data = redact_data(data, report, Options.from_config(config))
    return FromTrace(conversation, data, report, request.redact)


def create_eval_from_trace(
    config: Config,
    request: TraceRequest,
    incident_id: str,
    tier: str,
    case_id: str | None = None,
) -> TraceCase:
    """Write `evals/<tier>/<case-id>.yaml` whose input, `observed` and `source` come from the trace."""
    trace = load(config, request)
    data = trace.data
    trailer = (
        "# The failing reply as production saw it; the checks below must fail on it.\n"
        + dump_yaml({"observed": data["observed"]})
        + "# Where the input came from.\n"
        + dump_yaml({"source": data["source"]})
    )
    created = create_eval(
        config,
        incident_id,
        tier,
        case_id,
        input_data=data["input"],
        trailer=trailer,
        agent=data.get("agent"),
    )
    return TraceCase(created, trace, suggest_check(data["observed"]))


def incident_draft(draft: IncidentDraft, trace: FromTrace) -> IncidentDraft:
    """`draft` with agent, agent_version, started_at and the reproduction from the trace (flags win)."""
    data = trace.data
    return replace(
        draft,
        agent=draft.agent or data.get("agent"),
        agent_version=draft.agent_version or data.get("agent_version"),
        started_at=draft.started_at or data.get("started_at"),
        reproduction=draft.reproduction or render_reproduction(data["input"]),
    )


def case_data(conversation: Conversation) -> dict[str, Any]:
    """What a record takes from the conversation, as plain YAML-ready data."""
    messages = [_message(m) for m in conversation.messages]
    case_input: dict[str, Any] = {"messages": messages}
    responses = tool_responses(conversation.tool_results)
    if responses:
        case_input["context"] = {"tool_responses": responses}
    observed = conversation.observed
    observed_data: dict[str, Any] = {"output": observed.output}
    if observed.tool_calls:
        observed_data["tool_calls"] = [c.name for c in observed.tool_calls]
    for key in ("latency_ms", "cost_usd", "model"):
        value = getattr(observed, key)
        if value is not None:
            observed_data[key] = value
    started = conversation.started_at
    return {
        "input": case_input,
        "observed": observed_data,
        "source": conversation.provenance.as_dict(),
        "agent": conversation.agent,
        "agent_version": conversation.agent_version,
        "started_at": started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if started else None,
    }


def tool_responses(results: tuple[ToolResult, ...]) -> dict[str, Any]:
    """`{tool name: result}` as the agent adapter replays them; a tool called with
    different results in turn gets the list of its results, in order."""
    by_name: dict[str, list[Any]] = {}
    for result in results:
        answers = by_name.setdefault(result.name, [])
        if result.result not in answers:
            answers.append(result.result)
    return {name: answers[0] if len(answers) == 1 else answers for name, answers in by_name.items()}


def suggest_check(observed: dict[str, Any]) -> dict[str, Any] | None:
    """A check that fails on the observed reply: a distinctive clause it must not repeat,
    else a tool it must not call. None when the reply gives nothing to go on."""
    output = str(observed.get("output") or "")
    candidates: list[dict[str, Any]] = []
    phrase = _distinctive_clause(output)
    if phrase:
        candidates.append({"not-contains": phrase})
    for name in observed.get("tool_calls") or []:
        candidates.append({"tool-not-called": name})
    reply = AgentReply(output=output, tool_calls=tuple(observed.get("tool_calls") or ()))
    for check in candidates:
        if evaluate([check], reply).outcome is Outcome.FAILED:
            return check
    return None


def _distinctive_clause(text: str) -> str | None:
    sentences = [s.strip() for s in _SENTENCE.split(text.strip()) if s.strip()]
    kept = [s for s in sentences if len(s.split()) >= 4 and not _OPENERS.match(s)] or sentences
    if not kept:
        return None
    sentence = max(kept, key=lambda s: len(s.split()))
    clause = (
        sentence.split(",")[0].strip() if len(sentence.split(",")[0].split()) >= 4 else sentence
    )
    words = clause.rstrip(".!?").split()
    phrase = " ".join(words[:14])
    return phrase if phrase and phrase in text else None


def render_reproduction(case_input: dict[str, Any]) -> str:
    """The minimal-reproduction block's YAML: the case input's messages and context."""
    return dump_yaml(case_input)


def _message(message: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                k: v
                for k, v in (("id", c.id), ("name", c.name), ("arguments", c.arguments))
                if v is not None
            }
            for c in message.tool_calls
        ]
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    if message.name:
        out["name"] = message.name
    return out


def _writable(value: Any) -> Any:
    """JSON-like data whose strings can be written as UTF-8 YAML and read back: a lone
    surrogate (which JSON can spell, `\\ud800`) becomes U+FFFD."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(value, dict):
        return {_writable(k): _writable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_writable(v) for v in value]
    return value


def _shown(config: Config, path: Path) -> str:
    """The trace file as the `source` names it: relative to the repository, else its name
    (an absolute path outside it would publish a home folder)."""
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        return path.name
