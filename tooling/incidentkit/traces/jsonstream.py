"""The JSON values in a trace file, one at a time, with bounded memory.

Trace files come as one JSON document (an OTLP/HTTP body, a Langfuse or
LangSmith export), as JSON Lines (the OpenTelemetry Collector's file
exporter, chat logs) or as pretty-printed objects one after another (the
Python SDK's ConsoleSpanExporter). `values` reads any of these line by line
and yields each top-level value as soon as it is complete, so memory is
bounded by the largest single value, not by the file. Gzip-compressed files
are read transparently.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from incidentkit.traces.model import TraceError

HEAD_BYTES = 64 * 1024


def open_text(path: Path) -> IO[str]:
    """`path` opened as UTF-8 text (a BOM dropped), decompressed when it is gzip."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        raise TraceError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    magic = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
    if magic != b"\x1f\x8b":
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=None)
    raw.close()
    return gzip.open(path, "rt", encoding="utf-8-sig", newline=None)


def head(path: Path, size: int = HEAD_BYTES) -> str:
    """The first `size` characters of the file, for format detection."""
    with open_text(path) as stream:
        try:
            return stream.read(size)
        except UnicodeDecodeError as exc:
            raise TraceError(f"{path}: not UTF-8 text (byte {exc.start}); is it a trace?") from None
        except (OSError, EOFError) as exc:
            raise TraceError(f"{path}: cannot read it: {exc}") from None


def values(path: Path) -> Iterator[tuple[int, Any]]:
    """Each top-level JSON value in the file with the line it starts on."""
    with open_text(path) as stream:
        try:
            yield from _values(stream, path)
        except UnicodeDecodeError as exc:
            raise TraceError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        except (OSError, EOFError) as exc:
            raise TraceError(f"{path}: cannot read it: {exc}") from None


def _values(stream: IO[str], path: Path) -> Iterator[tuple[int, Any]]:
    buffer: list[str] = []
    first_line = 0
    for number, line in enumerate(stream, start=1):
        if not buffer:
            if not line.strip():
                continue
            first_line = number
        buffer.append(line)
        # A value can only end on a line that closes it: a whole JSON line, or
        # a pretty-printed document's closing bracket at the start of a line.
        if len(buffer) > 1 and line[:1] not in ("}", "]"):
            continue
        text = "".join(buffer) if len(buffer) > 1 else line
        try:
            value = json.loads(text)
        except ValueError as exc:
            if len(buffer) == 1 and _looks_whole(line):
                raise TraceError(f"{path}:{number}: not valid JSON ({_reason(exc)})") from None
            continue
        except RecursionError:
            raise TraceError(f"{path}:{first_line}: JSON nested too deeply") from None
        buffer = []
        yield first_line, value
    if buffer:
        text = "".join(buffer)
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise TraceError(
                f"{path}:{first_line}: not valid JSON ({_reason(exc)}); expected JSON, JSON Lines "
                "or pretty-printed JSON objects one after another"
            ) from None
        except RecursionError:
            raise TraceError(f"{path}:{first_line}: JSON nested too deeply") from None
        yield first_line, value


def _looks_whole(line: str) -> bool:
    """A line that opens and closes a value itself: a JSON Lines record that is broken."""
    text = line.strip()
    return len(text) > 1 and (text[0], text[-1]) in (("{", "}"), ("[", "]"))


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    return str(exc)
