"""The CSV export: a folder with one `<table>.csv` per table of `tables.py`.

UTF-8, a header row, RFC 4180 quoting; empty cells are NULLs. The folder is
built next to the output and renamed into place.
"""

from __future__ import annotations

import csv
import shutil
from datetime import datetime
from pathlib import Path

from incidentkit.export.output import publish_folder, refuse_existing, temp_path
from incidentkit.export.tables import Table, build_tables
from incidentkit.records.repository import RecordSet
from incidentkit.records.timestamps import utc


def write_table(table: Table, folder: Path) -> None:
    with (folder / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(table.column_names)
        writer.writerows(["" if v is None else v for v in row] for row in table.rows)


def write(records: RecordSet, path: Path, generated_at: datetime, overwrite: bool) -> None:
    refuse_existing(path, overwrite, folder=True)
    tables = build_tables(records, utc(generated_at).date())
    tmp = temp_path(path, folder=True)
    try:
        for table in tables.values():
            write_table(table, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    publish_folder(tmp, path, overwrite, ".csv")
