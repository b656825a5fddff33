"""A reference to an incident that does not exist.

Checked: a post-mortem's `incidents`, an eval case's `incidents` (YAML cases
and `@pytest.mark.incident` markers), and an incident's `related_incidents`.
IDs match exactly: `INC-2026-004` is not `INC-2026-0042`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping

from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at

ID = "broken-link"
LEVEL = Level.ERROR
SCOPE = "repository"  # needs every record, not one file


def _hint(target: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(target, list(known), n=1, cutoff=0.8)
    return (
        f"did you mean {close[0]}?"
        if close
        else "link an existing incident ID, or add the incident first"
    )


def check(ctx: LintContext) -> Iterator[Finding]:
    known = ctx.records.incidents_by_id
    for pm in ctx.records.postmortems:
        for index, target in enumerate(pm.incidents):
            if target not in known:
                yield at(
                    pm.doc,
                    ("incidents", index),
                    ID,
                    LEVEL,
                    f"post-mortem {pm.id} analyses {target}, which does not exist",
                    _hint(target, known),
                )
    for incident in ctx.records.incidents:
        for index, target in enumerate(incident.related_incidents):
            if target not in known:
                yield at(
                    incident.doc,
                    ("related_incidents", index),
                    ID,
                    LEVEL,
                    f"related incident {target} does not exist",
                    _hint(target, known),
                )
            elif target == incident.id:
                yield at(
                    incident.doc,
                    ("related_incidents", index),
                    ID,
                    LEVEL,
                    f"{incident.id} lists itself as a related incident",
                    "remove it",
                )
    for case in ctx.records.cases:
        for index, target in enumerate(case.incidents):
            if target not in known:
                if case.doc is not None:
                    yield at(
                        case.doc,
                        (*case.key, "incidents", index),
                        ID,
                        LEVEL,
                        f"case '{case.id}' links {target}, which does not exist",
                        _hint(target, known),
                    )
                else:
                    yield Finding(
                        case.path,
                        case.line,
                        1,
                        ID,
                        LEVEL,
                        f"test {case.id} is marked for {target}, which does not exist",
                        _hint(target, known),
                    )
