"""The trace formats incidentkit reads, and telling them apart from a file's content.

One parser module per format; each has `NAME`, `matches(first_value)` and
`steps(path)`. Detection reads only the file's head: the first JSON value
when it fits, else the keys it can see, so a 100 MB file is not loaded to
learn what it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentkit.traces import chat, console, jsonstream, langfuse, langsmith, otlp
from incidentkit.traces.model import Step, TraceError


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    matches: Callable[[Any], bool]
    steps: Callable[..., Iterator[Step]]  # (path, only=None, light=False)
    has_trace_ids: bool = True


FORMATS: tuple[Format, ...] = (
    Format(
        otlp.NAME,
        "OTLP JSON (OpenTelemetry Collector file exporter, OTLP/HTTP JSON)",
        otlp.matches,
        otlp.steps,
    ),
    Format(
        console.NAME,
        "OpenTelemetry Python SDK ConsoleSpanExporter JSON, Phoenix span JSON",
        console.matches,
        console.steps,
    ),
    Format(langfuse.NAME, "Langfuse trace with observations", langfuse.matches, langfuse.steps),
    Format(langsmith.NAME, "LangSmith run tree", langsmith.matches, langsmith.steps),
    Format(
        chat.NAME,
        "chat transcript, JSON or JSON Lines of {role, content} messages (OpenAI format)",
        chat.matches,
        chat.steps,
        has_trace_ids=False,
    ),
)
BY_NAME = {f.name: f for f in FORMATS}
NAMES = tuple(BY_NAME)

# What each format's head shows when its first value is too big to decode here
_SNIFF: tuple[tuple[str, re.Pattern[str]], ...] = (
    (otlp.NAME, re.compile(r'"resource_?[sS]pans"\s*:')),
    (langsmith.NAME, re.compile(r'"run_type"\s*:')),
    (langfuse.NAME, re.compile(r'"observations"\s*:|"type"\s*:\s*"GENERATION"')),
    (console.NAME, re.compile(r'"context"\s*:\s*\{\s*"trace_id"')),
    (chat.NAME, re.compile(r'^\s*\[?\s*\{\s*"role"\s*:|"messages"\s*:\s*\[\s*\{\s*"role"')),
)


def known() -> str:
    return "; ".join(f"{f.name} ({f.description})" for f in FORMATS)


def by_name(name: str) -> Format:
    found = BY_NAME.get(name.strip().lower())
    if found is None:
        raise TraceError(f"--trace-format {name!r} is not one incidentkit reads; known: {known()}")
    return found


def detect(path: Path) -> Format:
    """The format of the trace at `path`, from its content."""
    text = jsonstream.head(path).lstrip()
    if not text:
        raise TraceError(f"{path}: the file is empty; expected a trace ({known()})")
    try:
        first, _ = json.JSONDecoder().raw_decode(text)
    except ValueError:
        first = None
    if first is not None:
        for candidate in FORMATS:
            if candidate.matches(first):
                return candidate
        raise TraceError(
            f"{path}: not a trace format incidentkit recognises ({_describe(first)}); "
            f"known formats: {known()}. Name one with --trace-format if it is one of them."
        )
    for name, pattern in _SNIFF:
        if pattern.search(text):
            return BY_NAME[name]
    raise TraceError(
        f"{path}: does not start with JSON incidentkit recognises; known formats: {known()}. "
        "Name one with --trace-format if it is one of them."
    )


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:8]) or "none"
        return f"its first JSON value is an object with keys: {keys}"
    if isinstance(value, list):
        inner = type(value[0]).__name__ if value else "nothing"
        return f"its first JSON value is a list of {inner}"
    return f"its first JSON value is a {type(value).__name__}"
