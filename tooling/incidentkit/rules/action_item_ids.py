"""Two action items of one post-mortem share an `id`, or an item closed before it was opened.

`PM-2026-0007/A2` names an action item everywhere (the tracker, links from
tickets), so `A2` must be unique within its post-mortem. `completed` before
`created` makes time-to-close negative.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "action-item-ids"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    for pm in ctx.records.postmortems:
        first: dict[str, int] = {}
        for item in pm.action_items:
            if item.id in first:
                line = pm.doc.at(("action_items", first[item.id], "id"))[0]
                yield at(
                    pm.doc,
                    ("action_items", item.index, "id"),
                    ID,
                    LEVEL,
                    f"action item id {item.id} is already used on line {line}",
                    f"number the items A1, A2, ... once each in {pm.id}",
                )
            else:
                first[item.id] = item.index
            if item.created and item.completed and item.completed < item.created:
                yield at(
                    pm.doc,
                    ("action_items", item.index, "completed"),
                    ID,
                    LEVEL,
                    f"action item {item.global_id} was completed ({item.completed}) before it was created ({item.created})",
                    "check both dates",
                )
