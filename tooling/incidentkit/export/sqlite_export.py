"""The SQLite export: the tables of `tables.py` with primary keys, foreign keys and indexes.

Opens in Datasette and any SQL client. The database is built in a temporary
file next to the output and renamed into place. Foreign keys are declared
but not enforced while loading: a link to a missing incident is a lint
finding, not a reason to lose the export (`PRAGMA foreign_key_check` lists them).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from incidentkit.export.output import publish_file, refuse_existing, temp_path
from incidentkit.export.tables import Table, build_tables, utc_stamp
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc


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


def write(records: RecordSet, path: Path, generated_at: datetime, overwrite: bool) -> None:
    refuse_existing(path, overwrite)
    tables = build_tables(records, utc(generated_at).date())
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
