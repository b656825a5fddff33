"""The incident database as relational tables: the one model every export derives from.

CSV writes each table to a file, SQLite creates each with its keys and
indexes, JSON nests child rows under their parents. Derived values (time to
detection, quarter, overdue, ...) come from `metrics`. Records without an ID
are left out, and a duplicated ID keeps its first record (lint reports both),
so a primary key never breaks an export. Every text value is published with
what lint flags as personal data or a secret redacted (`publishing.redact`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from incidentkit import metrics
from incidentkit.detectors import Options
from incidentkit.export.output import utf8_text
from incidentkit.publishing import redact
from incidentkit.records.model import Incident
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # SQLite type: TEXT, INTEGER, REAL
    references: str | None = None  # "table(column)"
    doc: str = ""


@dataclass
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[str, ...] = ()  # columns indexed on their own
    rows: list[tuple[Value, ...]] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def dicts(self) -> Iterator[dict[str, Value]]:
        names = self.column_names
        for row in self.rows:
            yield dict(zip(names, row, strict=True))


def _c(name: str, type_: str = "TEXT", references: str | None = None, doc: str = "") -> Column:
    return Column(name, type_, references, doc)


def _schema() -> list[Table]:
    """Empty tables, parents before children (the order SQLite creates them in)."""
    inc = "incidents(id)"
    pm = "postmortems(id)"
    case = "eval_cases(id)"
    return [
        Table(
            "incidents",
            (
                _c("id"), _c("title"), _c("status"), _c("severity"), _c("detection"),
                _c("agent"), _c("agent_version"), _c("started_at"), _c("detected_at"),
                _c("mitigated_at"), _c("resolved_at"), _c("affected_users", "INTEGER"),
                _c("near_miss", "INTEGER"), _c("quarter", doc="detected_at's quarter, UTC"),
                _c("ttd_hours", "REAL", doc="detected_at - started_at"),
                _c("ttr_hours", "REAL", doc="resolved_at - detected_at"),
                _c("waiver_reason"), _c("waiver_approved_by"), _c("path"),
            ),
            ("id",),
            ("severity", "status", "quarter", "agent"),
        ),
        Table("incident_failure_modes", (_c("incident_id", references=inc), _c("failure_mode")),
              ("incident_id", "failure_mode"), ("failure_mode",)),
        Table("incident_tags", (_c("incident_id", references=inc), _c("tag")),
              ("incident_id", "tag"), ("tag",)),
        Table("related_incidents",
              (_c("incident_id", references=inc),
               _c("related_id", references=inc, doc="an earlier incident")),
              ("incident_id", "related_id"), ("related_id",)),
        Table(
            "postmortems",
            (_c("id"), _c("title"), _c("status"), _c("format"),
             _c("authors", doc="JSON array of handles"), _c("path")),
            ("id",),
            ("status",),
        ),
        Table("postmortem_incidents",
              (_c("postmortem_id", references=pm), _c("incident_id", references=inc)),
              ("postmortem_id", "incident_id"), ("incident_id",)),
        Table(
            "action_items",
            (
                _c("global_id", doc="PM-YYYY-NNNN/A1"), _c("postmortem_id", references=pm),
                _c("id"), _c("description"), _c("owner"), _c("due"), _c("status"), _c("kind"),
                _c("link"), _c("created"), _c("completed"),
                _c("overdue", "INTEGER", doc="open or in progress past due, as of the export"),
                _c("days_to_close", "INTEGER", doc="completed - created"),
            ),
            ("global_id",),
            ("postmortem_id", "owner", "status", "due"),
        ),
        Table("root_causes",
              (_c("postmortem_id", references=pm), _c("position", "INTEGER"), _c("category"),
               _c("description")),
              ("postmortem_id", "position"), ("category",)),
        Table("evaluation_gaps",
              (_c("postmortem_id", references=pm), _c("position", "INTEGER"), _c("type"),
               _c("description")),
              ("postmortem_id", "position"), ("type",)),
        Table("leading_indicators",
              (_c("postmortem_id", references=pm), _c("position", "INTEGER"), _c("metric"),
               _c("threshold"), _c("description")),
              ("postmortem_id", "position")),
        Table(
            "eval_cases",
            (
                _c("id"), _c("tier"), _c("gap"), _c("agent"), _c("source", doc="yaml or python"),
                _c("path"), _c("line", "INTEGER"), _c("verified", "INTEGER"), _c("fails_on"),
                _c("passes_on"), _c("runs_before", "INTEGER"), _c("runs_after", "INTEGER"),
                _c("failure_rate_before", "REAL"), _c("failure_rate_after", "REAL"),
            ),
            ("id",),
            ("tier",),
        ),
        Table("case_links", (_c("case_id", references=case), _c("incident_id", references=inc)),
              ("case_id", "incident_id"), ("incident_id",)),
    ]  # fmt: skip


def build_tables(records: RecordSet, today: date) -> dict[str, Table]:
    """Every table, filled from the records; keyed by table name, parents first."""
    tables = {t.name: t for t in _schema()}
    _incidents(tables, records)
    _postmortems(tables, records, today)
    _cases(tables, records)
    options = Options.from_config(records.config)  # lint's allowances
    for table in tables.values():
        table.rows = [_published(row, options) for row in table.rows]
    return tables


def _published(row: tuple[Value, ...], options: Options) -> tuple[Value, ...]:
    # What the `secrets` and `personal-data` rules flag never leaves in an export;
    # text that cannot be encoded as UTF-8 (a file name's stray byte) is escaped.
    return tuple(utf8_text(redact(v, options)) if isinstance(v, str) else v for v in row)


def _ts(value: datetime | None) -> str | None:
    # as written, with its offset: the zone is information; `quarter` gives the UTC bucket
    return value.isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _first_by_id(records: Iterable[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for record in records:
        if record.id and record.id not in seen:
            seen[record.id] = record
    return list(seen.values())


def _incidents(tables: dict[str, Table], records: RecordSet) -> None:
    for i in _first_by_id(records.incidents):
        assert isinstance(i, Incident)
        tables["incidents"].rows.append(
            (
                i.id, i.title, i.status, i.severity, i.detection, i.agent, i.agent_version,
                _ts(i.started_at), _ts(i.detected_at), _ts(i.mitigated_at), _ts(i.resolved_at),
                i.affected_users, int(i.near_miss), metrics.incident_quarter(i),
                _round(metrics.time_to_detection(i)), _round(metrics.time_to_resolution(i)),
                i.waiver.reason if i.waiver else None,
                i.waiver.approved_by if i.waiver else None, i.path,
            )
        )  # fmt: skip
        for mode in _unique(i.failure_modes):
            tables["incident_failure_modes"].rows.append((i.id, mode))
        for tag in _unique(i.tags):
            tables["incident_tags"].rows.append((i.id, tag))
        for other in _unique(i.related_incidents):
            tables["related_incidents"].rows.append((i.id, other))


def _postmortems(tables: dict[str, Table], records: RecordSet, today: date) -> None:
    seen_items: set[str] = set()
    for p in _first_by_id(records.postmortems):
        tables["postmortems"].rows.append(
            (p.id, p.title, p.status, p.format, json.dumps(list(p.authors)), p.path)
        )
        for incident_id in _unique(p.incidents):
            tables["postmortem_incidents"].rows.append((p.id, incident_id))
        for a in p.action_items:
            if a.global_id in seen_items:
                continue
            seen_items.add(a.global_id)
            tables["action_items"].rows.append(
                (
                    a.global_id, p.id, a.id, a.description, a.owner, _day(a.due), a.status,
                    a.kind, a.link, _day(a.created), _day(a.completed),
                    int(a.is_overdue(today)), metrics.time_to_close_days(a),
                )
            )  # fmt: skip
        for n, c in enumerate(p.root_causes):
            tables["root_causes"].rows.append((p.id, n + 1, c.category, c.description))
        for n, g in enumerate(p.evaluation_gaps):
            tables["evaluation_gaps"].rows.append((p.id, n + 1, g.type, g.description))
        for n, x in enumerate(p.leading_indicators):
            tables["leading_indicators"].rows.append(
                (p.id, n + 1, x.metric, x.threshold, x.description)
            )


def _cases(tables: dict[str, Table], records: RecordSet) -> None:
    for c in _first_by_id(records.cases):
        v = c.verification
        tables["eval_cases"].rows.append(
            (
                c.id, c.tier, c.gap, c.agent, c.source, c.path, c.line, int(c.verified),
                v.fails_on if v else None, v.passes_on if v else None,
                v.runs_before if v else None, v.runs_after if v else None,
                v.failure_rate_before if v else None, v.failure_rate_after if v else None,
            )
        )  # fmt: skip
        for incident_id in _unique(c.incidents):
            tables["case_links"].rows.append((c.id, incident_id))


def utc_stamp(moment: datetime) -> str:
    """`2026-11-26T12:00:00Z`: how exports record when they were made."""
    return utc(moment).isoformat().replace("+00:00", "Z")
