"""Eval cases from YAML documents, and the incident -> cases link graph.

In the records layer so the repository loader, the evals package and the
gate all read cases one way. A case remembers what the loader saw about
whether it checks anything (its `expected` items, template text left in a
field); `incidentkit.counts` judges that against the config.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from incidentkit.records.document import Document
from incidentkit.records.model import EvalCase
from incidentkit.records.placeholders import Markers, describe, in_data


def yaml_cases(doc: Document, markers: Markers | None = None) -> list[EvalCase]:
    """The cases of one YAML eval file (nothing when it did not parse).

    With `markers`, each case records the first field that still holds
    template placeholder text.
    """
    if not doc.readable:
        return []
    data = doc.data
    cases = data.get("cases")
    if isinstance(cases, list):
        found = [
            EvalCase.from_yaml(doc, c, ("cases", i))
            for i, c in enumerate(cases)
            if isinstance(c, dict)
        ]
    else:
        found = [EvalCase.from_yaml(doc, data, ())]
    found = [_with_input(case) for case in found]
    if markers is None or not markers.could_hold_data(doc.text):
        return found
    return [_with_placeholder(case, markers) for case in found]


def _with_input(case: EvalCase) -> EvalCase:
    """A case whose `input` has no messages sends the agent nothing: it never runs."""
    given = case.data.get("input")
    messages = given.get("messages") if isinstance(given, dict) else None
    if isinstance(messages, list) and messages:
        return case
    return replace(case, not_run="no `input.messages`: there is nothing to send to the agent")


def _with_placeholder(case: EvalCase, markers: Markers) -> EvalCase:
    for key, text in in_data(markers, case.data):
        return replace(case, placeholder=f"`{describe(key)}` still holds the template's {text!r}")
    return case


def link_graph(cases: Iterable[EvalCase]) -> dict[str, list[EvalCase]]:
    """Incident ID -> the cases that name it, in discovery order. IDs match exactly."""
    graph: dict[str, list[EvalCase]] = defaultdict(list)
    for case in cases:
        for incident_id in dict.fromkeys(case.incidents):
            graph[incident_id].append(case)
    return dict(graph)
