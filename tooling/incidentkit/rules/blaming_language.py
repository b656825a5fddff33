"""Blaming language in a post-mortem.

Post-mortems are blameless: they name systems and processes, not people at
fault. Flagged: "X's fault", "at fault", "blame(d)", "careless", "negligent",
"incompetent", "sloppy", "lazy", "stupid", "should have known",
"human error", "dropped the ball", "screwed up". Rephrase around what the
system allowed ("the deploy script did not check ..."). Quoting someone is
fine with an inline suppression and a reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at_offset

ID = "blaming-language"
LEVEL = Level.WARNING

PATTERN = re.compile(
    r"(?i)\b(?:[\w@-]+'s fault|at fault|whose fault|blamed?|blaming|careless(?:ly|ness)?|negligen(?:t|ce)"
    r"|incompeten(?:t|ce)|sloppy|lazy|stupid|should have known|human error|dropped the ball|screwed up)\b"
)


# Words every match contains; most post-mortems hold none, and `in` is far
# cheaper than trying the pattern at every character.
_NEEDLES = (
    "fault",
    "blam",
    "careless",
    "negligen",
    "incompeten",
    "sloppy",
    "lazy",
    "stupid",
    "should have known",
    "human error",
    "dropped the ball",
    "screwed up",
)


def check(ctx: LintContext) -> Iterator[Finding]:
    for pm in ctx.records.postmortems:
        lowered = pm.doc.text.lower()
        if not any(needle in lowered for needle in _NEEDLES):
            continue
        text = pm.doc.text
        for match in PATTERN.finditer(text):
            if "incidentkit:" in _line_of(text, match.start()):
                continue  # a suppression comment names this rule; it is not prose
            yield at_offset(
                pm.doc,
                match.start(),
                ID,
                LEVEL,
                f"blaming language: '{match.group()}'",
                "describe what the system or process allowed, not who is at fault",
            )


def _line_of(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]
