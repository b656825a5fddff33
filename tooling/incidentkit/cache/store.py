"""The lint cache's database: one SQLite file per environment key, one row per file version.

A row holds a file's path, the BLAKE2 hash of its bytes, what `stat` said
when the bytes were hashed, and a payload (the file's records, and, once lint
has run on it, its file-rule findings and suppressions) with a checksum.

Trust is earned each time. A file is answered from a row only when its
content hash matches; the hash is re-computed unless `stat` (size, times to
the nanosecond, inode, device) matches the row's and the file last changed
well before it was hashed (the "racy git" rule: a change within the file
system's timestamp granularity of the hashing could leave `stat` unchanged).
A payload whose checksum does not match, a database from another format or
environment, or one SQLite cannot read is dropped and rebuilt; the run goes
on as if there were no cache, and findings never differ.

Writes happen once, at the end, in one transaction: SQLite makes them atomic
and serialises concurrent runs (a run that cannot get the lock within a few
seconds skips writing; the next one will).
"""

from __future__ import annotations

import array
import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from incidentkit.cache.index import (
    Uncacheable,
    decode_findings,
    decode_unit,
    encode_findings,
    encode_unit,
)
from incidentkit.cache.location import (
    FORMAT,
    LOCAL_DIR,
    cache_dir,
    disabled_by_environment,
    environment_key,
)
from incidentkit.config import Config
from incidentkit.findings import Finding
from incidentkit.records import schemas
from incidentkit.records.repository import RecordSet

RACY_NS = 2_000_000_000  # FAT's 2 s mtime is the coarsest granularity in common use
KEEP_DATABASES = 4  # environments (configs, tool versions) kept side by side
KEEP_VERSIONS = 3  # versions of one path kept (branch switches stay warm)
LOCK_TIMEOUT = 5.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    path TEXT NOT NULL, hash BLOB NOT NULL,
    size INTEGER NOT NULL, mtime INTEGER NOT NULL, ctime INTEGER NOT NULL,
    ino INTEGER NOT NULL, dev INTEGER NOT NULL, checked INTEGER NOT NULL,
    payload BLOB NOT NULL, digest BLOB NOT NULL,
    PRIMARY KEY (path, hash)
);
CREATE TABLE IF NOT EXISTS runs (
    key BLOB PRIMARY KEY, used INTEGER NOT NULL, payload BLOB NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS recent (
    slot INTEGER PRIMARY KEY, files BLOB NOT NULL, key BLOB NOT NULL,
    stats BLOB NOT NULL, hashes BLOB NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS around (
    slot INTEGER PRIMARY KEY, names BLOB NOT NULL, facts BLOB NOT NULL,
    stats BLOB NOT NULL, hashes BLOB NOT NULL, digest BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    head TEXT NOT NULL, shallow TEXT NOT NULL, used INTEGER NOT NULL,
    times TEXT NOT NULL, digest BLOB NOT NULL,
    PRIMARY KEY (head, shallow)
);
"""
_SCHEMAS_CHECKED = "schemas-checked"  # meta: digests of schema sets a run checked
KEEP_VOUCHED = 4  # of those (one schema set per database; a few from other runs)
AROUND_VERSION = 1  # the layout of the `around` table's payload
KEEP_HISTORIES = 8  # first-case times of the last few HEADs (branches, rebases)
KEEP_RUNS = 4  # whole-run snapshots (branches, a change and its undo)
_CHUNK = 500  # rows per `IN (...)` query (SQLite's limit on parameters is higher)
_WINDOW = 2000  # payloads read ahead by a run that reads through the cache

Memo = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


# rowid, content hash, memo, checked (ns); a plain tuple because a warm run
# makes one per file of the repository. Payloads stay in the database until a
# file is answered: a run that reuses a whole-run snapshot decodes few of them.
_Row = tuple[int, bytes, Memo, int]


class Stale(Exception):
    """A row that was to be decoded is damaged: the run cannot be answered from the cache."""


@dataclass
class Cached:
    """A file answered from the cache: its file-rule findings, if lint has stored them."""

    path: str
    findings: list[Finding] | None
    suppressed: dict[int, set[str]]


@dataclass
class _Pending:
    """A file read this run, to be stored at the end."""

    unit: RecordSet
    path: str
    hash: bytes
    memo: Memo
    checked: int
    findings: list[Finding] | None = None
    suppressed: dict[int, set[str]] = field(default_factory=dict)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _read_bytes(name: str) -> bytes:
    # os.open on the str: a Path per file would cost more than the read at 45k files
    fd = os.open(name, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _memo(st: os.stat_result) -> Memo:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class LintCache:
    """One run's view of the cache: answers files, collects new rows, writes them at `close`."""

    def __init__(self, config: Config, db: sqlite3.Connection, file: Path, *, lint: bool) -> None:
        self.config = config
        self.file = file
        self.lint = lint  # a file answered for lint needs its findings too
        # Answer records in the form lint keeps (`records.slim`): set by a caller that
        # keeps only that form, so no whole record is built only to be cut.
        self.cut_records = False
        self._db: sqlite3.Connection | None = db
        self._root_parts = config.root.parts
        self._depth = len(self._root_parts)
        self._prefix = str(config.root).rstrip(os.sep) + os.sep
        self._max_bytes = config.max_file_bytes
        self._rows: dict[str, list[_Row]] = {}  # every row's stat and hash, read on first need
        self._rows_read = False
        self._focused = False  # `_rows` holds only the rows of a few files (`focus`)
        self._seen: set[str] = set()
        self._answered: dict[int, tuple[RecordSet, Cached]] = {}
        self._pending: dict[int, _Pending] = {}
        self._confirmed: list[tuple[Memo, int, int]] = []  # memo, checked, rowid
        self._dropped: list[int] = []
        self._history: tuple[str, str, str] | None = None  # head, shallow, times (JSON)
        self._hashes: dict[str, bytes] = {}  # content hash of each file answered this run
        # what `stat` said of each file when its hash was established, and when
        self._trust: dict[str, tuple[Memo, int]] = {}
        self._payloads: dict[int, tuple[bytes, bytes]] = {}  # the window of rows read ahead
        self._snapshot: tuple[list[str], bytes, Callable[[], Any]] | None = None
        self._facts: Callable[[], tuple[list[str], list[Any] | None]] | None = None
        self._vouched: set[str] = set()  # schema sets checked by an earlier run
        self._refresh: tuple[list[str], bytes, list[bytes]] | None = None  # `keep_recent`
        self._remember_stat = True
        self.hits = 0
        self.misses = 0
        self.reused_run = False  # answered whole from a snapshot (`cache/runs.py`)
        self.around_run = False  # only the given files read, the others' facts kept

    # -- opening --------------------------------------------------------------

    @classmethod
    def open(
        cls, config: Config, *, lint: bool = True, home: Path | None = None
    ) -> LintCache | None:
        """The cache for `config`, or None when it is off or cannot be used here.

        `home`: the repository whose cache to use when `config.root` is a copy
        of its files elsewhere (the gate's export of a commit): answers come by
        content, and the copy's `stat` is not remembered.
        """
        if disabled_by_environment():
            return None
        # Keyed by the home repository: a copy laid out in a new temporary
        # folder each run (the gate) must find the same database, not start one.
        owner = config if home is None else replace(config, root=home)
        directory, chosen = cache_dir(owner)
        try:
            created = _prepare(directory, owner)
            file = directory / f"lint-v{FORMAT}-{environment_key(owner, chosen)[:24]}.sqlite3"
            if created or not file.exists():
                _prune_databases(directory, keep=file)
        except OSError:
            return None  # a read-only checkout: lint without a cache
        for _ in range(2):
            db: sqlite3.Connection | None = None
            try:
                db = _connect(file)
                cache = cls(config, db, file, lint=lint)
                cache._remember_stat = home is None or home == config.root
                cache._load()
                return cache
            except sqlite3.DatabaseError:
                if db is not None:
                    db.close()
                _remove(file)  # corrupt or not ours: start again, once
            except OSError:
                if db is not None:
                    db.close()
                return None
        return None

    def _load(self) -> None:
        db = self._require()
        meta = dict(db.execute("SELECT key, value FROM meta"))
        vouched = meta.pop(_SCHEMAS_CHECKED, None)
        if meta != {"format": str(FORMAT), "file": self.file.name}:
            raise sqlite3.DatabaseError(f"not an incidentkit cache of this format: {meta}")
        if isinstance(vouched, str):
            self._vouched = set(vouched.split())
            schemas.vouch(self._vouched)
        # The tables as this format has them (rows are read later, when needed).
        for query in (
            "SELECT rowid, path, hash, size, mtime, ctime, ino, dev, checked, payload, digest"
            " FROM entries LIMIT 0",
            "SELECT key, used, payload, digest FROM runs LIMIT 0",
            "SELECT slot, files, key, stats, hashes, digest FROM recent LIMIT 0",
            "SELECT head, shallow, used, times, digest FROM history LIMIT 0",
            "SELECT slot, names, facts, stats, hashes, digest FROM around LIMIT 0",
        ):
            db.execute(query).fetchall()

    def _read_rows(self) -> dict[str, list[_Row]]:
        """Every row's path, hash and stat (not the payloads), once per run.

        Raises sqlite3.DatabaseError on a damaged database, like `open` would.
        """
        if self._rows_read:
            return self._rows
        self._rows_read = True
        rows = self._require().execute(
            "SELECT rowid, path, hash, size, mtime, ctime, ino, dev, checked FROM entries"
        )
        found = self._rows
        for rowid, path, content, size, mtime, ctime, ino, dev, checked in rows:
            row = (rowid, content, (size, mtime, ctime, ino, dev), checked)
            if path in found:
                found[path].append(row)
            else:
                found[path] = [row]
        return found

    def focus(self, paths: list[str]) -> bool:
        """Read the rows of these files only, for a run that reads no other file
        (`widen` undoes it); False when the database cannot be read."""
        self._rows, self._rows_read, self._focused = {}, True, True
        try:
            db = self._require()
            for start in range(0, len(paths), _CHUNK):
                chunk = paths[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    "SELECT rowid, path, hash, size, mtime, ctime, ino, dev, checked FROM entries"
                    f" WHERE path IN ({marks})",
                    chunk,
                )
                for rowid, path, content, size, mtime, ctime, ino, dev, checked in rows:
                    row = (rowid, content, (size, mtime, ctime, ino, dev), checked)
                    self._rows.setdefault(path, []).append(row)
        except sqlite3.Error:
            return False
        return True

    def widen(self) -> None:
        """After `focus`: every row again, read when first needed."""
        if self._focused:
            self._rows, self._rows_read, self._focused = {}, False, False

    def _require(self) -> sqlite3.Connection:
        if self._db is None:
            raise sqlite3.DatabaseError("the cache is closed")
        return self._db

    # -- answering files ------------------------------------------------------

    def read_through(self, file: Path, kind: str, read: Callable[[], RecordSet]) -> RecordSet:
        """`load_repository`'s hook: the file's unit from the cache, or `read()` and remember it."""
        parts = file.parts
        if parts[: self._depth] != self._root_parts or len(parts) <= self._depth:
            return read()
        # Joined here: a listed Path's str() costs more than everything else per hit.
        path = "/".join(parts[self._depth :])
        if not path.isascii() and not _is_utf8(path):
            return read()  # a name that is not UTF-8 (surrogate-escaped): SQLite cannot key it
        name = self._prefix + path
        self._seen.add(path)
        checked = time.time_ns()
        try:
            st = os.lstat(name)
        except OSError:
            return read()
        # Symlinks, folders and devices are read (and reported) every time; a
        # file over the size limit too: its finding needs no parsing.
        if not stat.S_ISREG(st.st_mode) or st.st_size > self._max_bytes:
            return read()
        memo = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        rows = (self._rows if self._rows_read else self._rows_or_none()).get(path, ())
        changed = max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS
        for row in rows:
            if row[2] == memo and changed < row[3]:
                unit = self._answer(row, path, file)
                if unit is not None:
                    self._hashes[path] = row[1]
                    self._trust[path] = (memo, row[3])
                    return unit
        try:
            raw = _read_bytes(name)
        except OSError:
            return read()
        content = _digest(raw)
        for row in rows:
            if row[1] == content:
                unit = self._answer(row, path, file)
                if unit is not None:
                    if self._remember_stat:
                        self._confirmed.append((memo, checked, row[0]))
                    self._hashes[path] = content
                    self._trust[path] = (memo, checked)
                    return unit
        return self._read_and_remember(read, name, path, raw, content, memo, checked)

    def _payload(self, rowid: int) -> list[Any]:
        """A row's payload, checked and parsed (ValueError/TypeError when it cannot be trusted)."""
        found = self._payloads.pop(rowid, None)
        if found is None:
            # A run that reads through the cache answers nearly every file, in
            # the order the rows were written: one query for the next rows costs
            # a fifth of one per file, and holds a window of them, not all.
            rows = self._require().execute(
                "SELECT rowid, payload, digest FROM entries WHERE rowid >= ? ORDER BY rowid LIMIT ?",
                (rowid, _WINDOW),
            )
            self._payloads = {r: (payload, check) for r, payload, check in rows}
            found = self._payloads.pop(rowid, None)
        if found is None:
            raise ValueError("the row is gone")
        payload, check = found
        if _digest(payload) != check:  # TypeError when not even bytes
            raise ValueError("checksum mismatch")
        decoded = json.loads(payload)
        if type(decoded) is not list or len(decoded) != 3:
            raise ValueError("not a payload")
        return decoded

    def _answer(self, row: _Row, path: str, file: Path) -> RecordSet | None:
        rowid = row[0]
        try:
            findings, suppressed, index = self._payload(rowid)
            if findings is None and self.lint:
                return None  # stored by a command that does not lint: lint this file
            unit = decode_unit(
                index, path, file, RecordSet(config=self.config), cut=self.cut_records
            )
            cached = Cached(
                path,
                None if findings is None else decode_findings(findings, path),
                {line: set(ids) for line, ids in suppressed} if suppressed else {},
            )
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, sqlite3.Error):
            self._dropped.append(rowid)  # damaged, or foreign content under a good checksum
            return None
        self.hits += 1
        self._answered[id(unit)] = (unit, cached)
        return unit

    def _read_and_remember(
        self,
        read: Callable[[], RecordSet],
        name: str,
        path: str,
        raw: bytes,
        content: bytes,
        memo: Memo,
        checked: int,
    ) -> RecordSet:
        self.misses += 1
        unit = read()
        try:
            after = _memo(os.lstat(name))
            if after != memo:
                return unit  # changed while being read: do not store what was parsed
            racy = max(memo[1], memo[2]) >= checked - RACY_NS
            if racy and _read_bytes(name) != raw:  # a change stat cannot see (same tick)
                return unit
        except OSError:
            return unit
        self._pending[id(unit)] = _Pending(unit, path, content, memo, checked)
        return unit

    # -- whole runs -----------------------------------------------------------

    def known(self, names: list[str]) -> list[tuple[bytes, int]] | None:
        """Each file's content hash and row; None unless every file has a row.

        The same trust as `read_through`'s: a regular file whose `stat` is the
        row's, and that last changed well before the row was confirmed, is not
        read; any other is read and hashed (and its row confirmed).
        """
        self._seen.update(names)  # present: not stale, whatever the answer
        found: list[tuple[bytes, int]] = []
        prefix, rows_of, limit = self._prefix, self._rows_or_none(), self._max_bytes
        trust = self._trust
        lstat, is_regular, clock = os.lstat, stat.S_ISREG, time.time_ns
        for path in names:
            rows = rows_of.get(path)
            if not rows:
                return None
            checked = clock()
            try:
                st = lstat(prefix + path)
            except (OSError, ValueError):
                return None
            if not is_regular(st.st_mode) or st.st_size > limit:
                return None
            memo = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
            changed = max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS
            for rowid, content, row_memo, row_checked in rows:
                if row_memo == memo and changed < row_checked:
                    found.append((content, rowid))
                    trust[path] = (memo, row_checked)
                    break
            else:
                row = self._by_content(path, memo, checked, rows)
                if row is None:
                    return None
                found.append(row)
                trust[path] = (memo, checked)
        return found

    def _rows_or_none(self) -> dict[str, list[_Row]]:
        """`_read_rows`, or no rows when the database cannot be read any more."""
        try:
            return self._read_rows()
        except sqlite3.Error:
            return {}

    def recent(self, names: list[str], extra: bytes) -> list[tuple[bytes, int]] | None:
        """`known` from the last run's own record of each file's `stat`: no row is read.

        The last run that kept a snapshot also kept, for the same files in the
        same order, what `stat` said of each when its hash was established, and
        when. A file whose `stat` is that, and which last changed well before,
        still has that hash. Returns (hash, 0) per file, or None.
        """
        try:
            found = (
                self._require()
                .execute("SELECT files, stats, hashes, digest FROM recent WHERE slot=1")
                .fetchone()
            )
        except sqlite3.Error:
            return None
        if found is None:
            return None
        files, stats, hashes, check = found
        try:
            if _digest(files + stats + hashes) != check or files != _files_digest(names, extra):
                return None
            numbers = array.array("q")
            numbers.frombytes(stats)
        except (TypeError, ValueError):
            return None
        if len(numbers) != 6 * len(names) or len(hashes) != 16 * len(names):
            return None
        prefix, limit, lstat, is_regular = self._prefix, self._max_bytes, os.lstat, stat.S_ISREG
        for i, path in enumerate(names):
            try:
                st = lstat(prefix + path)
            except (OSError, ValueError):
                return None
            j = 6 * i
            if (
                st.st_size != numbers[j]
                or st.st_mtime_ns != numbers[j + 1]
                or st.st_ctime_ns != numbers[j + 2]
                or st.st_ino != numbers[j + 3]
                or st.st_dev != numbers[j + 4]
                or max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS >= numbers[j + 5]
                or st.st_size > limit
                or not is_regular(st.st_mode)
            ):
                return None
        self._seen.update(names)
        return [(hashes[16 * i : 16 * i + 16], 0) for i in range(len(names))]

    def _by_content(
        self, path: str, memo: Memo, checked: int, rows: list[_Row]
    ) -> tuple[bytes, int] | None:
        """The row holding the file's current bytes (a touched file, a branch switched back)."""
        try:
            content = _digest(_read_bytes(self._prefix + path))
            if _memo(os.lstat(self._prefix + path)) != memo:
                return None  # changing while read
        except (OSError, ValueError):
            return None
        for rowid, row_content, _, _ in rows:
            if row_content == content:
                if self._remember_stat:
                    self._confirmed.append((memo, checked, rowid))
                return content, rowid
        return None

    def units(self, wanted: list[tuple[str, bytes]]) -> list[RecordSet]:
        """The units of files known by content, by (path, hash), one query per few hundred.

        Raises `Stale` when a row is missing or cannot be trusted: the caller
        reads the files instead.
        """
        db = self._require()
        payloads: dict[tuple[str, bytes], tuple[int, bytes, bytes]] = {}
        paths = sorted({path for path, _ in wanted})
        try:
            for start in range(0, len(paths), _CHUNK):
                chunk = paths[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT rowid, path, hash, payload, digest FROM entries WHERE path IN ({marks})"
                for rowid, path, content, payload, check in db.execute(query, chunk):
                    payloads[(path, content)] = (rowid, payload, check)
        except sqlite3.Error:
            raise Stale("the database cannot be read") from None
        root, config = self.config.root, self.config
        found = []
        for path, content in wanted:
            rowid = None
            try:
                rowid, payload, check = payloads[(path, content)]
                if _digest(payload) != check:
                    raise ValueError("checksum mismatch")
                index = json.loads(payload)[2]
                found.append(decode_unit(index, path, root / path, RecordSet(config=config)))
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                if rowid is not None:
                    self._dropped.append(rowid)
                raise Stale(path) from None
        return found

    def run(self, key: bytes) -> Any:
        """The whole-run snapshot stored under `key` (parsed JSON), or None."""
        try:
            found = (
                self._require()
                .execute("SELECT payload, digest FROM runs WHERE key=?", (key,))
                .fetchone()
            )
            if found is None or _digest(found[0]) != found[1]:
                return None
            return json.loads(found[0])
        except (sqlite3.Error, ValueError, TypeError):
            return None

    def reused(self, files: int) -> None:
        """This run was answered from a snapshot: every file counts as a hit."""
        self.reused_run = True
        self.hits += files

    def remember_run(
        self,
        names: list[str],
        extra: bytes,
        snapshot: Callable[[], Any],
        facts: Callable[[], tuple[list[str], list[Any] | None]] | None = None,
    ) -> None:
        """Store `snapshot()` for this run's files (and `extra`, what else shaped the run),
        if every one of the files is kept by content; and `facts()`, (record files, what
        the repository rules read of each), with what `stat` said of those files."""
        self._snapshot = (names, extra, snapshot)
        self._facts = facts

    def cached(self, unit: RecordSet) -> Cached | None:
        """What the cache knew about `unit`, when `read_through` answered it from a row."""
        found = self._answered.pop(id(unit), None)
        return found[1] if found is not None and found[0] is unit else None

    def remember_findings(
        self, unit: RecordSet, findings: list[Finding], suppressed: dict[int, set[str]]
    ) -> None:
        """The file-rule findings of a unit read this run, to store with it."""
        pending = self._pending.get(id(unit))
        if pending is not None and pending.unit is unit:
            pending.findings = findings
            pending.suppressed = suppressed

    # -- git history (coverage's turnaround) ----------------------------------

    def histories(self, shallow: str) -> list[tuple[str, dict[str, int]]]:
        """Cached first-case times by HEAD commit, most recently used first."""
        try:
            rows = self._require().execute(
                "SELECT head, times, digest FROM history WHERE shallow=? ORDER BY used DESC",
                (shallow,),
            )
            found = []
            for head, times, check in rows:
                if _digest(times.encode("ascii")) == check:
                    decoded = json.loads(times)
                    if isinstance(decoded, dict):
                        found.append((str(head), decoded))
            return found
        except (sqlite3.DatabaseError, ValueError):
            return []

    def remember_history(self, head: str, shallow: str, times: dict[str, int]) -> None:
        self._history = (head, shallow, json.dumps(times, sort_keys=True, ensure_ascii=True))

    # -- writing --------------------------------------------------------------

    def close(self) -> None:
        """Store what this run learnt, in one transaction; never fails the command."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            if (
                self._pending
                or self._confirmed
                or self._dropped
                or self._history
                or self._snapshot
                or self._refresh
                or self._stale()
                or schemas.checked_digests() - self._vouched
            ):
                self._write(db)
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError) or "locked" not in str(exc):
                db.close()
                _remove(self.file)  # unreadable now: the next run starts afresh
                return
        finally:
            self._answered.clear()
            self._pending.clear()
        db.close()

    def _stale(self) -> list[str]:
        """Paths in the cache that this run did not see, when they outnumber the seen ones."""
        if not self._rows_read or self._focused:
            return []  # a run answered whole from `recent`, or reading a few files, judged no row
        gone = [p for p in self._rows if p not in self._seen]
        return gone if len(gone) > max(100, len(self._seen) // 2) else []

    def _write(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "UPDATE entries SET size=?, mtime=?, ctime=?, ino=?, dev=?, checked=? WHERE rowid=?",
                ((*memo, checked, rowid) for memo, checked, rowid in self._confirmed),
            )
            db.executemany("DELETE FROM entries WHERE rowid=?", ((r,) for r in self._dropped))
            db.executemany("DELETE FROM entries WHERE path=?", ((p,) for p in self._stale()))
            db.executemany(
                "INSERT OR REPLACE INTO entries VALUES (?,?,?,?,?,?,?,?,?,?)", self._new_rows()
            )
            self._write_run(db)
            if self._refresh is not None and self._snapshot is None:
                names, extra, hashes = self._refresh
                self._write_recent(db, names, extra, run_key(names, hashes, extra), hashes)
            checked = schemas.checked_digests()
            if checked - self._vouched:
                # Content-addressed: only these exact schema bytes skip the checks later.
                kept = (sorted(checked) + sorted(self._vouched - checked))[:KEEP_VOUCHED]
                db.execute(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)", (_SCHEMAS_CHECKED, " ".join(kept))
                )
            db.executemany(
                "DELETE FROM entries WHERE path=? AND rowid NOT IN "
                "(SELECT rowid FROM entries WHERE path=? ORDER BY checked DESC LIMIT ?)",
                ((p, p, KEEP_VERSIONS) for p in self._crowded()),
            )
            if self._history is not None:
                head, shallow, times = self._history
                db.execute(
                    "INSERT OR REPLACE INTO history VALUES (?,?,?,?,?)",
                    (head, shallow, time.time_ns(), times, _digest(times.encode("ascii"))),
                )
                db.execute(
                    "DELETE FROM history WHERE rowid NOT IN "
                    "(SELECT rowid FROM history ORDER BY used DESC LIMIT ?)",
                    (KEEP_HISTORIES,),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _crowded(self) -> set[str]:
        """The paths written that may now hold more than `KEEP_VERSIONS` rows: each one,
        unless the rows this run read show fewer others (a first run's 45k paths,
        whose pruning took 0.4 s of its write at 10k)."""
        crowded: set[str] = set()
        for pending in self._pending.values():
            if self._rows_read and (not self._focused or pending.path in self._rows):
                rows = self._rows.get(pending.path, ())
                if sum(row[1] != pending.hash for row in rows) < KEEP_VERSIONS:
                    continue
            crowded.add(pending.path)
        return crowded

    def _write_run(self, db: sqlite3.Connection) -> None:
        if self._snapshot is None:
            return
        names, extra, snapshot = self._snapshot
        hashes = self._hashes
        if any(name not in hashes for name in names):
            return  # a file read every time (a symlink, too large, uncacheable, racy)
        content = snapshot()
        if content is None:
            return
        payload = json.dumps(content, ensure_ascii=True, separators=(",", ":"))
        data = payload.encode("ascii")
        key = run_key(names, [hashes[n] for n in names], extra)
        db.execute(
            "INSERT OR REPLACE INTO runs VALUES (?,?,?,?)",
            (key, time.time_ns(), data, _digest(data)),
        )
        db.execute(
            "DELETE FROM runs WHERE rowid NOT IN (SELECT rowid FROM runs ORDER BY used DESC LIMIT ?)",
            (KEEP_RUNS,),
        )
        written = self._write_recent(db, names, extra, key, [hashes[n] for n in names])
        if written is not None:
            self._write_facts(db, names, *written)

    def _write_recent(
        self,
        db: sqlite3.Connection,
        names: list[str],
        extra: bytes,
        key: bytes,
        hashes: list[bytes],
    ) -> tuple[bytes, bytes] | None:
        """What `stat` said of each file when its hash was established (`recent`); the
        stats and hashes written, or None when a file's `stat` is not known."""
        trust = self._trust
        if not self._remember_stat or any(name not in trust for name in names):
            return None
        numbers = array.array("q")
        for name in names:
            memo, checked = trust[name]
            numbers.extend(memo)
            numbers.append(checked)
        files = _files_digest(names, extra)
        stats = numbers.tobytes()
        joined = b"".join(hashes)
        db.execute(
            "INSERT OR REPLACE INTO recent VALUES (1,?,?,?,?,?)",
            (files, key, stats, joined, _digest(files + stats + joined)),
        )
        return stats, joined

    def keep_recent(self, names: list[str], extra: bytes, hashes: list[bytes]) -> None:
        """A run reused the snapshot of these files although `recent` did not match them
        (a file touched, a branch switched back): record their `stat` now, so the next
        run need not read every row to know them."""
        self._refresh = (names, extra, hashes)

    def _write_facts(
        self, db: sqlite3.Connection, files: list[str], file_stats: bytes, file_hashes: bytes
    ) -> None:
        """The record files' facts (`records/around.py`), each with its hash and `stat`
        (taken from `recent`'s: the record files are the first of the run's files)."""
        db.execute("DELETE FROM around")  # never one from an older run
        if self._facts is None:
            return
        names, facts = self._facts()
        if facts is None or files[: len(names)] != names:
            return
        joined = _joined(names)
        payload = json.dumps([AROUND_VERSION, facts], ensure_ascii=True, separators=(",", ":"))
        data = payload.encode("ascii")
        stats = file_stats[: 6 * 8 * len(names)]
        hashes = file_hashes[: 16 * len(names)]
        db.execute(
            "INSERT INTO around VALUES (1,?,?,?,?,?)",
            (joined, data, stats, hashes, _digest(joined + data + stats + hashes)),
        )

    def around(
        self, names: list[str], given: set[str], limit: int
    ) -> tuple[list[Any], list[bytes], list[int]] | None:
        """The facts the last snapshot kept of each record file in `names` but not in `given`.

        A file is trusted as `recent` trusts one (its `stat` unchanged since its
        hash was established, well after it last changed), else read and hashed.
        Returns, by index, the facts (None for a given file and for a file
        whose bytes changed or that is new) and the content hash (b"" for a
        given file, and for a file read every time: a symlink, a file over the
        size limit), and the indexes of the changed files, whose facts are to
        be read from their rows or the files; None when there is no usable
        record, a file vanished, or more than `limit` files changed.
        """
        self._seen.update(names)  # present: not stale, whatever the answer
        try:
            found = (
                self._require()
                .execute("SELECT names, facts, stats, hashes, digest FROM around WHERE slot=1")
                .fetchone()
            )
            if found is None:
                return None
            joined, payload, stats, hashes, check = found
            if _digest(joined + payload + stats + hashes) != check:
                return None
            version, facts = json.loads(payload)
            numbers = array.array("q")
            numbers.frombytes(stats)
            # Most runs see the files the snapshot saw, in the same order: no lookup.
            same = joined == _joined(names)
            then = names if same else joined.decode("utf-8", "surrogateescape").split("\0")
        except (sqlite3.Error, TypeError, ValueError):
            return None
        if (
            version != AROUND_VERSION
            or type(facts) is not list
            or not len(then) == len(facts) == len(numbers) // 6 == len(hashes) // 16
            or len(numbers) % 6
            or len(hashes) % 16
        ):
            return None
        position = None if same else {name: i for i, name in enumerate(then)}
        found_facts: list[Any] = [None] * len(names)
        found_hashes = [b""] * len(names)
        changed: list[int] = []
        prefix, max_bytes, lstat, is_regular = self._prefix, self._max_bytes, os.lstat, stat.S_ISREG
        for k, name in enumerate(names):
            if name in given:
                continue
            try:
                st = lstat(prefix + name)
            except (OSError, ValueError):
                return None
            if not is_regular(st.st_mode) or st.st_size > max_bytes:
                changed.append(k)  # read every time: its facts were never kept
                if len(changed) > limit:
                    return None
                continue
            j = k if position is None else position.get(name, -1)
            if j >= 0:
                n = 6 * j
                if (
                    st.st_size == numbers[n]
                    and st.st_mtime_ns == numbers[n + 1]
                    and st.st_ctime_ns == numbers[n + 2]
                    and st.st_ino == numbers[n + 3]
                    and st.st_dev == numbers[n + 4]
                    and max(st.st_mtime_ns, st.st_ctime_ns) + RACY_NS < numbers[n + 5]
                ):
                    found_facts[k] = facts[j]
                    found_hashes[k] = hashes[16 * j : 16 * j + 16]
                    continue
            try:
                content = _digest(_read_bytes(prefix + name))
            except OSError:
                return None
            found_hashes[k] = content
            if j >= 0 and hashes[16 * j : 16 * j + 16] == content:
                found_facts[k] = facts[j]
                continue
            changed.append(k)
            if len(changed) > limit:
                return None
        return found_facts, found_hashes, changed

    def saw(self, names: list[str]) -> None:
        """These files exist (a run that does not read them must not prune their rows)."""
        self._seen.update(names)

    def _new_rows(self) -> Iterator[tuple[Any, ...]]:
        for pending in self._pending.values():
            if self.lint and pending.findings is None:
                continue  # read but not linted (outside `lint PATHS`): nothing to keep
            try:
                payload = json.dumps(
                    [
                        None
                        if pending.findings is None
                        else encode_findings(pending.findings, pending.path),
                        sorted([line, sorted(ids)] for line, ids in pending.suppressed.items()),
                        encode_unit(pending.unit, pending.path),
                    ],
                    ensure_ascii=True,
                    separators=(",", ":"),
                )
            except Uncacheable:
                continue
            data = payload.encode("ascii")
            self._hashes[pending.path] = pending.hash
            self._trust[pending.path] = (pending.memo, pending.checked)
            yield (pending.path, pending.hash, *pending.memo, pending.checked, data, _digest(data))


def _joined(names: list[str]) -> bytes:
    """File names as one blob (NUL, the one byte a name cannot hold, between them)."""
    return "\0".join(names).encode("utf-8", "surrogateescape")


def _files_digest(names: list[str], extra: bytes) -> bytes:
    """Which files a run saw, in order, and what else its walk found."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(len(extra).to_bytes(8, "little"))
    digest.update(extra)
    for name in names:
        data = name.encode("utf-8")
        digest.update(len(data).to_bytes(4, "little"))
        digest.update(data)
    return digest.digest()


def run_key(names: list[str], hashes: list[bytes], extra: bytes) -> bytes:
    """The key of a whole run: every file's name and content hash, in the order read."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(len(extra).to_bytes(8, "little"))
    digest.update(extra)
    for name, content in zip(names, hashes, strict=True):
        data = name.encode("utf-8")
        digest.update(len(data).to_bytes(4, "little"))
        digest.update(data)
        digest.update(content)
    return digest.digest()


def _connect(file: Path) -> sqlite3.Connection:
    db = sqlite3.connect(file, timeout=LOCK_TIMEOUT, isolation_level=None)
    # No fsync: a cache need not survive a power cut, only never be trusted
    # after one (SQLite's journal keeps it whole when a process dies; what a
    # crashed OS leaves half-written fails SQLite's checks or a row checksum).
    db.execute("PRAGMA synchronous=OFF")
    if not dict(db.execute("SELECT name, 1 FROM sqlite_master WHERE name='meta'")):
        meta = (
            f"INSERT OR REPLACE INTO meta VALUES ('format', '{FORMAT}'), ('file', '{file.name}');"
        )
        db.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}{meta}COMMIT;")
    return db


def _prepare(directory: Path, config: Config) -> bool:
    """Create the cache folder; True when it is new."""
    if directory.is_dir():
        return False
    directory.mkdir(parents=True, exist_ok=True)
    if directory == config.root / LOCAL_DIR:
        (directory / ".gitignore").write_text("# incidentkit's lint cache\n*\n", encoding="utf-8")
    return True


def _prune_databases(directory: Path, keep: Path) -> None:
    """Keep the few most recently used databases (other configs, tool versions)."""
    found = sorted(
        (p for p in directory.glob("lint-v*.sqlite3") if p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in found[KEEP_DATABASES - 1 :]:
        _remove(old)


def _remove(file: Path) -> None:
    for path in (file, file.with_name(file.name + "-journal")):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
