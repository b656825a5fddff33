"""The SQLite export: the tables of `tables.py` with primary keys, foreign keys and indexes.

Opens in Datasette and any SQL client; `<name>.metadata.json` beside it
describes the columns and facets for Datasette (`export/datasette.py`), and
every `*_at` timestamp has a `*_at_utc` twin. The database is built in a temporary
file next to the output and renamed into place. Foreign keys are declared
but not enforced while loading: a link to a missing incident is a lint
finding, not a reason to lose the export (`PRAGMA foreign_key_check` lists them).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from incidentkit.atomic import atomic_write_text
from incidentkit.export.datasette import metadata_path, write_metadata
from incidentkit.export.output import publish_file, refuse_existing, temp_path
from incidentkit.export.tables import Column, Table, Value, build_tables, utc_stamp
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import parse_timestamp, utc


def create_sql(table: Table) -> list[str]:
    """CREATE TABLE and CREATE INDEX statements for one table."""
    cols = [f'"{c.name}" {c.type}' for c in table.columns]
    keys = ", ".join(f'"{k}"' for k in table.primary_key)
    cols.append(f"PRIMARY KEY ({keys})")
    for c in table.columns:
        if c.references:
            parent, parent_col = c.references.rstrip(")").split("(")
            cols.append(f'FOREIGN KEY ("{c.name}") REFERENCES "{parent}" ("{parent_col}")')
    statements = [f'CREATE TABLE "{table.name}" (\n  ' + ",\n  ".join(cols) + "\n)"]
    indexed = [c.name for c in table.columns if c.references] + list(table.indexes)
    for column in dict.fromkeys(indexed):
        if (column,) == table.primary_key[:1] and len(table.primary_key) == 1:
            continue  # the primary key is indexed already
        statements.append(
            f'CREATE INDEX "idx_{table.name}_{column}" ON "{table.name}" ("{column}")'
        )
    return statements


def with_utc_columns(table: Table) -> Table:
    """The table with `<name>_utc` beside each timestamp column `<name>_at`.

    The originals keep the offset they were written with (information about
    where it happened); the UTC copies compare and sort as text, so
    `?detected_at_utc__gte=2026-10-01` in Datasette means what it says.
    """
    stamps = [i for i, c in enumerate(table.columns) if c.name.endswith("_at")]
    if not stamps:
        return table
    columns: list[Column] = []
    for i, column in enumerate(table.columns):
        columns.append(column)
        if i in stamps:
            columns.append(Column(f"{column.name}_utc", "TEXT"))
    rows = [_row_with_utc(row, stamps) for row in table.rows]
    indexes = (*table.indexes, *(f"{table.columns[i].name}_utc" for i in stamps))
    return replace(table, columns=tuple(columns), rows=rows, indexes=indexes)


def _row_with_utc(row: tuple[Value, ...], stamps: list[int]) -> tuple[Value, ...]:
    out: list[Value] = []
    for i, value in enumerate(row):
        out.append(value)
        if i in stamps:
            moment = parse_timestamp(value) if isinstance(value, str) else None
            out.append(utc_stamp(moment) if moment is not None else None)
    return tuple(out)


def write(records: RecordSet, path: Path, generated_at: datetime, overwrite: bool) -> None:
    """The database at `path` and its Datasette metadata beside it (`datasette.metadata_path`)."""
    meta_path = metadata_path(path)
    refuse_existing(path, overwrite)
    refuse_existing(meta_path, overwrite)
    built = build_tables(records, utc(generated_at).date())
    tables = {name: with_utc_columns(table) for name, table in built.items()}
    tmp = temp_path(path)
    try:
        with closing(sqlite3.connect(tmp)) as db:
            db.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
            for table in tables.values():
                for statement in create_sql(table):
                    db.execute(statement)
                marks = ", ".join("?" * len(table.columns))
                db.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', table.rows)
            db.execute('CREATE TABLE "export_info" ("key" TEXT PRIMARY KEY, "value" TEXT)')
            db.executemany(
                'INSERT INTO "export_info" VALUES (?, ?)',
                [("schema", "incidentkit-export/1"), ("generated_at", utc_stamp(generated_at))],
            )
            db.commit()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    publish_file(tmp, path, overwrite)
    atomic_write_text(meta_path, write_metadata(records.config, path, tables), overwrite=overwrite)
