"""What a rule sees: the loaded repository, the config and the current time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from incidentkit.config import Config
from incidentkit.findings import Finding, Level
from incidentkit.records.document import Document
from incidentkit.records.repository import RecordSet
from incidentkit.records.yamlsource import Key


@dataclass
class LintContext:
    records: RecordSet
    now: datetime

    @property
    def config(self) -> Config:
        return self.records.config

    @property
    def today(self) -> date:
        return self.now.date()

    def documents(self, kind: str | None = None) -> Iterator[Document]:
        for doc in self.records.documents:
            if kind is None or doc.kind == kind:
                yield doc


def at(doc: Document, key: Key, rule: str, level: Level, message: str, hint: str) -> Finding:
    """A finding at the line and column of `key` in `doc`."""
    line, column = doc.at(key)
    return Finding(doc.path, line, column, rule, level, message, hint)


def at_offset(
    doc: Document, offset: int, rule: str, level: Level, message: str, hint: str
) -> Finding:
    """A finding at a character offset into `doc.text`."""
    text = doc.text
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(doc.path, line, column, rule, level, message, hint)


def load_problems(ctx: LintContext, rule: str) -> Iterator[Finding]:
    """The loader's findings for one of the file-reading rules."""
    for doc in ctx.records.documents:
        for problem in doc.problems:
            if problem.rule == rule:
                yield problem
