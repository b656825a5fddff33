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

from dataclasses import replace

from incidentkit.records.model import ActionItem, EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet


def for_repository_rules(unit: RecordSet) -> RecordSet:
    """A copy of `unit` whose records hold only what repository rules read."""
    if not (unit.incidents or unit.postmortems or unit.cases):
        return unit
    return RecordSet(
        config=unit.config,
        documents=unit.documents,
        incidents=[_incident(i) for i in unit.incidents],
        postmortems=[_postmortem(p) for p in unit.postmortems],
        cases=[_case(c) for c in unit.cases],
        python_problems=unit.python_problems,
        strays=unit.strays,
    )


def _incident(incident: Incident) -> Incident:
    return replace(incident, title="", failure_modes=(), tags=(), approximate=(), waiver=None)


def _postmortem(pm: Postmortem) -> Postmortem:
    return replace(
        pm,
        title="",
        authors=(),
        root_causes=(),
        evaluation_gaps=(),
        leading_indicators=(),
        success_criteria=(),
        sources=(),
        action_items=tuple(_action_item(a) for a in pm.action_items),
    )


def _action_item(item: ActionItem) -> ActionItem:
    return replace(item, description="", link=None)


def _case(case: EvalCase) -> EvalCase:
    return replace(case, data={}, expected=(), reproduction=None, verification=None)
