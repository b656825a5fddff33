"""Loading a whole incident repository: every record, once, with its findings."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from incidentkit.config import Config
from incidentkit.findings import Finding
from incidentkit.records.cases import link_graph, yaml_cases
from incidentkit.records.document import Document, Kind, read_document
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.records.placeholders import markers_for
from incidentkit.records.pytest_config import pytest_collection
from incidentkit.records.pytest_source import scan_python

_SKIPPED_NAMES = {"readme.md", "index.md"}


@dataclass
class RecordSet:
    """Everything in the repository, as read; malformed files are kept as documents."""

    config: Config
    documents: list[Document] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    postmortems: list[Postmortem] = field(default_factory=list)
    cases: list[EvalCase] = field(default_factory=list)
    python_problems: list[Finding] = field(default_factory=list)  # eval .py files that do not parse

    def add(self, unit: RecordSet) -> None:
        self.documents.extend(unit.documents)
        self.incidents.extend(unit.incidents)
        self.postmortems.extend(unit.postmortems)
        self.cases.extend(unit.cases)
        self.python_problems.extend(unit.python_problems)

    def units(self) -> Iterator[RecordSet]:
        """One `RecordSet` per file, as `load_repository` hands them to `on_unit`."""
        by_path: dict[str, RecordSet] = {}
        for doc in self.documents:
            by_path.setdefault(doc.path, RecordSet(self.config)).documents.append(doc)
        for incident in self.incidents:
            by_path.setdefault(incident.path, RecordSet(self.config)).incidents.append(incident)
        for pm in self.postmortems:
            by_path.setdefault(pm.path, RecordSet(self.config)).postmortems.append(pm)
        for case in self.cases:
            by_path.setdefault(case.path, RecordSet(self.config)).cases.append(case)
        for problem in self.python_problems:
            by_path.setdefault(problem.path, RecordSet(self.config)).python_problems.append(problem)
        yield from by_path.values()

    @cached_property
    def incidents_by_id(self) -> dict[str, Incident]:
        return {i.id: i for i in self.incidents if i.id}

    @cached_property
    def postmortems_by_id(self) -> dict[str, Postmortem]:
        return {p.id: p for p in self.postmortems if p.id}

    @cached_property
    def cases_by_incident(self) -> dict[str, list[EvalCase]]:
        return link_graph(self.cases)

    @cached_property
    def postmortems_by_incident(self) -> dict[str, list[Postmortem]]:
        found: dict[str, list[Postmortem]] = {}
        for pm in self.postmortems:
            for incident_id in pm.incidents:
                found.setdefault(incident_id, []).append(pm)
        return found


def record_files(config: Config) -> Iterator[tuple[Path, Kind]]:
    """Every record file in the repository, in a stable order."""
    for folder, kind, pattern in (
        (config.incidents_dir, "incident", "*.md"),
        (config.postmortems_dir, "postmortem", "*.md"),
    ):
        base = config.root / folder
        if base.is_dir():
            for file in sorted(base.glob(pattern)):
                # not is_file(): a folder or a broken symlink named like a record gets a finding
                if _is_record_name(file):
                    yield file, kind  # type: ignore[misc]
    evals = config.root / config.evals_dir
    if evals.is_dir():
        for file in sorted(evals.rglob("*")):
            if file.suffix in (".yaml", ".yml") and _is_record_name(file):
                yield file, "eval"


def _is_record_name(file: Path) -> bool:
    return file.name.lower() not in _SKIPPED_NAMES and not file.name.startswith((".", "_"))


def python_test_files(config: Config) -> list[Path]:
    evals = config.root / config.evals_dir
    if not evals.is_dir():
        return []
    return sorted(f for f in evals.rglob("*.py") if f.is_file() and "__pycache__" not in f.parts)


@contextmanager
def _without_cyclic_gc(freeze: bool) -> Iterator[None]:
    """Pause the cyclic garbage collector while records are built.

    Loading allocates millions of small acyclic containers (data, positions);
    each full collection rescans all of them, which made loading superlinear
    (more than half of the time at 3k files). Reference counting still frees
    garbage; cycles, if any, are collected once the collector is back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            # The records live as long as the command: move them out of the
            # collector's sight, so later collections do not rescan them.
            gc.freeze()
        if enabled:
            gc.enable()


def load_repository(
    config: Config,
    files: Iterable[tuple[Path, Kind]] | None = None,
    *,
    on_unit: Callable[[RecordSet], None] | None = None,
    release: bool = False,
    for_process: bool = False,
) -> RecordSet:
    """Read every record file.

    `on_unit` sees each file as soon as it is read, as a `RecordSet` of that
    file alone (its document and records); with `release`, each document's text
    and data are dropped after that, so a whole repository fits in little memory.
    Python eval files come last, one unit per file. `for_process` says the
    records live until the process exits (a CLI command, not `mkdocs serve`),
    so the garbage collector may stop scanning them.
    """
    with _without_cyclic_gc(for_process):
        return _load(config, files, on_unit, release)


def _load(
    config: Config,
    files: Iterable[tuple[Path, Kind]] | None,
    on_unit: Callable[[RecordSet], None] | None,
    release: bool,
) -> RecordSet:
    records = RecordSet(config=config)
    markers = markers_for(config)
    for file, kind in record_files(config) if files is None else files:
        unit = RecordSet(config=config)
        doc = read_document(config.root, file, kind, config.max_file_bytes)
        unit.documents.append(doc)
        if doc.readable:
            if kind == "incident":
                unit.incidents.append(Incident.from_document(doc))
            elif kind == "postmortem":
                unit.postmortems.append(Postmortem.from_document(doc))
            else:
                unit.cases.extend(yaml_cases(doc, markers))
        if on_unit is not None:
            on_unit(unit)
        if release:
            doc.release()
            unit.cases = [replace(case, data={}) for case in unit.cases]
        records.add(unit)
    if files is None:
        collection = pytest_collection(config.settings, config.evals_dir)
        for file in python_test_files(config):
            cases, problem = scan_python(config.root, file, collection, config.evals_dir)
            unit = RecordSet(config=config, cases=cases)
            if problem is not None:
                unit.python_problems.append(problem)
            if on_unit is not None:
                on_unit(unit)
            records.add(unit)
    return records
