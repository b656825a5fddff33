"""Just enough Markdown structure for the rules: headings and fenced blocks."""

from __future__ import annotations

import re
from collections.abc import Iterator

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})(.*)$")


def headings(body: str, first_line: int = 1) -> Iterator[tuple[int, int, str]]:
    """(file line, level, title) of each ATX heading outside fenced code blocks."""
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker
            elif (
                marker[0] == fence[0]
                and len(marker) >= len(fence)
                and not fence_match.group(2).strip()
            ):
                fence = None
            continue
        if fence is None and line.startswith("#"):
            match = _HEADING.match(line)
            if match:
                yield first_line + offset, len(match.group(1)), match.group(2)


def fenced_blocks(body: str) -> Iterator[tuple[str, str]]:
    """(info string, content) of each fenced code block."""
    fence: str | None = None
    info = ""
    lines: list[str] = []
    for line in body.split("\n"):
        fence_match = _FENCE.match(line)
        if fence is None and fence_match:
            fence, info, lines = fence_match.group(1), fence_match.group(2).strip(), []
        elif (
            fence is not None
            and fence_match
            and fence_match.group(1)[0] == fence[0]
            and len(fence_match.group(1)) >= len(fence)
            and not fence_match.group(2).strip()
        ):
            yield info, "\n".join(lines)
            fence = None
        elif fence is not None:
            lines.append(line)
