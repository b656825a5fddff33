"""A full post-mortem lacks a required section, or has them out of order.

A full post-mortem has these level-2 headings, in this order: `Summary`,
`Timeline`, `Root cause`, `Why we didn't catch it earlier`,
`What we will change`, `How we will know it worked`. Other sections may sit
between them. Lightweight post-mortems are exempt.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.records.markdown import headings
from incidentkit.rules.context import LintContext

ID = "postmortem-sections"
LEVEL = Level.ERROR

REQUIRED = (
    "Summary",
    "Timeline",
    "Root cause",
    "Why we didn't catch it earlier",
    "What we will change",
    "How we will know it worked",
)


def _norm(title: str) -> str:
    return " ".join(title.replace("\u2019", "'").lower().split())


def check(ctx: LintContext) -> Iterator[Finding]:
    wanted = [_norm(t) for t in REQUIRED]
    for pm in ctx.records.postmortems:
        if pm.format == "lightweight":
            continue
        found = [
            (line, _norm(title))
            for line, level, title in headings(pm.doc.body, pm.doc.body_line)
            if level == 2
        ]
        lines = {title: line for line, title in reversed(found)}
        present = [title for _, title in found if title in wanted]
        for name, norm in zip(REQUIRED, wanted, strict=True):
            if norm not in lines:
                yield Finding(
                    pm.path,
                    pm.doc.body_line,
                    1,
                    ID,
                    LEVEL,
                    f"section '## {name}' is missing",
                    f"add '## {name}' (sections in order: {'; '.join(REQUIRED)})",
                )
        expected_order = [t for t in wanted if t in present]
        seen_order = list(dict.fromkeys(present))
        if seen_order != expected_order:
            for actual, expected in zip(seen_order, expected_order, strict=True):
                if actual != expected:
                    yield Finding(
                        pm.path,
                        lines[actual],
                        1,
                        ID,
                        LEVEL,
                        f"section '## {REQUIRED[wanted.index(actual)]}' is out of order",
                        f"sections go in this order: {'; '.join(REQUIRED)}",
                    )
                    break
