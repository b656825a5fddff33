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

from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet


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


def _incident(incident: Incident) -> Incident:
    if not (
        incident.title
        or incident.failure_modes
        or incident.tags
        or incident.approximate
        or incident.waiver is not None
    ):
        return incident
    return replace(incident, title="", failure_modes=(), tags=(), approximate=(), waiver=None)


def _postmortem(pm: Postmortem) -> Postmortem:
    items = tuple(_action_item(a) for a in pm.action_items)
    cut = not (
        pm.title
        or pm.authors
        or pm.root_causes
        or pm.evaluation_gaps
        or pm.leading_indicators
        or pm.success_criteria
        or pm.sources
    )
    if cut and all(a is b for a, b in zip(items, pm.action_items, strict=True)):
        return pm
    return replace(
        pm,
        title="",
        authors=(),
        root_causes=(),
        evaluation_gaps=(),
        leading_indicators=(),
        success_criteria=(),
        sources=(),
        action_items=items,
    )


def _action_item(item: ActionItem) -> ActionItem:
    if not item.description and item.link is None:
        return item
    return replace(item, description="", link=None)


def _case(case: EvalCase) -> EvalCase:
    if not (case.data or case.expected) and case.reproduction is case.verification is None:
        return case
    return replace(case, data={}, expected=(), reproduction=None, verification=None)
