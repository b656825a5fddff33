"""Loading a whole incident repository: every record, once, with its findings."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path

from incidentkit.config import Config
from incidentkit.findings import Finding
from incidentkit.records.cases import link_graph, yaml_cases
from incidentkit.records.document import Document, Kind, read_document
from incidentkit.records.folders import scan_folders
from incidentkit.records.model import EvalCase, Incident, Postmortem
from incidentkit.records.placeholders import Markers, markers_for
from incidentkit.records.pytest_config import Collection, pytest_collection
from incidentkit.records.pytest_source import Imposed, conftest_effects, scan_python

# (file, kind, read) -> the file's unit: `read()` itself, or the same answer from a cache.
ReadThrough = Callable[[Path, str, Callable[[], "RecordSet"]], "RecordSet"]


@dataclass
class RecordSet:
    """Everything in the repository, as read; malformed files are kept as documents."""

    config: Config
    documents: list[Document] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)
    postmortems: list[Postmortem] = field(default_factory=list)
    cases: list[EvalCase] = field(default_factory=list)
    python_problems: list[Finding] = field(default_factory=list)  # eval .py files that do not parse
    strays: list[Finding] = field(
        default_factory=list
    )  # files in record folders that are not records

    def add(self, unit: RecordSet) -> None:
        self.documents.extend(unit.documents)
        self.incidents.extend(unit.incidents)
        self.postmortems.extend(unit.postmortems)
        self.cases.extend(unit.cases)
        self.python_problems.extend(unit.python_problems)
        self.strays.extend(unit.strays)

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
        for stray in self.strays:
            by_path.setdefault(stray.path, RecordSet(self.config)).strays.append(stray)
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
    """Every record file in the repository, found recursively, in a stable order."""
    yield from scan_folders(config).records


def python_test_files(config: Config) -> list[Path]:
    return scan_folders(config).python


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
    read_through: ReadThrough | None = None,
    keep: Callable[[RecordSet], RecordSet] | None = None,
) -> RecordSet:
    """Read every record file.

    `on_unit` sees each file as soon as it is read, as a `RecordSet` of that
    file alone (its document and records); with `release`, each document's text
    and data are dropped after that, so a whole repository fits in little memory.
    Python eval files come last, one unit per file. `for_process` says the
    records live until the process exits (a CLI command, not `mkdocs serve`),
    so the garbage collector may stop scanning them. `read_through(file, kind,
    read)` may answer a file from elsewhere (the lint cache) instead of calling
    `read()`; kind is "python" for Python eval files. `keep(unit)` is what the
    returned set keeps of each file after `on_unit` (default: all of it).
    """
    with _without_cyclic_gc(for_process):
        return _load(config, files, on_unit, release, read_through, keep)


def _load(
    config: Config,
    files: Iterable[tuple[Path, Kind]] | None,
    on_unit: Callable[[RecordSet], None] | None,
    release: bool,
    read_through: ReadThrough | None,
    keep: Callable[[RecordSet], RecordSet] | None,
) -> RecordSet:
    records = RecordSet(config=config)
    markers = markers_for(config)
    scan = scan_folders(config) if files is None else None
    for file, kind in scan.records if scan is not None else files or ():
        read = partial(_read_record, config, file, kind, markers)
        unit = read() if read_through is None else read_through(file, kind, read)
        if on_unit is not None:
            on_unit(unit)
        if release:
            for doc in unit.documents:
                doc.release()
            unit.cases = [replace(case, data={}) if case.data else case for case in unit.cases]
        records.add(unit if keep is None else keep(unit))
    if scan is not None:
        for stray in scan.strays:
            unit = RecordSet(config=config, strays=[stray])
            if on_unit is not None:
                on_unit(unit)
            records.add(unit)
        # The gate judges by the merge base's settings; the head's pytest config
        # takes over after merge, so a test must be collected under both.
        collection = pytest_collection(config.settings, config.evals_dir, config.root)
        effects = conftest_effects(config.root, scan.python)
        for file in scan.python:
            imposed = effects.get(file)
            read = partial(_read_python, config, file, collection, imposed)
            # What a conftest.py imposes is not in the file's bytes: never cache it.
            # Nor the head's config, which the cache key (the judging settings) leaves out.
            cached = read_through is not None and imposed is None and collection.after is None
            unit = read_through(file, "python", read) if cached and read_through else read()
            if on_unit is not None:
                on_unit(unit)
            records.add(unit)
    return records


def _read_record(config: Config, file: Path, kind: Kind, markers: Markers) -> RecordSet:
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
    return unit


def _read_python(
    config: Config, file: Path, collection: Collection, imposed: Imposed | None
) -> RecordSet:
    cases, problem = scan_python(config.root, file, collection, config.evals_dir, imposed)
    unit = RecordSet(config=config, cases=cases)
    if problem is not None:
        unit.python_problems.append(problem)
    return unit
