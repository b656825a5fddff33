"""The SQLite export is Datasette-ready: UTC timestamp twins, a foreign key on every `*_id`,
and metadata (column descriptions from the schemas, facets), served by the real Datasette."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, RunCli, incident_text, write

DATASETTE = Path(sys.executable).parent / "datasette"

# Detected just after midnight UTC on 1 October, written in a zone west of UTC, and
# just before it, written east of UTC: their local dates say the opposite quarter.
Q4_WEST = "2026-09-30T23:30:00-02:00"  # 2026-10-01T01:30Z: 2026Q4
Q3_EAST = "2026-10-01T01:00:00+02:00"  # 2026-09-30T23:00Z: 2026Q3


@pytest.fixture
def exported(run_cli: RunCli, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    write(
        root, "incidents/INC-2026-0001-west.md", incident_text("INC-2026-0001", detected_at=Q4_WEST)
    )
    write(
        root,
        "incidents/INC-2026-0002-east.md",
        incident_text(
            "INC-2026-0002", detected_at=Q3_EAST, extra="related_incidents: [INC-2026-0001]\n"
        ),
    )
    out = tmp_path / "out" / "incidents.db"
    run_cli("-C", root, "export", "--format", "sqlite", "-o", out)
    return out


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchall()


def test_every_timestamp_has_a_utc_twin_that_filters_by_the_utc_quarter(exported: Path) -> None:
    rows = _rows(exported, "SELECT id, detected_at, detected_at_utc, quarter FROM incidents")
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["INC-2026-0001"] == (Q4_WEST, "2026-10-01T01:30:00Z", "2026Q4")
    assert by_id["INC-2026-0002"] == (Q3_EAST, "2026-09-30T23:00:00Z", "2026Q3")
    q4 = _rows(exported, "SELECT id FROM incidents WHERE detected_at_utc >= '2026-10-01'")
    assert q4 == [("INC-2026-0001",)]
    columns = [r[1] for r in _rows(exported, "PRAGMA table_info(incidents)")]
    for name in columns:
        if name.endswith("_at"):
            assert columns[columns.index(name) + 1] == f"{name}_utc"  # beside the original


def test_every_id_column_is_a_foreign_key(run_cli: RunCli, tmp_path: Path) -> None:
    db = tmp_path / "example.sqlite"
    run_cli("-C", REPO_ROOT, "export", "--format", "sqlite", "-o", db)
    tables = [r[0] for r in _rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    checked = 0
    for table in tables:
        info = _rows(db, f'PRAGMA table_info("{table}")')
        keys = {r[1] for r in info if r[5]}
        references = {r[3]: r[2] for r in _rows(db, f'PRAGMA foreign_key_list("{table}")')}
        for column in (r[1] for r in info):
            if column.endswith("_id") and keys != {column}:  # not the row's own key
                assert column in references, f"{table}.{column} has no foreign key"
                checked += 1
    assert checked >= 8
    assert _rows(db, "PRAGMA foreign_key_check") == []  # the example repository links resolve


def test_metadata_describes_every_column_from_the_schemas(exported: Path) -> None:
    meta = json.loads(exported.with_name("incidents.metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["incidents"]["tables"]
    schema = json.loads((REPO_ROOT / "schemas" / "incident.schema.json").read_text("utf-8"))
    assert (
        tables["incidents"]["columns"]["severity"]
        == schema["properties"]["severity"]["description"]
    )
    for table in (
        r[0] for r in _rows(exported, "SELECT name FROM sqlite_master WHERE type='table'")
    ):
        if table == "export_info":
            continue
        for column in (r[1] for r in _rows(exported, f'PRAGMA table_info("{table}")')):
            assert tables[table]["columns"].get(column), f"{table}.{column} has no description"
    assert "severity" in tables["incidents"]["facets"]
    assert tables["incident_failure_modes"]["facets"] == ["failure_mode"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def datasette(exported: Path) -> Iterator[str]:
    if not DATASETTE.exists():
        pytest.skip("datasette (a dev extra) is not installed")
    port = _free_port()
    meta = exported.with_name("incidents.metadata.json")
    log = exported.with_name("datasette.log")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(DATASETTE), "serve", str(exported), "--metadata", str(meta),
             "--host", "127.0.0.1", "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=sink,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"datasette did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as response:
        data = json.load(response)
    assert isinstance(data, dict)
    return data


def test_datasette_answers_a_facet_a_foreign_key_and_a_utc_filter(datasette: str) -> None:
    # The facets of the metadata are on by default.
    table = _get(f"{datasette}/incidents/incidents.json?_shape=objects")
    assert {"severity", "status", "detection", "quarter"} <= set(table["facet_results"])
    quarters = {r["value"]: r["count"] for r in table["facet_results"]["quarter"]["results"]}
    assert quarters == {"2026Q4": 1, "2026Q3": 1}
    # A foreign key, labelled with the incident's title.
    related = _get(f"{datasette}/incidents/related_incidents.json?_labels=on&_shape=objects")
    (row,) = related["rows"]
    assert row["related_id"]["value"] == "INC-2026-0001"
    assert row["related_id"]["label"] == "Support agent quoted a superseded refund window"
    # The query: by the UTC column, an incident of 2026Q4 is found.
    query = urllib.parse.urlencode({"detected_at_utc__gte": "2026-10-01", "_shape": "objects"})
    found = _get(f"{datasette}/incidents/incidents.json?{query}")
    assert [r["id"] for r in found["rows"]] == ["INC-2026-0001"]
    # A column description from the schema reaches Datasette.
    columns = _get(f"{datasette}/-/metadata.json")["databases"]["incidents"]["tables"]
    assert "surfaced the failure" in columns["incidents"]["columns"]["detected_at"]
