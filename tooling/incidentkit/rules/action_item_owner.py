"""An action item's owner is still a placeholder.

Unowned items do not get done. `owner` and `due` are required by the schema;
this rule catches the template's placeholders (`@TODO`, `@owner`, `TBD`)
that pass the schema's shape but name nobody.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "action-item-owner"
LEVEL = Level.ERROR

PLACEHOLDERS = {"@todo", "@owner", "@tbd", "@someone", "@nobody", "tbd", "todo", ""}


def check(ctx: LintContext) -> Iterator[Finding]:
    for pm in ctx.records.postmortems:
        for item in pm.action_items:
            if item.owner is not None and item.owner.strip().lower() in PLACEHOLDERS:
                yield at(
                    pm.doc,
                    ("action_items", item.index, "owner"),
                    ID,
                    LEVEL,
                    f"action item {item.global_id} has placeholder owner '{item.owner}'",
                    'name the person who will do it, as a quoted handle like "@asha-r"',
                )
