"""Typed views of records for the code that reasons about them.

Built leniently from a document's data: a field with the wrong type reads as
missing (the schema rule reports it), so metrics, coverage and the site never
crash on a malformed record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from incidentkit.records.document import Document
from incidentkit.records.timestamps import parse_date, parse_timestamp
from incidentkit.records.yamlsource import Key

# The largest integer every JSON reader and SQLite keep exactly (2^53 - 1); the
# schemas' maximum for counts. A larger one is left out like a wrong type.
MAX_EXACT_INT = 2**53 - 1


def _str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def _strs(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key)
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def _dicts(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@dataclass(frozen=True, slots=True)
class Waiver:
    reason: str
    approved_by: str


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    title: str
    status: str | None
    severity: str | None
    failure_modes: tuple[str, ...]
    started_at: datetime | None
    detected_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    detection: str | None
    agent: str | None
    agent_version: str | None
    affected_users: int | None
    near_miss: bool
    related_incidents: tuple[str, ...]
    waiver: Waiver | None
    tags: tuple[str, ...]
    approximate: tuple[str, ...]
    doc: Document = field(compare=False, repr=False)

    @classmethod
    def from_document(cls, doc: Document) -> Incident:
        d: dict[str, Any] = doc.data
        waiver = d.get("regression_waiver")
        users = d.get("affected_users")
        return cls(
            id=_str(d, "id") or "",
            title=_str(d, "title") or "",
            status=_str(d, "status"),
            severity=_str(d, "severity"),
            failure_modes=_strs(d, "failure_modes"),
            started_at=parse_timestamp(d.get("started_at")),
            detected_at=parse_timestamp(d.get("detected_at")),
            mitigated_at=parse_timestamp(d.get("mitigated_at")),
            resolved_at=parse_timestamp(d.get("resolved_at")),
            detection=_str(d, "detection"),
            agent=_str(d, "agent"),
            agent_version=_str(d, "agent_version"),
            affected_users=users
            if isinstance(users, int)
            and not isinstance(users, bool)
            and 0 <= users <= MAX_EXACT_INT  # past it the schema reports; exports stay exact
            else None,
            near_miss=d.get("near_miss") is True,
            related_incidents=_strs(d, "related_incidents"),
            waiver=Waiver(str(waiver.get("reason", "")), str(waiver.get("approved_by", "")))
            if isinstance(waiver, dict)
            else None,
            tags=_strs(d, "tags"),
            approximate=_strs(d, "approximate"),
            doc=doc,
        )

    @property
    def path(self) -> str:
        return self.doc.path


@dataclass(frozen=True, slots=True)
class RootCause:
    category: str
    description: str


@dataclass(frozen=True, slots=True)
class EvaluationGap:
    type: str
    description: str
    index: int


@dataclass(frozen=True, slots=True)
class LeadingIndicator:
    metric: str
    threshold: str
    description: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    postmortem_id: str
    id: str
    description: str
    owner: str | None
    due: date | None
    status: str | None
    kind: str | None
    link: str | None
    created: date | None
    completed: date | None
    index: int

    @property
    def global_id(self) -> str:
        return f"{self.postmortem_id}/{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "in-progress")

    def is_overdue(self, today: date) -> bool:
        """Open or in progress past its due date; done and won't-do items never are."""
        return self.is_open and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class Postmortem:
    id: str
    title: str
    incidents: tuple[str, ...]
    status: str | None
    format: str
    authors: tuple[str, ...]
    root_causes: tuple[RootCause, ...]
    evaluation_gaps: tuple[EvaluationGap, ...]
    leading_indicators: tuple[LeadingIndicator, ...]
    action_items: tuple[ActionItem, ...]
    success_criteria: tuple[str, ...]
    sources: tuple[str, ...]
    doc: Document = field(compare=False, repr=False)

    @classmethod
    def from_document(cls, doc: Document) -> Postmortem:
        d: dict[str, Any] = doc.data
        pm_id = _str(d, "id") or ""
        return cls(
            id=pm_id,
            title=_str(d, "title") or "",
            incidents=_strs(d, "incidents"),
            status=_str(d, "status"),
            format=_str(d, "format") or "full",
            authors=_strs(d, "authors"),
            root_causes=tuple(
                RootCause(str(c.get("category", "")), str(c.get("description", "")))
                for c in _dicts(d, "root_causes")
            ),
            evaluation_gaps=tuple(
                EvaluationGap(str(g.get("type", "")), str(g.get("description", "")), i)
                for i, g in enumerate(_dicts(d, "evaluation_gaps"))
            ),
            leading_indicators=tuple(
                LeadingIndicator(
                    str(x.get("metric", "")),
                    str(x.get("threshold", "")),
                    str(x.get("description", "")),
                )
                for x in _dicts(d, "leading_indicators")
            ),
            action_items=tuple(
                _action_item(pm_id, i, a) for i, a in enumerate(_dicts(d, "action_items"))
            ),
            success_criteria=_strs(d, "success_criteria"),
            sources=_strs(d, "sources"),
            doc=doc,
        )

    @property
    def path(self) -> str:
        return self.doc.path


def _action_item(pm_id: str, index: int, a: dict[str, Any]) -> ActionItem:
    return ActionItem(
        postmortem_id=pm_id,
        id=str(a.get("id", f"#{index + 1}")),
        description=str(a.get("description", "")),
        owner=_str(a, "owner"),
        due=parse_date(a.get("due")),
        status=_str(a, "status"),
        kind=_str(a, "kind"),
        link=_str(a, "link"),
        created=parse_date(a.get("created")),
        completed=parse_date(a.get("completed")),
        index=index,
    )


@dataclass(frozen=True, slots=True)
class Verification:
    fails_on: str | None
    passes_on: str | None
    runs_before: int | None
    runs_after: int | None
    failure_rate_before: float | None
    failure_rate_after: float | None


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One regression case: a YAML case, or a marked Python test under evals/."""

    id: str
    incidents: tuple[str, ...]
    tier: str | None
    gap: str | None
    agent: str | None
    path: str
    line: int
    source: str  # "yaml" or "python"
    key: Key = ()  # where the case sits in its YAML file: () or ("cases", i)
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    verification: Verification | None = None
    reproduction: dict[str, Any] | None = None
    doc: Document | None = field(default=None, compare=False, repr=False)
    # What the loader saw about whether the case runs and checks something;
    # `incidentkit.counts` turns it, with the config, into "counts" or a reason.
    expected: tuple[Any, ...] = field(default=(), compare=False, repr=False)  # YAML checks
    placeholder: str | None = None  # template text a YAML field still holds
    not_run: str | None = None  # why pytest never runs it (Python tests)
    conditional: str | None = None  # runs only under a condition (skipif, importorskip...)
    asks_nothing: bool = False  # no user message in `input` has text

    @classmethod
    def from_yaml(cls, doc: Document, data: dict[str, Any], key: Key) -> EvalCase:
        ver = data.get("verification")
        rep = data.get("reproduction")
        return cls(
            id=_str(data, "id") or "",
            incidents=_strs(data, "incidents"),
            tier=_str(data, "tier"),
            gap=_str(data, "gap"),
            agent=_str(data, "agent"),
            path=doc.path,
            line=doc.at(key)[0] if key else 1,
            source="yaml",
            key=key,
            data=data,
            verification=_verification(ver) if isinstance(ver, dict) else None,
            reproduction=rep if isinstance(rep, dict) else None,
            doc=doc,
            expected=tuple(exp) if isinstance(exp := data.get("expected"), list) else (),
            asks_nothing=not _asks_something(data),
        )

    def at(self, field_name: str) -> tuple[int, int]:
        """Line and column of one of the case's fields (the case's line for Python tests)."""
        if self.doc is None:
            return (self.line, 1)
        return self.doc.at((*self.key, field_name))

    @property
    def verified(self) -> bool:
        v = self.verification
        return v is not None and bool(v.fails_on) and bool(v.passes_on)


def _asks_something(data: dict[str, Any]) -> bool:
    """Whether some user message of a case's input has text (the schema checks the shape;
    an input that is not a message list is left to it)."""
    source = data.get("input")
    messages = source.get("messages") if isinstance(source, dict) else None
    if not isinstance(messages, list):
        return True
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    return any(not isinstance(m.get("content"), str) or m["content"].strip() for m in users)


def _verification(v: dict[str, Any]) -> Verification:
    def num(key: str) -> float | None:
        x = v.get(key)
        return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None

    def count(key: str) -> int | None:
        x = v.get(key)
        ok = isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= MAX_EXACT_INT
        return x if ok else None

    return Verification(
        fails_on=_str(v, "fails_on"),
        passes_on=_str(v, "passes_on"),
        runs_before=count("runs_before"),
        runs_after=count("runs_after"),
        failure_rate_before=num("failure_rate_before"),
        failure_rate_after=num("failure_rate_after"),
    )
