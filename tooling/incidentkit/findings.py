"""The one result type of every check: a `Finding` at a file, line and column.

Rules, the loader and the gate all yield findings; reporters turn them into
text, JSON, GitHub annotations or SARIF. Nothing here prints or exits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.IntEnum):
    """How much a finding matters; ordered so `max()` gives the worst."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file. Ordered by place so output is stable."""

    path: str
    line: int
    column: int
    rule: str
    level: Level
    message: str
    hint: str = ""

    def as_dict(self) -> dict[str, str | int]:
        """The stable JSON shape of a finding, shared by every JSON report."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level.label,
            "message": self.message,
            "hint": self.hint,
        }

    def with_level(self, level: Level) -> Finding:
        return Finding(self.path, self.line, self.column, self.rule, level, self.message, self.hint)


def worst(findings: list[Finding]) -> Level | None:
    return max((f.level for f in findings), default=None)
