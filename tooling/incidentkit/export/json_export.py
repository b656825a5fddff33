"""The JSON export: one document with every record, nested, and the stats document.

Shape (`incidentkit-export/1`) in docs/reference/export.md. Records are the rows of
`tables.py` with their child rows nested under them, so the JSON, CSV and
SQLite exports hold the same values.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentkit.atomic import atomic_write_text
from incidentkit.detectors import Options
from incidentkit.export.output import refuse_existing
from incidentkit.export.tables import Table, build_tables, utc_stamp
from incidentkit.publishing import redact_data
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc
from incidentkit.stats import compute_stats

SCHEMA = "incidentkit-export/1"


def _children(table: Table, key: str, drop: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of a child table grouped by their parent key (which is dropped from each row)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in table.dicts():
        parent = str(row.pop(key))
        if drop is not None:
            row.pop(drop, None)
        grouped.setdefault(parent, []).append(row)
    return grouped


def _values(table: Table, key: str, value: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in table.dicts():
        grouped.setdefault(str(row[key]), []).append(row[value])
    return grouped


def build_document(records: RecordSet, generated_at: datetime) -> dict[str, Any]:
    """The export document; `generated_at` also fixes the day `overdue` is judged on."""
    today = utc(generated_at).date()
    t = build_tables(records, today)
    modes = _values(t["incident_failure_modes"], "incident_id", "failure_mode")
    tags = _values(t["incident_tags"], "incident_id", "tag")
    related = _values(t["related_incidents"], "incident_id", "related_id")
    pms_of = _values(t["postmortem_incidents"], "incident_id", "postmortem_id")
    incidents_of_pm = _values(t["postmortem_incidents"], "postmortem_id", "incident_id")
    cases_of = _values(t["case_links"], "incident_id", "case_id")
    incidents_of_case = _values(t["case_links"], "case_id", "incident_id")
    causes = _children(t["root_causes"], "postmortem_id")
    gaps = _children(t["evaluation_gaps"], "postmortem_id")
    indicators = _children(t["leading_indicators"], "postmortem_id")
    items = _children(t["action_items"], "postmortem_id")

    incidents = []
    for values in t["incidents"].dicts():
        row: dict[str, Any] = dict(values)
        key = str(row["id"])
        row["near_miss"] = bool(row["near_miss"])
        row["failure_modes"] = modes.get(key, [])
        row["tags"] = tags.get(key, [])
        row["related_incidents"] = related.get(key, [])
        row["postmortems"] = pms_of.get(key, [])
        row["eval_cases"] = cases_of.get(key, [])
        incidents.append(row)
    postmortems = []
    for row in t["postmortems"].dicts():
        key = str(row["id"])
        pm: dict[str, Any] = dict(row)
        pm["authors"] = json.loads(str(row["authors"]))
        pm["incidents"] = incidents_of_pm.get(key, [])
        pm["root_causes"] = causes.get(key, [])
        pm["evaluation_gaps"] = gaps.get(key, [])
        pm["leading_indicators"] = indicators.get(key, [])
        pm["action_items"] = [
            {**item, "overdue": bool(item["overdue"])} for item in items.get(key, [])
        ]
        postmortems.append(pm)
    cases = []
    for row in t["eval_cases"].dicts():
        case: dict[str, Any] = dict(row)
        case["verified"] = bool(row["verified"])
        case["incidents"] = incidents_of_case.get(str(row["id"]), [])
        cases.append(case)
    stats = redact_data(
        compute_stats(records, today=today, generated_at=generated_at).as_dict(),
        Options.from_config(records.config),
    )
    return {
        "schema": SCHEMA,
        "generated_at": utc_stamp(generated_at),
        "incidents": incidents,
        "postmortems": postmortems,
        "eval_cases": cases,
        "stats": stats,
    }


def write(records: RecordSet, path: Path, generated_at: datetime, overwrite: bool) -> None:
    refuse_existing(path, overwrite)
    text = json.dumps(build_document(records, generated_at), indent=2, ensure_ascii=False)
    atomic_write_text(path, text + "\n", overwrite=overwrite)
