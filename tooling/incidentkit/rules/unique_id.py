"""Two records, or two eval cases, use the same ID.

IDs are how cases, post-mortems and people refer to an incident; a duplicate
makes every link ambiguous. Take the next free ID with `incidentkit new`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from incidentkit.findings import Finding, Level
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.rules.context import LintContext

ID = "unique-id"
LEVEL = Level.ERROR
SCOPE = "repository"  # needs every record, not one file

Record = TypeVar("Record", Incident, Postmortem, EvalCase)


def check(ctx: LintContext) -> Iterator[Finding]:
    records = ctx.records
    yield from _duplicates(records.incidents, _id_line)
    yield from _duplicates(records.postmortems, _id_line)
    yield from _duplicates([c for c in records.cases if c.source == "yaml"], _case_line)


def _duplicates(items: Sequence[Record], line: Callable[[Record], int]) -> Iterator[Finding]:
    # Only the first holder of each ID is kept, and lines are looked up only for
    # duplicates (positions cost a second parse): at 45k records no per-record
    # objects beyond one dict entry per ID.
    first: dict[str, Record] = {}
    for record in items:
        if not record.id:
            continue
        other = first.setdefault(record.id, record)
        if other is not record:
            yield Finding(
                record.path,
                line(record),
                1,
                ID,
                LEVEL,
                f"ID {record.id} is already used by {other.path}:{line(other)}",
                "give this record the next free ID (`incidentkit new` allocates one)",
            )


def _id_line(record: Incident | Postmortem) -> int:
    return record.doc.at(("id",))[0]


def _case_line(case: EvalCase) -> int:
    return case.at("id")[0]
