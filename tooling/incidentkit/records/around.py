"""A few files' records, and of every other file what the repository rules read of it.

`incidentkit lint --pre-commit FILE` reports findings in FILE only. A file
rule reads FILE alone; a repository rule (unique IDs, links, severities,
deadlines) also reads the other files, but only a little of each:

- `broken-link`: which incident IDs exist (`incidents_by_id`'s keys; the hint
  compares the broken target with all of them);
- `lightweight-severity`: the incident each linked ID names
  (`incidents_by_id[id]`, the last holder of the ID, as `RecordSet` has it);
- `postmortem-deadline`: which incident IDs a post-mortem names
  (`postmortems_by_incident`'s keys);
- `unique-id`: for each ID FILE holds, the first record in walk order that
  holds it (its path and line go in the message);
- `python-syntax`: nothing.

So each file's `Facts` (its incident IDs, its post-mortems' IDs and links,
its YAML cases' IDs) are kept with the lint cache's run snapshot, and a hook
run builds an `Around` from FILE's records, the facts of every other file,
and a way to load another file's records when a rule needs one whole (the
first holder of a duplicate ID, the incident a lightweight post-mortem
covers). `AROUND_RULES` lists the rules this reasoning covers: a repository
rule not in it makes the hook lint the whole repository, as would anything
`Around` cannot answer (it raises `Unanswerable`), so a new rule is slower
until declared here, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, TypeVar

from incidentkit.config import Config
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.records.repository import RecordSet

# The repository rules whose findings in a file `Around` answers exactly.
AROUND_RULES = frozenset(
    {"broken-link", "lightweight-severity", "postmortem-deadline", "python-syntax", "unique-id"}
)

# One file's facts, JSON-ready: [incident IDs, [[post-mortem ID, [incident IDs]]], YAML case IDs]
Facts = list[Any]

T = TypeVar("T")


class Unanswerable(Exception):
    """A rule asked what `Around` does not keep: lint the whole repository instead."""


def facts_of(unit: RecordSet) -> Facts:
    """What the repository rules read of one file's records when judging other files."""
    return [
        [i.id for i in unit.incidents],
        [[p.id, list(p.incidents)] for p in unit.postmortems],
        [c.id for c in unit.cases if c.source == "yaml"],
    ]


def facts_by_file(records: RecordSet, names: Sequence[str]) -> list[Facts] | None:
    """`facts_of` each of `names` (record files, in walk order) from a whole repository;
    None when a record is in none of them (then nothing is kept)."""
    found: dict[str, Facts] = {name: [[], [], []] for name in names}
    try:
        for incident in records.incidents:
            found[incident.path][0].append(incident.id)
        for pm in records.postmortems:
            found[pm.path][1].append([pm.id, list(pm.incidents)])
        for case in records.cases:
            if case.source == "yaml":
                found[case.path][2].append(case.id)
    except KeyError:
        return None
    return [found[name] for name in names]


def valid_facts(found: list[Any]) -> bool:
    """Whether each of `found` (read back from the cache) is None or has the shape
    `facts_of` gives. Plain loops: this runs over every file of the repository."""
    for value in found:
        if value is None:
            continue
        if type(value) is not list or len(value) != 3:
            return False
        incidents, postmortems, cases = value
        if type(incidents) is not list or type(postmortems) is not list or type(cases) is not list:
            return False
        for text in incidents:
            if type(text) is not str:
                return False
        for text in cases:
            if type(text) is not str:
                return False
        for pm in postmortems:
            if type(pm) is not list or len(pm) != 2 or type(pm[0]) is not str:
                return False
            links = pm[1]
            if type(links) is not list:
                return False
            for text in links:
                if type(text) is not str:
                    return False
    return True


class _Lazy(Mapping[str, T]):
    """A mapping whose keys are known and whose values are built on first use."""

    def __init__(self, keys: dict[str, Any], build: Callable[[Any, str], T]) -> None:
        self._keys = keys
        self._build = build
        self._built: dict[str, T] = {}

    def __getitem__(self, key: str) -> T:
        if key not in self._built:
            self._built[key] = self._build(self._keys[key], key)
        return self._built[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys


class Around(RecordSet):
    """The given files' records, plus the other files' records a rule's findings in them need.

    `given`: (walk index, unit) of the given files, in walk order (each unit
    already cut by `records/slim.py`; Python files and stray files numbered
    after the record files). `facts`: each record file's facts by
    walk index (the given files' are computed here). `load(index)`: another
    record file's unit, cut; it may raise (the caller falls back).

    The lists (`incidents`, `postmortems`, `cases`...) hold the given files'
    records and the first holder of each ID they hold, in walk order; the
    indexes by ID cover the whole repository.
    """

    def __init__(
        self,
        config: Config,
        given: list[tuple[int, RecordSet]],
        facts: list[Facts | None],
        load: Callable[[int], RecordSet],
    ) -> None:
        super().__init__(config)
        self._facts = list(facts)
        self._load = load
        self._units: dict[int, RecordSet] = {}
        for index, unit in given:
            if index < len(self._facts):  # a record file (Python files and strays come after)
                self._units[index] = unit
                self._facts[index] = facts_of(unit)
        firsts = self._first_holders([unit for _, unit in given])
        extra = {i: self._unit(i) for i in firsts if i not in self._units}
        order = sorted(
            [(index, unit) for index, unit in given] + list(extra.items()), key=lambda p: p[0]
        )
        for _, unit in order:
            self.add(unit)

    def _unit(self, index: int) -> RecordSet:
        if index not in self._units:
            self._units[index] = self._load(index)
        return self._units[index]

    def _first_holders(self, given: list[RecordSet]) -> set[int]:
        """The walk index of the first file holding each ID the given files hold (per kind)."""
        wanted: list[set[str]] = [set(), set(), set()]
        for unit in given:
            wanted[0].update(i.id for i in unit.incidents if i.id)
            wanted[1].update(p.id for p in unit.postmortems if p.id)
            wanted[2].update(c.id for c in unit.cases if c.source == "yaml" and c.id)
        firsts: set[int] = set()
        for kind, ids in enumerate(wanted):
            if not ids:
                continue  # the given files hold no ID of this kind
            first: dict[str, int] = {}
            for index, facts in enumerate(self._facts):
                if facts is None:
                    continue
                held = facts[kind] if kind != 1 else [p[0] for p in facts[1]]
                for found in held:
                    if found in ids and found not in first:
                        first[found] = index
            firsts.update(first.values())
        return firsts

    @cached_property
    def incidents_by_id(self) -> Mapping[str, Incident]:  # type: ignore[override]
        last: dict[str, int] = {}
        for index, facts in enumerate(self._facts):
            if facts is not None:
                for found in facts[0]:
                    if found:
                        last[found] = index
        return _Lazy(last, self._last_incident)

    def _last_incident(self, index: int, incident_id: str) -> Incident:
        held = [i for i in self._unit(index).incidents if i.id == incident_id]
        if not held:
            raise Unanswerable(f"the facts of file {index} do not match its records")
        return held[-1]

    @cached_property
    def postmortems_by_incident(self) -> Mapping[str, list[Postmortem]]:  # type: ignore[override]
        holders: dict[str, list[int]] = {}
        for index, facts in enumerate(self._facts):
            if facts is not None:
                for _, links in facts[1]:
                    for target in links:
                        found = holders.setdefault(target, [])
                        if not found or found[-1] != index:
                            found.append(index)
        return _Lazy(holders, self._postmortems_linking)

    def _postmortems_linking(self, indexes: list[int], incident_id: str) -> list[Postmortem]:
        # As `RecordSet` has it: a post-mortem once per time it names the incident.
        return [
            pm
            for i in indexes
            for pm in self._unit(i).postmortems
            for target in pm.incidents
            if target == incident_id
        ]

    @property
    def postmortems_by_id(self) -> dict[str, Postmortem]:
        raise Unanswerable("postmortems_by_id")

    @property
    def cases_by_incident(self) -> dict[str, list[EvalCase]]:
        raise Unanswerable("cases_by_incident")
