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
from incidentkit.records.folders import FolderScan, scan_folders
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
    on_units: Callable[[list[RecordSet]], None] | None = None,
    release: bool = False,
    for_process: bool = False,
    read_through: ReadThrough | None = None,
    keep: Callable[[RecordSet], RecordSet] | None = None,
    scan: FolderScan | None = None,
) -> RecordSet:
    """Read every record file.

    `on_units` sees the files a few at a time (`BATCH`), as soon as they are
    read, each as a `RecordSet` of that file alone (its document and records);
    with `release`, each document's text and data are dropped after that, so a
    whole repository fits in little memory. Python eval files come last, one
    unit per file. `for_process` says the
    records live until the process exits (a CLI command, not `mkdocs serve`),
    so the garbage collector may stop scanning them. `read_through(file, kind,
    read)` may answer a file from elsewhere (the lint cache) instead of calling
    `read()`; kind is "python" for Python eval files. `keep(unit)` is what the
    returned set keeps of each file after `on_units` (default: all of it).
    `scan`: the folders' walk, when the caller has already made it (the lint
    cache keys by it).
    """
    with _without_cyclic_gc(for_process):
        records = RecordSet(config=config)
        batches = _Batches(on_units, release, keep, records)
        _load(config, files, batches, read_through, scan)
        return records


# Files handed to `on_units` at a time. Lint runs each rule over a whole batch,
# so the rule's code and tables (the schema validator's, the prose detectors'
# automata) stay in the CPU's caches instead of being evicted by the next
# file's parsing and the other rules: at 10k incidents a cold lint took 16 %
# less CPU than file by file (bench/ANALYSIS.md). 64 files hold little memory.
BATCH = 64


class _Batches:
    """Units collected until a batch is full, then handed on, released and kept."""

    def __init__(
        self,
        on_units: Callable[[list[RecordSet]], None] | None,
        release: bool,
        keep: Callable[[RecordSet], RecordSet] | None,
        records: RecordSet,
    ) -> None:
        self.on_units = on_units
        self.release = release
        self.keep = keep
        self.records = records
        self.pending: list[tuple[RecordSet, bool]] = []

    def add(self, unit: RecordSet, *, record_file: bool = True) -> None:
        """`record_file`: released and cut by `keep` after `on_units` (a stray or Python
        file is kept whole)."""
        self.pending.append((unit, record_file))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if self.on_units is not None and pending:
            self.on_units([unit for unit, _ in pending])
        for unit, record_file in pending:
            if record_file and self.release:
                for doc in unit.documents:
                    doc.release()
                unit.cases = [replace(case, data={}) if case.data else case for case in unit.cases]
            kept = self.keep(unit) if record_file and self.keep is not None else unit
            self.records.add(kept)


def _load(
    config: Config,
    files: Iterable[tuple[Path, Kind]] | None,
    batches: _Batches,
    read_through: ReadThrough | None,
    scan: FolderScan | None,
) -> None:
    """Every file into `batches` (which flushes into its records), in walk order."""
    markers = markers_for(config)
    if files is None and scan is None:
        scan = scan_folders(config)
    elif files is not None:
        scan = None
    for file, kind in scan.records if scan is not None else files or ():
        read = partial(_read_record, config, file, kind, markers)
        batches.add(read() if read_through is None else read_through(file, kind, read))
    if scan is not None:
        for stray in scan.strays:
            batches.add(RecordSet(config=config, strays=[stray]), record_file=False)
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
            batches.add(unit, record_file=False)
    batches.flush()


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
