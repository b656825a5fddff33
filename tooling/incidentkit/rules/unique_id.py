"""Two records, or two eval cases, use the same ID.

IDs are how cases, post-mortems and people refer to an incident; a duplicate
makes every link ambiguous. Take the next free ID with `incidentkit new`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from incidentkit.findings import Finding, Level
from incidentkit.records.document import Document
from incidentkit.records.model import EvalCase
from incidentkit.rules.context import LintContext

ID = "unique-id"
LEVEL = Level.ERROR
SCOPE = "repository"  # needs every record, not one file


def check(ctx: LintContext) -> Iterator[Finding]:
    records = ctx.records
    # Lines are looked up only for duplicates: positions cost a second parse.
    groups: list[list[tuple[str, str, Callable[[], int]]]] = [
        [(i.id, i.path, partial(_id_line, i.doc)) for i in records.incidents],
        [(p.id, p.path, partial(_id_line, p.doc)) for p in records.postmortems],
        [(c.id, c.path, partial(_case_line, c)) for c in records.cases if c.source == "yaml"],
    ]
    for entries in groups:
        first: dict[str, tuple[str, Callable[[], int]]] = {}
        for record_id, path, line in entries:
            if not record_id:
                continue
            if record_id in first:
                other, other_line = first[record_id]
                yield Finding(
                    path,
                    line(),
                    1,
                    ID,
                    LEVEL,
                    f"ID {record_id} is already used by {other}:{other_line()}",
                    "give this record the next free ID (`incidentkit new` allocates one)",
                )
            else:
                first[record_id] = (path, line)


def _id_line(doc: Document) -> int:
    return doc.at(("id",))[0]


def _case_line(case: EvalCase) -> int:
    return case.at("id")[0]
