"""Records cut down to what lint's repository-wide rules read.

`incidentkit lint` keeps every record until its repository rules (unique IDs,
links, severities, deadlines, overdue items) have run at the end. At ten
thousand incidents the free text it does not need (titles, root causes,
action-item descriptions, a case's checks) was most of its memory. Commands
that report on records (gate, coverage, stats, the site) keep them whole.

What is kept, by the rules that read it: IDs, paths, documents (for lines),
links (`incidents`, `related_incidents`), severity and detection time
(postmortem-deadline, lightweight-severity), a post-mortem's format and its
action items' ID, owner, status and due date (overdue-action-item), a case's
source and key (unique-id). The lint tests run every rule through this cut,
so a rule that starts reading a dropped field fails them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet

# What the cut empties in each record class, and the empty value it leaves. The
# lint cache decodes records straight into this form (`cache/index.py`), so a
# warm lint builds no whole record only to cut it. A post-mortem's action items
# are cut one by one (`ActionItem`).
EMPTIED: dict[type, dict[str, Any]] = {
    Incident: {"title": "", "failure_modes": (), "tags": (), "approximate": (), "waiver": None},
    Postmortem: {
        "title": "",
        "authors": (),
        "root_causes": (),
        "evaluation_gaps": (),
        "leading_indicators": (),
        "success_criteria": (),
        "sources": (),
    },
    ActionItem: {"description": "", "link": None},
    EvalCase: {"data": {}, "expected": (), "reproduction": None, "verification": None},
}


def for_repository_rules(unit: RecordSet) -> RecordSet:
    """A copy of `unit` whose records hold only what repository rules read.

    Cutting a record that is already cut returns it as it is, and a unit
    with nothing to cut is returned itself: lint cuts a unit answered by its
    cache twice (once for the clock rules, once to keep), and the second
    time costs nothing.
    """
    if not (unit.incidents or unit.postmortems or unit.cases):
        return unit
    incidents = [_incident(i) for i in unit.incidents]
    postmortems = [_postmortem(p) for p in unit.postmortems]
    cases = [_case(c) for c in unit.cases]
    kept = (incidents, unit.incidents), (postmortems, unit.postmortems), (cases, unit.cases)
    if all(_same(cut, whole) for cut, whole in kept):
        return unit
    return RecordSet(
        config=unit.config,
        documents=unit.documents,
        incidents=incidents,
        postmortems=postmortems,
        cases=cases,
        python_problems=unit.python_problems,
        strays=unit.strays,
    )


def _same(cut: Sequence[object], whole: Sequence[object]) -> bool:
    return all(a is b for a, b in zip(cut, whole, strict=True))


def _cut(record: Any) -> Any:
    """`record` with `EMPTIED`'s fields emptied; itself when they already are."""
    emptied = EMPTIED[type(record)]
    if all(_empty(getattr(record, name)) for name in emptied):
        return record
    return replace(record, **{name: _fresh(value) for name, value in emptied.items()})


def _empty(value: object) -> bool:
    return value is None or (not value and type(value) in (str, tuple, dict))


def _fresh(value: object) -> object:
    return {} if isinstance(value, dict) else value  # never one dict shared by records


def _incident(incident: Incident) -> Incident:
    cut: Incident = _cut(incident)
    return cut


def _postmortem(pm: Postmortem) -> Postmortem:
    items = tuple(_action_item(a) for a in pm.action_items)
    cut: Postmortem = _cut(pm)
    if all(a is b for a, b in zip(items, pm.action_items, strict=True)):
        return cut
    return replace(cut, action_items=items)


def _action_item(item: ActionItem) -> ActionItem:
    cut: ActionItem = _cut(item)
    return cut


def _case(case: EvalCase) -> EvalCase:
    cut: EvalCase = _cut(case)
    return cut
