"""Whole-run snapshots: a lint whose files are all unchanged reuses the last run's findings.

A snapshot is keyed by every file's name and content hash, in the order they
are read, and by the folder walk's other results (record kinds, `stray-file`
findings); the database it lives in is already keyed by the environment (tool,
configuration, schemas, templates). It keeps the run's findings except those
of rules that read the clock, the suppression tables (they apply to those
too), the clock rules to run again, and the Python files that hold no case
(they do not count as checked when PATHS are given).

A run answered from a snapshot knows each file's hash from `stat` alone (the
same trust as a file answered from its row) and decodes only the records the
clock rules read, through `LazyRecords`.
"""

from __future__ import annotations

import json
from typing import Any

from incidentkit.cache.index import (
    Uncacheable,
    decode_findings,
    decode_positions,
    encode_positions,
)
from incidentkit.cache.store import LintCache
from incidentkit.config import Config
from incidentkit.findings import Finding
from incidentkit.records.folders import FolderScan
from incidentkit.records.repository import RecordSet
from incidentkit.records.yamlsource import Positions

VERSION = 2


def scan_extra(scan: FolderScan) -> bytes:
    """What the walk found besides the files' names: their kinds and the stray files."""
    strays = [
        [f.path, f.line, f.column, f.rule, int(f.level), f.message, f.hint] for f in scan.strays
    ]
    return json.dumps(
        [VERSION, len(scan.record_names), scan.record_kinds, strays],
        ensure_ascii=True,
        separators=(",", ":"),
    ).encode("ascii")


def _rows(findings: list[Finding]) -> list[list[Any]]:
    return [[f.path, f.line, f.column, f.rule, int(f.level), f.message, f.hint] for f in findings]


def encode(
    findings: list[Finding],
    suppressed: dict[str, dict[int, set[str]]],
    clock: list[str],
    caseless: list[str],
    records: RecordSet,
    computed: dict[str, Positions],
) -> list[Any]:
    """A snapshot's content (JSON-ready).

    With the line positions the run computed (the clock rules' findings need
    them, and they cost a second parse of the file), so a reuse does not.
    """
    known = dict(computed)  # computed before the files were released
    for doc in records.documents:  # and after (on records answered by the cache)
        if doc.computed_positions is not None:
            known[doc.path] = doc.computed_positions
    positions = []
    for path in sorted(known):
        try:
            positions.append([path, encode_positions(known[path])])
        except Uncacheable:
            continue
    return [
        VERSION,
        _rows(findings),
        sorted(
            [path, sorted([line, sorted(ids)] for line, ids in table.items())]
            for path, table in suppressed.items()
            if table
        ),
        sorted(clock),
        caseless,
        positions,
    ]


class Snapshot:
    """A stored snapshot, decoded (ValueError/TypeError/KeyError when malformed)."""

    def __init__(self, data: Any) -> None:
        version, findings, suppressed, clock, caseless, positions = data
        if version != VERSION:
            raise ValueError("another snapshot format")
        self.findings = [decode_findings([row[1:]], row[0])[0] for row in findings]
        self.suppressed: dict[str, dict[int, set[str]]] = {
            path: {line: set(ids) for line, ids in table} for path, table in suppressed
        }
        self.clock: list[str] = list(clock)
        self.caseless: set[str] = set(caseless)
        self.positions = {path: decode_positions(marks) for path, marks in positions}
        # Shapes a later sort or lookup relies on: a wrong one is a damaged snapshot.
        for f in self.findings:
            if not (
                type(f.path) is str
                and type(f.line) is int
                and type(f.column) is int
                and type(f.rule) is str
                and type(f.message) is str
                and type(f.hint) is str
            ):
                raise TypeError("not a finding")
        texts = [*self.suppressed, *self.clock, *self.caseless, *self.positions]
        texts += [i for table in self.suppressed.values() for ids in table.values() for i in ids]
        if not all(type(t) is str for t in texts) or not all(
            type(line) is int for table in self.suppressed.values() for line in table
        ):
            raise TypeError("not a snapshot")


_LISTS = ("documents", "incidents", "postmortems", "cases", "python_problems", "strays")


class LazyRecords(RecordSet):
    """The repository's records as a snapshot run sees them: each list decoded when first read.

    A clock rule that reads only post-mortems decodes only the post-mortem
    files. Which files hold what follows the loader: an incident file holds
    incidents, a post-mortem file post-mortems, an eval file and a Python
    file cases; every record file has its document. Lists come in the order
    `load_repository` builds them (record files as walked, then Python files).
    """

    def __init__(
        self,
        config: Config,
        scan: FolderScan,
        rows: list[tuple[bytes, int]],
        cache: LintCache,
        positions: dict[str, Positions],
    ) -> None:
        # Not RecordSet.__init__: a list left unset is decoded by __getattr__.
        self.config = config
        self._scan = scan
        self._rows = rows
        self._cache = cache
        self._units: dict[int, RecordSet] = {}
        self._positions = positions

    def __getattr__(self, name: str) -> Any:
        if name not in _LISTS:
            raise AttributeError(name)
        value = self._decode(name)
        setattr(self, name, value)
        return value

    def _name(self, index: int) -> str:
        scan = self._scan
        records = len(scan.record_names)
        return scan.record_names[index] if index < records else scan.python_names[index - records]

    def _decode(self, name: str) -> list[Any]:
        scan = self._scan
        if name == "strays":
            return list(scan.strays)
        kinds = {"incidents": "incident", "postmortems": "postmortem", "cases": "eval"}
        wanted = kinds.get(name)
        records = len(scan.record_names)
        indexes = [
            i for i, kind in enumerate(scan.record_kinds) if name == "documents" or kind == wanted
        ]
        if name in ("cases", "python_problems"):
            indexes += range(records, records + len(scan.python_names))
        missing = [i for i in indexes if i not in self._units]
        decoded = self._cache.units([(self._name(i), self._rows[i][0]) for i in missing])
        self._units.update(zip(missing, decoded, strict=True))
        known = self._positions
        for unit in decoded:
            for doc in unit.documents:
                if doc.path in known:
                    doc.use_positions(known[doc.path])
        found: list[Any] = []
        for index in indexes:
            found.extend(getattr(self._units[index], name))
        return found
