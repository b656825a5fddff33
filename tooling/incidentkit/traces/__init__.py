"""Production traces read into one neutral conversation, for `new eval|incident --from-trace`.

`read_trace(path)` detects the format from the file's content (or takes the
one named), streams it twice with bounded memory, picks the failing LLM call
(`Selection`: a trace, a span or a conversation inside a file holding many)
and returns a `Conversation`: the messages up to the failing reply, the tool
results the agent saw, the reply itself (`observed`), its provenance, the
agent and its version, and when it happened.

Layering: this package reads files and returns data; it never writes a
record, redacts, prints or exits. Formats live one per module (`otlp`,
`console`, `langfuse`, `langsmith`, `chat`), the attribute conventions in
`genai` and `openinference`, the shared message shapes in `messages`.
"""

from __future__ import annotations

from pathlib import Path

from incidentkit.traces.assemble import read
from incidentkit.traces.formats import BY_NAME, FORMATS, NAMES, by_name, detect
from incidentkit.traces.index import Selection
from incidentkit.traces.model import (
    Conversation,
    Message,
    Observed,
    Provenance,
    ToolCall,
    ToolResult,
    TraceError,
)

__all__ = [
    "BY_NAME",
    "FORMATS",
    "NAMES",
    "Conversation",
    "Message",
    "Observed",
    "Provenance",
    "Selection",
    "ToolCall",
    "ToolResult",
    "TraceError",
    "read_trace",
]


def read_trace(
    path: Path,
    format_name: str | None = None,
    selection: Selection | None = None,
    *,
    shown_as: str | None = None,
) -> Conversation:
    """The failing conversation in the trace file at `path`.

    `shown_as` is how the file is named in messages and in the provenance
    (default: the path as given). Raises `TraceError` for a file it cannot
    read, an unknown format, no LLM call, or a selection naming nothing.
    """
    if not path.exists():
        raise TraceError(f"{path}: no such file")
    if not path.is_file():
        # a FIFO or a device could be read only once, and the file is read twice
        raise TraceError(f"{path}: not a regular file; save the trace to a file first")
    chosen = by_name(format_name) if format_name else detect(path)
    source = shown_as or str(path)
    provenance = Provenance(format=chosen.name, file=source)
    try:
        return read(
            path,
            chosen.steps,
            selection or Selection(),
            provenance,
            trace_ids=chosen.has_trace_ids,
        )
    except RecursionError:
        raise TraceError(f"{source}: values nested too deeply to read") from None
