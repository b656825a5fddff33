"""Datasette metadata for the SQLite export: column descriptions, facets, labels.

Written next to the database as `<name>.metadata.json` (`datasette db.sqlite
--metadata db.metadata.json`). Column descriptions come from the
repository's JSON Schemas (the one source of the fields' meaning), or from
the table model for derived columns; facets are the columns people filter
the incident database by.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from incidentkit.config import Config
from incidentkit.export.tables import Table
from incidentkit.records.schemas import SCHEMA_FILES

# table -> (schema kind, the steps to the object whose properties describe its columns)
_SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {
    "incidents": ("incident", ()),
    "postmortems": ("postmortem", ()),
    "action_items": ("postmortem", ("properties", "action_items", "items")),
    "root_causes": ("postmortem", ("properties", "root_causes", "items")),
    "evaluation_gaps": ("postmortem", ("properties", "evaluation_gaps", "items")),
    "leading_indicators": ("postmortem", ("properties", "leading_indicators", "items")),
    "eval_cases": ("eval", ()),
}
# Columns named after a list field of the record they come from.
_LIST_FIELDS: dict[tuple[str, str], tuple[str, str]] = {
    ("incident_failure_modes", "failure_mode"): ("incident", "failure_modes"),
    ("incident_tags", "tag"): ("incident", "tags"),
    ("related_incidents", "related_id"): ("incident", "related_incidents"),
    ("postmortem_incidents", "incident_id"): ("postmortem", "incidents"),
    ("case_links", "incident_id"): ("eval", "incidents"),
}
# Columns that are about the export's rows, not a record field.
_ROW_COLUMNS = {
    "path": "The record's file, relative to the repository root.",
    "line": "The line of the case in its file.",
    "position": "Its place in the post-mortem's list (1 is the first).",
    "verified": "1 when the case carries verification (fails before the fix, passes after).",
}
FACETS: dict[str, list[str]] = {
    "incidents": ["severity", "status", "detection", "agent", "quarter"],
    "incident_failure_modes": ["failure_mode"],
    "incident_tags": ["tag"],
    "postmortems": ["status", "format"],
    "action_items": ["status", "owner", "kind", "overdue"],
    "root_causes": ["category"],
    "evaluation_gaps": ["type"],
    "eval_cases": ["tier", "verified", "agent", "gap"],
}
LABELS = {"incidents": "title", "postmortems": "title"}
SORT_DESC = {"incidents": "detected_at_utc"}


def metadata_path(database: Path) -> Path:
    """`incidents.db` -> `incidents.metadata.json`, beside it."""
    return database.with_name(f"{database.stem}.metadata.json")


def metadata(config: Config, database: Path, tables: Mapping[str, Table]) -> dict[str, Any]:
    schemas = {kind: _load(config.schemas_path / name) for kind, name in SCHEMA_FILES.items()}
    described: dict[str, Any] = {}
    for table in tables.values():
        names = {c.name for c in table.columns}
        entry: dict[str, Any] = {
            "columns": {
                c.name: text
                for c in table.columns
                if (text := c.doc or _from_schema(schemas, table.name, c.name))
            }
        }
        facets = [f for f in FACETS.get(table.name, []) if f in names]
        if facets:
            entry["facets"] = facets
        if table.name in LABELS:
            entry["label_column"] = LABELS[table.name]
        if SORT_DESC.get(table.name) in names:
            entry["sort_desc"] = SORT_DESC[table.name]
        described[table.name] = entry
    described["export_info"] = {"description": "When and in which format this export was made."}
    return {
        "title": "Incident database",
        "description": "Incidents, post-mortems, action items and eval cases exported by "
        "incidentkit. Timestamps: the *_at columns as written, *_at_utc in UTC for filtering "
        "and sorting.",
        "databases": {database.stem: {"tables": described}},
    }


def write_metadata(config: Config, database: Path, tables: Mapping[str, Table]) -> str:
    return json.dumps(metadata(config, database, tables), indent=2, ensure_ascii=False) + "\n"


def _from_schema(schemas: Mapping[str, Any], table: str, column: str) -> str:
    if (table, column) in _LIST_FIELDS:
        kind, field = _LIST_FIELDS[table, column]
        return _description(schemas.get(kind), ("properties", field))
    if column.endswith("_utc"):
        base = _from_schema(schemas, table, column.removesuffix("_utc"))
        return f"{column.removesuffix('_utc')} in UTC (for filters and sorting). {base}".strip()
    if column in ("incident_id", "postmortem_id", "case_id"):
        return f"The {column.removesuffix('_id').replace('_', ' ')} this row belongs to."
    if column in _ROW_COLUMNS:
        return _ROW_COLUMNS[column]
    if table == "incidents" and column.startswith("waiver_"):
        waiver = ("properties", "regression_waiver", "properties", column.removeprefix("waiver_"))
        return _description(schemas.get("incident"), waiver)
    source = _SOURCES.get(table)
    if source is None:
        return ""
    kind, steps = source
    node = _walk(schemas.get(kind), list(steps))
    text = _description(node, ("properties", column))
    if not text and table == "eval_cases":  # verification's fields sit one level down
        text = _description(node, ("properties", "verification", "properties", column))
    return text


def _walk(node: Any, steps: list[str]) -> Any:
    for step in steps:
        node = node.get(step) if isinstance(node, dict) else None
    return node


def _description(node: Any, path: tuple[str, ...]) -> str:
    found = _walk(node, list(path))
    text = found.get("description") if isinstance(found, dict) else None
    return text if isinstance(text, str) else ""


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a broken schema is lint's finding; the export still has its data
