"""What a rule sees: the loaded repository, the config and the current time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from incidentkit.config import Config
from incidentkit.detectors import Hit, Options, find_hits
from incidentkit.findings import Finding, Level
from incidentkit.records.document import Document
from incidentkit.records.repository import RecordSet
from incidentkit.records.yamlsource import Key


@dataclass
class LintContext:
    records: RecordSet
    now: datetime
    # Sensitive spans per document path: `personal-data` and `secrets` share one scan.
    _hits: dict[str, list[Hit]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def config(self) -> Config:
        return self.records.config

    @property
    def detector_options(self) -> Options:
        return Options.from_config(self.config)

    @property
    def today(self) -> date:
        return self.now.date()

    def hits(self, doc: Document) -> list[Hit]:
        """The emails, phone numbers and secrets in `doc.text`, found once per lint run."""
        found = self._hits.get(doc.path)
        if found is None:
            found = self._hits[doc.path] = find_hits(doc.text, self.detector_options)
        return found

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
