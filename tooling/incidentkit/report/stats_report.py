"""Text and CSV renderings of the stats document.

Both render `Stats.as_dict()`, the same document `--format json` prints, so
the three formats cannot disagree. Text is a set of aligned tables; CSV is
one long table (`section,key,metric,value`) that a spreadsheet can pivot.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from incidentkit.metrics import format_hours

# Durations are rendered as "26.5 h" or "3.4 d"; they line up like numbers.
_NUMBER_LIKE = re.compile(r"^(-?[\d.]+( [hd])?|—)$")

_COUNT_TITLES = {
    "severity": "Severity",
    "failure_mode": "Failure mode (once per mode)",
    "detection": "Detection channel",
    "status": "Status",
    "root_cause": "Root-cause category",
    "evaluation_gap": "Evaluation-gap type",
    "tag": "Tag",
}


def hours(value: float | None) -> str:
    """`26.5 h`, `3.4 d`, or an em dash when there is no value (`metrics.format_hours`)."""
    return format_hours(value)


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An aligned plain-text table; numbers right-aligned, text left-aligned."""
    cells = [[str(h) for h in headers], *[[_cell(v) for v in row] for row in rows]]
    numeric = [
        bool(rows) and all(_NUMBER_LIKE.match(row[c]) for row in cells[1:])
        for c in range(len(headers))
    ]
    widths = [max(len(r[c]) for r in cells) for c in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            v.rjust(w) if numeric[c] else v.ljust(w)
            for c, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def render_text(doc: dict[str, Any]) -> str:
    """The stats document as aligned tables for a terminal."""
    return "\n\n".join(_text_sections(doc)) + "\n"


def _text_sections(doc: dict[str, Any]) -> Iterator[str]:
    totals = doc["totals"]
    filters = doc["filters"]
    window = ""
    if filters["since"] or filters["until"]:
        window = f" detected {filters['since'] or '…'} to {filters['until'] or '…'} (UTC)"
    yield (
        f"Incidents{window}: {totals['incidents']}    post-mortems: {totals['postmortems']}    "
        f"counting eval cases: {totals['eval_cases']}    action items: {totals['action_items']}"
    )
    for name, title in _COUNT_TITLES.items():
        counts = doc["counts"].get(name, {})
        if counts:
            yield text_table([title, "Count"], list(counts.items()))
    yield text_table(
        ["Duration", "Median", "p90", "Incidents", "Missing"],
        [
            [label, hours(d["median_hours"]), hours(d["p90_hours"]), d["count"], d["missing"]]
            for label, d in (
                ("MTTD (started -> detected)", doc["mttd"]),
                ("MTTR (detected -> resolved)", doc["mttr"]),
            )
        ],
    )
    if doc["quarters"]:
        yield _quarter_table(doc)
    items = doc["action_items"]
    if items["by_owner"]:
        yield text_table(
            ["Owner", "Total", "Open", "Overdue", "Done"],
            [
                [o["owner"], o["total"], o["open"], o["overdue"], o["done"]]
                for o in items["by_owner"]
            ],
        )
    if items["overdue_items"]:
        yield "Overdue action items\n" + text_table(
            ["Action item", "Owner", "Due", "Status", "Description"],
            [
                [i["id"], i["owner"], i["due"], i["status"], _short(i["description"])]
                for i in items["overdue_items"]
            ],
        )
    yield "\n".join(
        [
            "Incidents without a post-mortem: " + (", ".join(doc["without_postmortem"]) or "none"),
            "Incidents without a counting eval case: "
            + (", ".join(doc["without_cases"]) or "none"),
        ]
    )
    if doc["by"] is not None:
        yield f"By {doc['by']['field']}\n" + text_table(
            [doc["by"]["field"], "Incidents", "MTTD median", "MTTD p90", "MTTR median", "MTTR p90"],
            [
                [
                    g["value"],
                    g["incidents"],
                    hours(g["mttd"]["median_hours"]),
                    hours(g["mttd"]["p90_hours"]),
                    hours(g["mttr"]["median_hours"]),
                    hours(g["mttr"]["p90_hours"]),
                ]
                for g in doc["by"]["groups"]
            ],
        )


def _quarter_table(doc: dict[str, Any]) -> str:
    # The "without" columns say how many incidents each duration leaves out.
    return text_table(
        [
            "Quarter (UTC)",
            "Incidents",
            "MTTD median",
            "MTTD p90",
            "No TTD",
            "MTTR median",
            "MTTR p90",
            "No TTR",
        ],
        [
            [
                q["quarter"],
                q["incidents"],
                hours(q["mttd"]["median_hours"]),
                hours(q["mttd"]["p90_hours"]),
                q["mttd"]["missing"],
                hours(q["mttr"]["median_hours"]),
                hours(q["mttr"]["p90_hours"]),
                q["mttr"]["missing"],
            ]
            for q in doc["quarters"]
        ],
    )


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def render_csv(doc: dict[str, Any]) -> str:
    """The stats document as one long CSV table: `section,key,metric,value`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "key", "metric", "value"])
    writer.writerows(_csv_rows(doc))
    return buffer.getvalue()


def _csv_rows(doc: dict[str, Any]) -> Iterator[list[object]]:
    for metric, value in doc["totals"].items():
        yield ["totals", "", metric, value]
    for name, counts in doc["counts"].items():
        for key, value in counts.items():
            yield [name, key, "count", value]
    for name in ("mttd", "mttr"):
        yield from _duration_rows(name, "all", doc[name])
    for q in doc["quarters"]:
        yield ["quarter", q["quarter"], "incidents", q["incidents"]]
        for name in ("mttd", "mttr"):
            yield from _duration_rows(name, q["quarter"], q[name])
    items = doc["action_items"]
    for metric in ("total", "open", "overdue", "done", "completion_rate"):
        yield ["action_items", "", metric, _csv_value(items[metric])]
    for owner in items["by_owner"]:
        for metric in ("total", "open", "overdue", "done"):
            yield ["owner", owner["owner"], metric, owner[metric]]
    for item in items["overdue_items"]:
        yield ["overdue_item", item["id"], "due", item["due"] or ""]
    for incident_id in doc["without_postmortem"]:
        yield ["without_postmortem", incident_id, "incident", 1]
    for incident_id in doc["without_cases"]:
        yield ["without_cases", incident_id, "incident", 1]
    if doc["by"] is not None:
        section = f"by:{doc['by']['field']}"
        for g in doc["by"]["groups"]:
            yield [section, g["value"], "incidents", g["incidents"]]
            for name in ("mttd", "mttr"):
                for metric, value in g[name].items():
                    yield [section, g["value"], f"{name}_{metric}", _csv_value(value)]


def _duration_rows(name: str, key: str, summary: dict[str, Any]) -> Iterator[list[object]]:
    for metric, value in summary.items():
        yield [name, key, metric, _csv_value(value)]


def _csv_value(value: object) -> object:
    return "" if value is None else value
