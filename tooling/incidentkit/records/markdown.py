"""Just enough Markdown structure for the rules: fenced code blocks and headings.

One walker (`fences`) knows where code blocks open and close; headings,
`incidentkit new eval` (which reads the minimal reproduction) and `redact`
(which keeps YAML blocks valid) all use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True)
class Fence:
    """A fenced code block: its info string and where it lies in the text."""

    info: str
    start: int  # offset of the opening fence line
    content_start: int  # offset of the first content line
    content_end: int  # offset of the closing fence line (or the end of an unclosed block)
    end: int  # offset just past the closing fence line
    closed: bool


def fences(text: str, offset: int = 0) -> Iterator[Fence]:
    """The fenced code blocks of `text[offset:]`, in order; CRLF line ends are fine."""
    opening: re.Match[str] | None = None
    opened_at = content_start = 0
    position = offset
    while position <= len(text):
        newline = text.find("\n", position)
        line_end = len(text) if newline < 0 else newline
        next_line = line_end + 1
        match = _FENCE.match(text[position:line_end].rstrip("\r"))
        if opening is None:
            if match:
                opening, opened_at, content_start = match, position, min(next_line, len(text))
        elif (
            match
            and match.group(1)[0] == opening.group(1)[0]
            and len(match.group(1)) >= len(opening.group(1))
            and not match.group(2).strip()
        ):
            yield Fence(
                opening.group(2).strip(),
                opened_at,
                content_start,
                position,
                min(next_line, len(text)),
                True,
            )
            opening = None
        if newline < 0:
            break
        position = next_line
    if opening is not None:
        yield Fence(opening.group(2).strip(), opened_at, content_start, len(text), len(text), False)


def headings(body: str, first_line: int = 1) -> Iterator[tuple[int, int, str]]:
    """(file line, level, title) of each ATX heading outside fenced code blocks."""
    blocks = list(fences(body))
    line = first_line
    position = 0
    for text in body.split("\n"):
        inside = any(b.start <= position < b.end for b in blocks)
        if not inside and text.startswith("#"):
            match = _HEADING.match(text)
            if match:
                yield line, len(match.group(1)), match.group(2)
        position += len(text) + 1
        line += 1


def fenced_blocks(body: str) -> Iterator[tuple[str, str]]:
    """(info string, content) of each closed fenced code block."""
    for block in fences(body):
        if block.closed:
            content = body[block.content_start : block.content_end]
            yield block.info, content.removesuffix("\n")
