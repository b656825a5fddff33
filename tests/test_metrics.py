"""`incidentkit.metrics`: the one definition of every number, on values worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from incidentkit import metrics
from incidentkit.records.document import Document
from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem, Verification


def make_incident(
    n: int = 1,
    started: datetime | None = None,
    detected: datetime | None = None,
    resolved: datetime | None = None,
    **data: object,
) -> Incident:
    doc = Document(path=f"incidents/INC-2026-{n:04d}.md", kind="incident", data=dict(data))
    base = Incident.from_document(doc)
    return Incident(
        **{
            **{f: getattr(base, f) for f in base.__dataclass_fields__},
            "id": f"INC-2026-{n:04d}",
            "started_at": started,
            "detected_at": detected,
            "resolved_at": resolved,
        }
    )


def item(
    status: str,
    due: date | None = None,
    created: date | None = None,
    completed: date | None = None,
    owner: str | None = "@a",
    n: int = 1,
) -> ActionItem:
    return ActionItem(
        "PM-2026-0001", f"A{n}", "x", owner, due, status, "fix", None, created, completed, n
    )


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_median_odd_and_even_counts() -> None:
    assert metrics.median([5.0, 1.0, 3.0]) == 3.0
    assert metrics.median([4.0, 1.0, 3.0, 10.0]) == 3.5  # (3 + 4) / 2
    assert metrics.median([7.0]) == 7.0
    assert metrics.median([]) is None


def test_percentile_interpolates_between_ranks() -> None:
    # rank (5 - 1) * 0.9 = 3.6 -> 40 + 0.6 * (50 - 40)
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0, 50.0], 90) == pytest.approx(46.0)
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0, 50.0], 50) == 30.0
    assert metrics.percentile([3.0], 90) == 3.0
    assert metrics.percentile([], 90) is None


def test_durations_and_missing_timestamps() -> None:
    a = make_incident(1, T0, T0 + timedelta(hours=2), T0 + timedelta(hours=12))
    b = make_incident(2, None, T0, None)  # no onset, not resolved
    assert metrics.time_to_detection(a) == 2.0
    assert metrics.time_to_resolution(a) == 10.0
    assert metrics.time_to_detection(b) is None
    assert metrics.time_to_resolution(b) is None
    summary = metrics.mttd([a, b])
    assert (summary.count, summary.missing, summary.median_hours) == (1, 1, 2.0)
    # excluded, never counted as zero
    assert metrics.mttr([a, b]).median_hours == 10.0


def test_durations_across_time_zones() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    pst = timezone(timedelta(hours=-8))
    i = make_incident(
        1,
        datetime(2026, 2, 1, 10, 0, tzinfo=ist),  # 04:30 UTC
        datetime(2026, 2, 1, 0, 30, tzinfo=pst),  # 08:30 UTC
        datetime(2026, 2, 1, 9, 30, tzinfo=UTC),
    )
    assert metrics.time_to_detection(i) == 4.0
    assert metrics.time_to_resolution(i) == 1.0


def test_quarters_are_utc() -> None:
    plus5 = timezone(timedelta(hours=5))
    minus8 = timezone(timedelta(hours=-8))
    # 1 April locally, 31 March in UTC
    assert metrics.quarter_of(datetime(2026, 4, 1, 2, 0, tzinfo=plus5)) == "2026Q1"
    # 31 December locally, 1 January in UTC
    assert metrics.quarter_of(datetime(2025, 12, 31, 20, 0, tzinfo=minus8)) == "2026Q1"
    assert metrics.quarter_of(datetime(2026, 6, 30, 23, 59, tzinfo=UTC)) == "2026Q2"
    assert metrics.incident_quarter(make_incident(1)) is None


def test_quarter_arithmetic() -> None:
    assert metrics.previous_quarter("2026Q1") == "2025Q4"
    assert metrics.next_quarter("2026Q4") == "2027Q1"
    assert metrics.normalize_quarter("2026-q3") == "2026Q3"
    assert metrics.quarter_bounds("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert metrics.quarter_bounds("2024Q4") == (date(2024, 10, 1), date(2024, 12, 31))
    assert metrics.quarter_range("2025Q3", "2026Q2") == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]
    assert metrics.quarter_range("2026Q2", "2026Q1") == []
    assert metrics.date_quarter(date(2026, 7, 1)) == "2026Q3"
    for bad in ("2026Q5", "Q3", "2026-3", "26Q1"):
        with pytest.raises(ValueError):
            metrics.parse_quarter(bad)


def test_quarter_series_fills_empty_quarters() -> None:
    a = make_incident(1, None, datetime(2026, 1, 5, tzinfo=UTC))
    b = make_incident(2, None, datetime(2026, 7, 5, tzinfo=UTC))
    c = make_incident(3)  # no detected_at: in no quarter
    series = metrics.quarter_series([b, a, c])
    assert {q: [i.id for i in g] for q, g in series.items()} == {
        "2026Q1": ["INC-2026-0001"],
        "2026Q2": [],
        "2026Q3": ["INC-2026-0002"],
    }
    assert list(metrics.quarter_series([a], "2025Q4", "2026Q2")) == ["2025Q4", "2026Q1", "2026Q2"]
    assert metrics.quarter_series([]) == {}


def test_count_by_counts_a_list_once_per_value() -> None:
    a = make_incident(1, failure_modes=["tool-misuse", "instruction-violation", "tool-misuse"])
    b = make_incident(2, failure_modes=["tool-misuse"])
    counts = metrics.count_by([a, b], lambda i: i.failure_modes)
    assert counts == {"tool-misuse": 2, "instruction-violation": 1}
    assert list(counts) == ["tool-misuse", "instruction-violation"]  # by count, then name
    assert metrics.count_by([a, b], lambda i: i.severity) == {}  # unset values are not counted


def test_group_by_field() -> None:
    a = make_incident(1, agent="billing", team="payments", near_miss=True)
    b = make_incident(2, agent="support")
    groups = metrics.group_by_field([a, b], "team")
    assert {k: [i.id for i in v] for k, v in groups.items()} == {
        "payments": ["INC-2026-0001"],
        "(none)": ["INC-2026-0002"],
    }
    assert list(metrics.group_by_field([a, b], "near_miss")) == ["(none)", "true"]
    assert list(metrics.group_by_field([a, b], "affected_users")) == ["(none)"]
    with pytest.raises(KeyError):
        metrics.group_by_field([a, b], "colour")


def test_action_item_metrics() -> None:
    today = date(2026, 11, 26)
    items = [
        item("done", date(2026, 1, 1), date(2025, 12, 1), date(2026, 1, 10), n=1),
        item("open", date(2026, 11, 1), date(2026, 10, 1), n=2),  # overdue
        item("in-progress", date(2026, 11, 25), None, owner=None, n=3),  # overdue
        item("wont-do", date(2026, 1, 1), date(2026, 10, 2), date(2026, 10, 3), n=4),
        item("open", date(2026, 11, 26), date(2026, 11, 1), n=5),  # due today: not yet
    ]
    assert metrics.completion_rate(items) == 0.2
    assert metrics.completion_rate([]) is None
    assert metrics.time_to_close_days(items[0]) == 40
    assert metrics.time_to_close_days(items[1]) is None
    assert [i.id for i in metrics.overdue(items, today)] == ["A2", "A3"]
    assert [i.id for i in metrics.opened_in(items, "2026Q4")] == ["A2", "A4", "A5"]
    assert [i.id for i in metrics.closed_in(items, "2026Q4")] == ["A4"]
    assert [i.id for i in metrics.closed_in(items, "2026Q1")] == ["A1"]
    loads = metrics.action_items_by_owner(items, today)
    assert [(o.owner, o.total, o.open, o.overdue, o.done) for o in loads] == [
        ("@a", 4, 2, 1, 1),
        ("(unowned)", 1, 1, 1, 0),
    ]


def test_verification_rate_and_turnaround() -> None:
    verified = EvalCase(
        "a", ("INC-2026-0001",), "regression", None, None, "evals/a.yaml", 1, "yaml",
        verification=Verification("x@1", "x@2", None, None, None, None),
    )  # fmt: skip
    plain = EvalCase("b", ("INC-2026-0001",), "regression", None, None, "evals/b.yaml", 1, "yaml")
    assert metrics.verification_rate([verified, plain]) == 0.5
    assert metrics.verification_rate([]) is None
    i = make_incident(1, None, T0)
    assert metrics.turnaround_hours(i, T0 + timedelta(hours=30)) == 30.0
    assert metrics.turnaround_hours(i, None) is None


def test_root_cause_and_gap_counts() -> None:
    doc = Document(
        path="postmortems/PM-2026-0001.md",
        kind="postmortem",
        data={
            "id": "PM-2026-0001",
            "root_causes": [
                {"category": "prompt-deficiency"},
                {"category": "external-change"},
                {"category": "prompt-deficiency"},
            ],
            "evaluation_gaps": [{"type": "missing-coverage"}],
        },
    )
    pm = Postmortem.from_document(doc)
    assert metrics.root_cause_counts([pm]) == {"prompt-deficiency": 2, "external-change": 1}
    assert metrics.evaluation_gap_counts([pm, pm]) == {"missing-coverage": 2}


def test_out_of_order_timestamps_count_as_missing_not_negative() -> None:
    incident = make_incident(started=T0 + timedelta(days=1), detected=T0)
    assert metrics.time_to_detection(incident) is None
    summary = metrics.mttd([incident])
    assert (summary.count, summary.missing) == (0, 1)
