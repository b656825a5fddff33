"""`incidentkit export`: JSON, CSV and SQLite from one table model, checked with plain sqlite3."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

import incident_db
from conftest import REPO_ROOT, RunCli


@pytest.fixture
def db(make_repo: Callable[..., Path]) -> Path:
    return incident_db.build(make_repo)


def stats_json(run_cli: RunCli, root: Path) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(run_cli("-C", str(root), "stats", "--format", "json").stdout)
    return out


def export(run_cli: RunCli, root: Path, fmt: str, out: Path, *extra: str, expect: int = 0) -> str:
    return run_cli(
        "-C", str(root), "export", "--format", fmt, "--output", str(out), *extra, expect=expect
    ).stderr


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute(sql).fetchall()


def test_sqlite_joins_give_the_stats_counts(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "db.sqlite"
    export(run_cli, db, "sqlite", out)
    stats = stats_json(run_cli, db)
    counts = stats["counts"]

    def grouped(sql: str) -> dict[str, int]:
        return dict(query(out, sql))

    assert (
        grouped("SELECT severity, COUNT(*) FROM incidents GROUP BY severity") == counts["severity"]
    )
    assert (
        grouped(
            "SELECT m.failure_mode, COUNT(DISTINCT i.id) FROM incidents i "
            "JOIN incident_failure_modes m ON m.incident_id = i.id GROUP BY m.failure_mode"
        )
        == counts["failure_mode"]
    )
    assert grouped("SELECT detection, COUNT(*) FROM incidents GROUP BY 1") == counts["detection"]
    assert grouped("SELECT status, COUNT(*) FROM incidents GROUP BY 1") == counts["status"]
    assert grouped("SELECT tag, COUNT(*) FROM incident_tags GROUP BY 1") == counts["tag"]
    assert (
        grouped(
            "SELECT r.category, COUNT(*) FROM root_causes r "
            "JOIN postmortems p ON p.id = r.postmortem_id GROUP BY 1"
        )
        == counts["root_cause"]
    )
    assert (
        grouped("SELECT type, COUNT(*) FROM evaluation_gaps GROUP BY 1") == counts["evaluation_gap"]
    )
    by_owner = query(
        out,
        "SELECT owner, COUNT(*), SUM(status IN ('open', 'in-progress')), SUM(overdue), "
        "SUM(status = 'done') FROM action_items GROUP BY owner ORDER BY owner",
    )
    assert [list(r) for r in by_owner] == [
        [o["owner"], o["total"], o["open"], o["overdue"], o["done"]]
        for o in sorted(stats["action_items"]["by_owner"], key=lambda o: o["owner"])
    ]
    without_pm = query(
        out,
        "SELECT id FROM incidents i WHERE NOT EXISTS "
        "(SELECT 1 FROM postmortem_incidents p WHERE p.incident_id = i.id) ORDER BY id",
    )
    assert [r[0] for r in without_pm] == stats["without_postmortem"]
    without_cases = query(
        out,
        "SELECT i.id FROM incidents i LEFT JOIN case_links l ON l.incident_id = i.id "
        "WHERE l.case_id IS NULL ORDER BY i.id",
    )
    assert [r[0] for r in without_cases] == stats["without_cases"]
    linked = query(out, "SELECT COUNT(DISTINCT case_id) FROM case_links")
    assert linked == [(stats["totals"]["eval_cases"],)]
    per_quarter = query(
        out,
        "SELECT quarter, COUNT(*), COUNT(ttd_hours), COUNT(*) - COUNT(ttr_hours) "
        "FROM incidents GROUP BY quarter ORDER BY quarter",
    )
    assert [list(r) for r in per_quarter] == [
        [q["quarter"], q["incidents"], q["mttd"]["count"], q["mttr"]["missing"]]
        for q in stats["quarters"]
    ]


def test_sqlite_derived_columns_keys_and_indexes(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "db.sqlite"
    export(run_cli, db, "sqlite", out)
    rows = query(
        out,
        "SELECT id, quarter, ttd_hours, ttr_hours, started_at FROM incidents ORDER BY id",
    )
    assert rows[2] == ("INC-2026-0003", "2026Q1", 1.0, 6.0, "2026-03-31T20:00:00+00:00")
    assert rows[4] == ("INC-2026-0005", "2026Q3", None, None, None)
    assert query(out, "SELECT global_id FROM action_items WHERE overdue = 1") == [
        ("PM-2026-0001/A2",)
    ]
    assert query(
        out, "SELECT days_to_close FROM action_items WHERE global_id = 'PM-2026-0001/A1'"
    ) == [(9,)]
    tables = {r[0] for r in query(out, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "incidents",
        "postmortems",
        "action_items",
        "root_causes",
        "evaluation_gaps",
        "eval_cases",
        "case_links",
    } <= tables
    fks = query(out, "PRAGMA foreign_key_list(case_links)")
    assert {(r[2], r[3], r[4]) for r in fks} == {
        ("eval_cases", "case_id", "id"),
        ("incidents", "incident_id", "id"),
    }
    assert {r[2] for r in query(out, "PRAGMA foreign_key_list(action_items)")} == {"postmortems"}
    indexes = {r[1] for r in query(out, "PRAGMA index_list(case_links)")}
    assert "idx_case_links_incident_id" in indexes
    assert query(out, "PRAGMA foreign_key_check") == []  # every link resolves
    assert query(out, "SELECT value FROM export_info WHERE key = 'generated_at'") == [
        ("2026-11-26T12:00:00Z",)
    ]


def test_sqlite_refuses_to_overwrite_without_force(
    run_cli: RunCli, db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "db.sqlite"
    out.write_bytes(b"precious")
    assert "pass --force" in export(run_cli, db, "sqlite", out, expect=1)
    assert out.read_bytes() == b"precious"
    export(run_cli, db, "sqlite", out, "--force")
    assert query(out, "SELECT COUNT(*) FROM incidents") == [(6,)]
    # No temporary file left behind; the Datasette metadata sits beside the database.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "repo") == [
        "db.metadata.json",
        "db.sqlite",
    ]


def test_csv_one_file_per_table(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    export(run_cli, db, "csv", out)
    names = sorted(p.name for p in out.iterdir())
    assert "incidents.csv" in names and "case_links.csv" in names and len(names) == 12
    with (out / "incident_failure_modes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 8  # 6 incidents, two of them with two modes
    with (out / "incidents.csv").open(encoding="utf-8", newline="") as handle:
        incidents = {r["id"]: r for r in csv.DictReader(handle)}
    assert incidents["INC-2026-0006"]["title"] == "Leak | of <script>alert(1)</script> data"
    assert incidents["INC-2026-0005"]["ttd_hours"] == ""  # missing, not zero
    assert incidents["INC-2026-0002"]["ttd_hours"] == "4.0"


def test_csv_folder_overwrite_rules(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    export(run_cli, db, "csv", out)
    assert "already exists" in export(run_cli, db, "csv", out, expect=1)
    (out / "incidents.csv").write_text("stale", encoding="utf-8")
    export(run_cli, db, "csv", out, "--force")
    assert (out / "incidents.csv").read_text(encoding="utf-8").startswith("id,title,")
    # --force never deletes a folder that holds anything but CSV files
    (out / "notes.md").write_text("mine", encoding="utf-8")
    assert "holds more than .csv files" in export(run_cli, db, "csv", out, "--force", expect=1)
    assert (out / "notes.md").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csv", "repo"]


def test_json_document(run_cli: RunCli, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "db.json"
    export(run_cli, db, "json", out)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "incidentkit-export/1"
    assert doc["stats"] == stats_json(run_cli, db)  # same derived numbers as `stats`
    incidents = {i["id"]: i for i in doc["incidents"]}
    leak = incidents["INC-2026-0006"]
    assert leak["failure_modes"] == ["factual-hallucination", "data-exposure"]
    assert leak["postmortems"] == ["PM-2026-0002"]
    assert leak["eval_cases"] == ["refund-a", "no-leak"]
    assert leak["related_incidents"] == ["INC-2026-0002"]
    assert leak["ttd_hours"] == 8.0 and leak["quarter"] == "2026Q3"
    assert leak["near_miss"] is False
    pm = {p["id"]: p for p in doc["postmortems"]}["PM-2026-0001"]
    assert pm["authors"] == ["@asha-r"]
    assert [a["global_id"] for a in pm["action_items"] if a["overdue"]] == ["PM-2026-0001/A2"]
    assert pm["root_causes"][0] == {
        "position": 1,
        "category": "tool-integration-failure",
        "description": "A cause.",
    }
    case = {c["id"]: c for c in doc["eval_cases"]}["billing-no-refund"]
    assert case["verified"] is True and case["incidents"] == ["INC-2026-0001"]
    assert "already exists" in export(run_cli, db, "json", out, expect=1)


def test_export_of_the_example_repository(run_cli: RunCli, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "examples.sqlite"
    export(run_cli, root, "sqlite", out)
    assert query(out, "SELECT COUNT(*) FROM incidents")[0][0] >= 10


def test_json_to_standard_output_and_no_file_named_dash(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("-C", REPO_ROOT, "export", "--format", "json", "--output", "-")
    assert json.loads(result.stdout)["incidents"]
    assert not (tmp_path / "-").exists()
    refused = run_cli("-C", REPO_ROOT, "export", "--format", "sqlite", "--output", "-", expect=2)
    assert "json only" in refused.stderr
