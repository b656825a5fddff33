"""`incidentkit stats` and `incidentkit.stats` on the hand-computed database in incident_db."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import incident_db
from conftest import RunCli


@pytest.fixture
def db(make_repo: Callable[..., Path]) -> Path:
    return incident_db.build(make_repo)


def stats_json(run_cli: RunCli, root: Path, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        run_cli("-C", str(root), "stats", "--format", "json", *args).stdout
    )
    return result


def test_the_only_lint_error_is_the_deliberately_missing_timestamp(
    run_cli: RunCli, db: Path
) -> None:
    out = run_cli("-C", str(db), "lint", "--format", "json", expect=1).stdout
    errors = [f for f in json.loads(out)["findings"] if f["level"] == "error"]
    assert [(f["path"], f["message"]) for f in errors] == [
        ("incidents/INC-2026-0005-spend.md", "required field 'started_at' is missing")
    ]


def test_counts(run_cli: RunCli, db: Path) -> None:
    doc = stats_json(run_cli, db)
    assert doc["schema"] == "incidentkit-stats/1"
    assert doc["totals"] == {"incidents": 6, "postmortems": 2, "eval_cases": 4, "action_items": 5}
    counts = doc["counts"]
    assert counts["severity"] == {"S1": 1, "S2": 2, "S3": 2, "S4": 1}
    assert list(counts["severity"]) == ["S1", "S2", "S3", "S4"]
    # 0001 and 0006 have two modes each and count once for each
    assert counts["failure_mode"] == {
        "factual-hallucination": 3,
        "cost-overrun": 1,
        "data-exposure": 1,
        "instruction-violation": 1,
        "latency-failure": 1,
        "tool-misuse": 1,
    }
    assert counts["detection"] == {
        "monitoring-alert": 2,
        "user-report": 2,
        "internal-review": 1,
        "red-team": 1,
    }
    assert counts["status"] == {"resolved": 3, "closed": 1, "mitigated": 1, "open": 1}
    assert counts["tag"] == {"billing": 2, "refunds": 2, "payments": 1}
    assert counts["root_cause"] == {
        "prompt-deficiency": 2,
        "external-change": 1,
        "retrieval-failure": 1,
        "tool-integration-failure": 1,
    }
    assert counts["evaluation_gap"] == {
        "missing-coverage": 2,
        "missing-adversarial-case": 1,
        "stale-test-data": 1,
    }


def test_durations_overall_and_by_quarter(run_cli: RunCli, db: Path) -> None:
    doc = stats_json(run_cli, db)
    assert doc["mttd"] == {"count": 5, "missing": 1, "median_hours": 4.0, "p90_hours": 7.2}
    assert doc["mttr"] == {"count": 4, "missing": 2, "median_hours": 17.0, "p90_hours": 24.0}
    quarters = {q["quarter"]: q for q in doc["quarters"]}
    assert list(quarters) == ["2026Q1", "2026Q2", "2026Q3"]
    # 0003 is detected on 1 April local time but 31 March in UTC: Q1
    assert quarters["2026Q1"]["incidents"] == 3
    assert quarters["2026Q1"]["mttd"] == {
        "count": 3,
        "missing": 0,
        "median_hours": 2.0,
        "p90_hours": 3.6,
    }
    assert quarters["2026Q1"]["mttr"] == {
        "count": 3,
        "missing": 0,
        "median_hours": 10.0,
        "p90_hours": 21.2,
    }
    assert quarters["2026Q2"]["mttr"] == {
        "count": 0,
        "missing": 1,
        "median_hours": None,
        "p90_hours": None,
    }
    # 0005 is detected on 30 June at -08:00, which is 1 July in UTC: Q3
    assert quarters["2026Q3"]["incidents"] == 2
    assert quarters["2026Q3"]["mttd"]["missing"] == 1
    assert quarters["2026Q3"]["mttd"]["median_hours"] == 8.0
    assert doc["unplaced_incidents"] == 0


def test_action_items_and_missing_links(run_cli: RunCli, db: Path) -> None:
    doc = stats_json(run_cli, db)
    items = doc["action_items"]
    assert (items["total"], items["open"], items["overdue"], items["done"]) == (5, 3, 1, 1)
    assert items["completion_rate"] == 0.2
    assert items["by_owner"] == [
        {"owner": "@asha-r", "total": 3, "open": 2, "overdue": 1, "done": 1},
        {"owner": "@ben-t", "total": 2, "open": 1, "overdue": 0, "done": 0},
    ]
    assert [i["id"] for i in items["overdue_items"]] == ["PM-2026-0001/A2"]
    assert doc["without_postmortem"] == ["INC-2026-0003", "INC-2026-0004", "INC-2026-0005"]
    assert doc["without_cases"] == ["INC-2026-0004", "INC-2026-0005"]


def test_since_and_until_compare_utc_dates(run_cli: RunCli, db: Path) -> None:
    # 0003 was detected on 2026-03-31 in UTC, so a filter from April leaves it out
    doc = stats_json(run_cli, db, "--since", "2026-04-01")
    assert doc["totals"]["incidents"] == 3
    assert doc["filters"] == {"since": "2026-04-01", "until": None, "by": None}
    # 0004 is 1 May locally (-08:00) but 2 May in UTC
    doc = stats_json(run_cli, db, "--since", "2026-05-02", "--until", "2026-05-02")
    assert doc["totals"]["incidents"] == 1
    assert doc["counts"]["failure_mode"] == {"latency-failure": 1}
    doc = stats_json(run_cli, db, "--until", "2026-03-31")
    assert doc["totals"]["incidents"] == 3
    # only the post-mortems of selected incidents count
    assert doc["totals"]["postmortems"] == 2
    doc = stats_json(run_cli, db, "--since", "2026-05-01")
    assert doc["totals"]["postmortems"] == 1
    assert doc["counts"]["root_cause"]["external-change"] == 1


def test_by_field(run_cli: RunCli, db: Path) -> None:
    doc = stats_json(run_cli, db, "--by", "agent")
    groups = {g["value"]: g for g in doc["by"]["groups"]}
    assert doc["by"]["field"] == "agent"
    assert groups["support-agent"]["incidents"] == 3
    # support-agent: TTD 4, 1, 8 -> median 4; TTR 24, 6, 24 -> median 24
    assert groups["support-agent"]["mttd"]["median_hours"] == 4.0
    assert groups["support-agent"]["mttr"]["median_hours"] == 24.0
    assert groups["search-agent"]["mttd"] == {
        "count": 1,
        "missing": 1,
        "median_hours": 6.0,
        "p90_hours": 6.0,
    }
    by_mode = stats_json(run_cli, db, "--by", "failure_mode")["by"]["groups"]
    assert {g["value"]: g["incidents"] for g in by_mode}["factual-hallucination"] == 3
    by_quarter = stats_json(run_cli, db, "--by", "quarter")["by"]["groups"]
    assert [g["value"] for g in by_quarter] == ["2026Q1", "2026Q2", "2026Q3"]
    by_users = stats_json(run_cli, db, "--by", "affected_users")["by"]["groups"]
    assert by_users == [
        {
            "value": "(none)",
            "incidents": 6,
            "mttd": {"count": 5, "missing": 1, "median_hours": 4.0, "p90_hours": 7.2},
            "mttr": {"count": 4, "missing": 2, "median_hours": 17.0, "p90_hours": 24.0},
        }
    ]


def test_usage_errors(run_cli: RunCli, db: Path) -> None:
    result = run_cli("-C", str(db), "stats", "--by", "colour", expect=2)
    assert "no incident has a field 'colour'" in result.stderr
    result = run_cli(
        "-C", str(db), "stats", "--since", "2026-05-01", "--until", "2026-04-01", expect=2
    )
    assert "after --until" in result.stderr
    run_cli("-C", str(db), "stats", "--since", "May 1st", expect=2)


def test_text_output_is_aligned_tables(run_cli: RunCli, db: Path) -> None:
    out = run_cli("-C", str(db), "stats").stdout
    assert out.startswith("Incidents: 6    post-mortems: 2    counting eval cases: 4")
    lines = out.splitlines()
    header = lines.index("Failure mode (once per mode)  Count")
    assert lines[header + 2] == "factual-hallucination             3"
    assert "MTTD (started -> detected)    4.0 h   7.2 h          5        1" in out
    assert "MTTR (detected -> resolved)  17.0 h  24.0 h          4        2" in out
    assert "@asha-r      3     2        1     1" in out
    assert "Incidents without a post-mortem: INC-2026-0003, INC-2026-0004, INC-2026-0005" in out


def test_csv_output_matches_json(run_cli: RunCli, db: Path) -> None:
    doc = stats_json(run_cli, db)
    out = run_cli("-C", str(db), "stats", "--format", "csv", "--by", "severity").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["section", "key", "metric", "value"]
    counts = {(r["key"]): int(r["value"]) for r in rows if r["section"] == "failure_mode"}
    assert counts == doc["counts"]["failure_mode"]
    cell = {(r["section"], r["key"], r["metric"]): r["value"] for r in rows}
    assert cell[("mttr", "all", "median_hours")] == "17.0"
    assert cell[("mttr", "2026Q2", "median_hours")] == ""  # no value, not zero
    assert cell[("mttr", "2026Q2", "missing")] == "1"
    assert cell[("owner", "@asha-r", "overdue")] == "1"
    assert cell[("by:severity", "S2", "incidents")] == "2"


def test_json_is_stable(run_cli: RunCli, db: Path) -> None:
    first = run_cli("-C", str(db), "stats", "--format", "json").stdout
    assert first == run_cli("-C", str(db), "stats", "--format", "json").stdout
    doc = json.loads(first)
    assert doc["generated_at"] == "2026-11-26T12:00:00Z"
    assert list(doc) == [
        "schema",
        "generated_at",
        "filters",
        "totals",
        "counts",
        "mttd",
        "mttr",
        "quarters",
        "unplaced_incidents",
        "action_items",
        "without_postmortem",
        "without_cases",
        "by",
    ]


def test_missing_timestamps_in_the_examples_do_not_crash(run_cli: RunCli) -> None:
    # the repository's own examples: 10 incidents, two unresolved
    doc = json.loads(
        run_cli("-C", str(Path(__file__).parents[1]), "stats", "--format", "json").stdout
    )
    assert doc["totals"]["incidents"] >= 10
    assert doc["mttr"]["missing"] >= 2


def test_unreadable_records_are_named_on_stderr_not_silently_dropped(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo({"incidents/INC-2026-0002-broken.md": "no front matter here\n"})
    result = run_cli("-C", root, "stats", "--format", "json")
    assert json.loads(result.stdout)["totals"]["incidents"] == 1
    assert "1 record file(s) could not be read" in result.stderr
    assert "incidents/INC-2026-0002-broken.md" in result.stderr
