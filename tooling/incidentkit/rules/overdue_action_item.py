"""An open or in-progress action item is past its due date.

A `done` or `wont-do` item is never overdue. Either finish it, or move the
date with a note in the post-mortem saying why.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "overdue-action-item"
LEVEL = Level.WARNING
CLOCK = True  # overdue as of today: cached findings would go stale overnight


def check(ctx: LintContext) -> Iterator[Finding]:
    today = ctx.today
    for pm in ctx.records.postmortems:
        for item in pm.action_items:
            if item.is_overdue(today) and item.due is not None:
                days = (today - item.due).days
                yield at(
                    pm.doc,
                    ("action_items", item.index, "due"),
                    ID,
                    LEVEL,
                    f"action item {item.global_id} ({item.owner or 'no owner'}) is {days} day(s) overdue",
                    "finish it and set status: done, or agree a new due date",
                )
