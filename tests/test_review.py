"""`incidentkit review`: the quarterly review of the hand-computed database in incident_db."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import incident_db
from conftest import RunCli


@pytest.fixture
def db(make_repo: Callable[..., Path]) -> Path:
    return incident_db.build(make_repo)


def review(run_cli: RunCli, root: Path, quarter: str) -> str:
    return run_cli("-C", str(root), "review", "--quarter", quarter).stdout


def section(text: str, heading: str) -> str:
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def test_headline_numbers_against_the_previous_quarter(run_cli: RunCli, db: Path) -> None:
    text = review(run_cli, db, "2026Q3")
    assert text.startswith("# Quarterly review 2026Q3\n")
    assert "from 2026-07-01 to 2026-09-30 (UTC), compared with 2026Q2" in text
    head = section(text, "Headline numbers")
    # Q3: 0005 and 0006; Q2: 0004
    assert "| Incidents | 2 | 1 | ↑ 1 more |" in head
    assert "| S1/S2 incidents | 1 | 0 | ↑ 1 more |" in head
    # MTTD Q3 8 h (0005 has no onset) against 6 h in Q2
    assert "| MTTD median | 8.0 h | 6.0 h | ↑ 2.0 h slower |" in head
    assert "| MTTR median | 24.0 h | — | n/a |" in head
    # created in Q3: PM1/A3, PM2/A2; completed in Q3: PM2/A1 (won't-do)
    assert "| Action items opened | 2 | 0 | ↑ 2 more |" in head
    assert "| Action items closed | 1 | 0 | ↑ 1 more |" in head


def test_incident_table_puts_s1_s2_first_and_escapes_text(run_cli: RunCli, db: Path) -> None:
    table = section(review(run_cli, db, "2026Q3"), "Incidents in 2026Q3")
    lines = table.splitlines()
    rows = [line for line in lines if re.match(r"\| S\d ", line)]
    assert [r.split(" | ")[1] for r in rows] == ["INC-2026-0006", "INC-2026-0005"]
    leak = rows[0]
    assert "Leak \\| of &lt;script&gt;alert(1)&lt;/script&gt; data" in leak
    assert "<script>" not in table
    # every row has as many cells as the header: the pipe in the title did not split a cell
    header = next(line for line in lines if line.startswith("| Sev."))

    def cells(line: str) -> int:
        return len(re.split(r"(?<!\\)\|", line))

    assert all(cells(r) == cells(header) for r in rows)
    assert "PM-2026-0002 (published)" in leak
    assert "2 (0 verified)" in leak
    assert "| 8.0 h | 24.0 h |" in leak
    assert "| — | — | none | none |" in rows[1]


def test_quarter_boundaries_are_utc(run_cli: RunCli, db: Path) -> None:
    # 0003 was detected on 1 April at +05:00: 31 March in UTC, so in Q1's review
    q1 = section(review(run_cli, db, "2026Q1"), "Incidents in 2026Q1")
    q2 = section(review(run_cli, db, "2026q2"), "Incidents in 2026Q2")
    assert "INC-2026-0003" in q1
    assert "INC-2026-0003" not in q2
    assert "INC-2026-0004" in q2


def test_failure_modes_trend_cases_and_gaps(run_cli: RunCli, db: Path) -> None:
    text = review(run_cli, db, "2026Q3")
    modes = section(text, "Top failure modes")
    assert "| factual-hallucination | 1 | 50% | 0 |" in modes
    assert "| data-exposure | 1 | 50% | 0 |" in modes
    assert "| cost-overrun | 1 | 50% | 0 |" in modes
    trend = section(text, "MTTD and MTTR trend")
    assert "| 2025Q4 | 0 | — | — | — | — | 0 |" in trend
    assert "| 2026Q1 | 3 | 2.0 h | 3.6 h | 10.0 h | 21.2 h | 0 |" in trend
    assert "| 2026Q2 | 1 | 6.0 h | 6.0 h | — | — | 1 |" in trend
    assert "| 2026Q3 | 2 | 8.0 h | 8.0 h | 24.0 h | 24.0 h | 2 |" in trend
    cases = section(text, "Regression cases and verification")
    assert "not read from git history" in cases
    assert "2 cases guard this quarter's incidents; 0 of them (0%)" in cases
    assert "| safety-critical | 1 |" in cases
    gaps = section(text, "Evaluation gaps by category")
    assert "| missing-coverage | 1 | 0 |" in gaps
    assert "| stale-test-data | 1 | 0 |" in gaps
    assert "| external-change | 1 |" in gaps


def test_action_items_recurrences_and_questions(run_cli: RunCli, db: Path) -> None:
    text = review(run_cli, db, "2026Q3")
    items = section(text, "Action items")
    assert "Opened in 2026Q3: 2" in items
    assert "Closed in 2026Q3: 1" in items
    assert "Overdue on 2026-11-26: 1" in items
    assert "| PM-2026-0001/A2 | @asha-r | 2026-03-01 | open |" in items
    rec = section(text, "Recurrences")
    assert "1 of 2 incidents repeat an earlier pattern" in rec
    assert "INC-2026-0002 (2026Q1)" in rec
    questions = section(text, "The practice's questions")
    assert (
        "No: the median time to detection rose from 6.0 h in 2026Q2 to 8.0 h in 2026Q3" in questions
    )
    assert "1 incident(s) in 2026Q3 against 0 in 2026Q2" in questions and "rising" in questions
    assert (
        "Across all 6 incidents to the end of 2026Q3: factual-hallucination (3 of 6)" in questions
    )
    assert "To date: missing-coverage (2)" in questions


def test_detection_faster_and_unknown(run_cli: RunCli, db: Path) -> None:
    q1 = section(review(run_cli, db, "2026Q1"), "The practice's questions")
    assert "Cannot tell: no incident of 2025Q4" in q1
    q2 = section(review(run_cli, db, "2026Q2"), "The practice's questions")
    assert "No: the median time to detection rose from 2.0 h in 2026Q1 to 6.0 h" in q2


def test_empty_quarter(run_cli: RunCli, db: Path) -> None:
    text = review(run_cli, db, "2025Q2")
    assert "No incident was detected in 2025Q2." in text
    assert "| Incidents | 0 | 0 | → no change |" in text


def test_output_file_is_not_overwritten_without_force(run_cli: RunCli, db: Path) -> None:
    out = db / "reviews" / "2026Q3.md"
    run_cli("-C", str(db), "review", "--quarter", "2026Q3", "--output", str(out))
    first = out.read_text(encoding="utf-8")
    assert first == review(run_cli, db, "2026Q3")
    out.write_text("keep me", encoding="utf-8")
    result = run_cli("-C", str(db), "review", "--quarter", "2026Q3", "--output", str(out), expect=1)
    assert "already exists" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    run_cli("-C", str(db), "review", "--quarter", "2026Q3", "--output", str(out), "--force")
    assert out.read_text(encoding="utf-8") == first
    assert [p.name for p in out.parent.iterdir()] == ["2026Q3.md"]  # no temporary left


def test_bad_quarter_is_a_usage_error(run_cli: RunCli, db: Path) -> None:
    result = run_cli("-C", str(db), "review", "--quarter", "2026Q5", expect=2)
    assert "not a quarter like 2026Q3" in result.stderr


def test_renders_as_tables_in_mkdocs_markdown(run_cli: RunCli, db: Path) -> None:
    markdown = pytest.importorskip("markdown")
    html = markdown.markdown(review(run_cli, db, "2026Q3"), extensions=["tables"])
    assert html.count("<table>") == 9
    assert "<script>" not in html
    assert "Leak | of &lt;script&gt;" in html
