"""Exports of the incident database for other tools: JSON, CSV and SQLite.

All three derive from one table model (`tables.py`); `EXPORTERS` maps a
format name to the function that writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from incidentkit.export import csv_export, json_export, sqlite_export
from incidentkit.records.repository import RecordSet

Exporter = Callable[[RecordSet, Path, datetime, bool], None]

EXPORTERS: dict[str, Exporter] = {
    "json": json_export.write,
    "csv": csv_export.write,
    "sqlite": sqlite_export.write,
}
