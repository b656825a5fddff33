"""Running the rules: levels from config, file rules per file, suppressions.

Returns findings; never prints. The CLI uses `lint_repository`, which reads
and checks each file in one pass; the gate, which has the records loaded for
other questions too, uses `run_lint`.

With a `LintCache`, a file the cache answers brings its records and its
file-rule findings along and is not read; repository-wide rules run at the
end over all records as always, and rules that read the clock (`CLOCK =
True`) run again on the answered files, so the findings are the same with or
without the cache. When no file changed since a run the cache remembers
(`cache/runs.py`), that run's findings are reused whole and only the rules
that read the clock run again, on the few records they read. A lint of a
few files (`lint --pre-commit FILE`, `lint PATHS`) after such a run reads
only those files: of the others, the repository rules need only what the
snapshot kept of each (`records/around.py`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentkit.cache import runs
from incidentkit.cache.store import LintCache, Stale, run_key
from incidentkit.config import Config
from incidentkit.errors import ConfigError
from incidentkit.findings import Finding, Level
from incidentkit.records.around import (
    AROUND_RULES,
    Around,
    Unanswerable,
    facts_by_file,
    facts_of,
    valid_facts,
)
from incidentkit.records.folders import FolderScan, scan_folders
from incidentkit.records.repository import RecordSet, load_repository
from incidentkit.records.slim import for_repository_rules
from incidentkit.records.yamlsource import Positions
from incidentkit.rules import RULES, SUPPRESSION_RULE_ID, Rule
from incidentkit.rules.context import LintContext

_SUPPRESSION = re.compile(r"incidentkit:\s*ignore\[([a-z0-9 ,-]+)\](.*)")
# Files besides the given ones that may have changed since the last snapshot
# before a lint of a few files reads the whole repository instead.
AROUND_LIMIT = 64


@dataclass(frozen=True)
class LintResult:
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> int:
        return sum(f.level is Level.ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level is Level.WARNING for f in self.findings)


def rule_levels(config: Config) -> dict[str, Level | None]:
    """Each rule's effective level; None when switched off. Unknown IDs are a config error."""
    levels: dict[str, Level | None] = {rule_id: rule.level for rule_id, rule in RULES.items()}
    for rule_id, setting in config.rules.items():
        if rule_id not in RULES:
            where = config.source or "[tool.incidentkit.rules]"
            raise ConfigError(
                f"{where}: unknown rule '{rule_id}' in [tool.incidentkit.rules]; "
                f"known rules: {', '.join(sorted(RULES))}"
            )
        levels[rule_id] = None if setting == "off" else Level.parse(setting)
    return levels


def lint_repository(
    config: Config,
    now: datetime,
    only: Iterable[str] | None = None,
    *,
    for_process: bool = False,
    cache: LintCache | None = None,
) -> LintResult:
    """Read and lint the repository in one pass, keeping little of each file in memory.

    `for_process`: see `load_repository` (the CLI passes it; a long-lived caller must not).
    `cache`: answer unchanged files from it, store the others in it (closed here).
    """
    scan = scan_folders(config)
    if cache is not None:
        try:
            answered = _around(config, now, only, cache, scan)
            if answered is None:
                cache.widen()
                answered = _from_snapshot(config, now, only, cache, scan)
        except BaseException:
            cache.close()
            raise
        if answered is not None:
            cache.close()
            return answered
    return _lint_and_load(config, now, only, for_process, cache, scan, slim=True)[1]


def lint_and_load(
    config: Config,
    now: datetime,
    only: Iterable[str] | None = None,
    *,
    for_process: bool = False,
    cache: LintCache | None = None,
    slim: bool = False,
    scan: FolderScan | None = None,
) -> tuple[RecordSet, LintResult]:
    """`lint_repository`, and the records it read (released: typed records, no text).

    `slim`: keep of each record only what the repository rules read (see
    `records/slim.py`); for a caller that wants the findings, not the records.
    `scan`: the folders' walk, when the caller has already made it.
    """
    scan = scan or scan_folders(config)
    return _lint_and_load(config, now, only, for_process, cache, scan, slim=slim)


def _lint_and_load(
    config: Config,
    now: datetime,
    only: Iterable[str] | None,
    for_process: bool,
    cache: LintCache | None,
    scan: FolderScan,
    *,
    slim: bool,
) -> tuple[RecordSet, LintResult]:
    run = _Run(config, now, only, cache)
    if cache is not None:
        cache.cut_records = slim
    try:
        records = load_repository(
            config,
            on_units=run.file_phase,
            release=True,
            for_process=for_process,
            read_through=cache.read_through if cache is not None else None,
            keep=run.slimmed if slim else None,
            scan=scan,
        )
        result = run.finish(records)
        if cache is not None and _snapshots(config):
            cache.remember_run(
                scan.record_names + scan.python_names,
                runs.scan_extra(scan),
                lambda: run.snapshot(scan, records),
                lambda: (scan.record_names, facts_by_file(records, scan.record_names)),
            )
    finally:
        if cache is not None:
            cache.close()
    return records, result


def _snapshots(config: Config) -> bool:
    """Whether a whole run may be kept: not when another tree's settings judge the files
    (the gate), since the cache key leaves the head's pytest configuration out."""
    return config.settings == config.root


def _from_snapshot(
    config: Config, now: datetime, only: Iterable[str] | None, cache: LintCache, scan: FolderScan
) -> LintResult | None:
    """The findings of a remembered run over exactly these files, or None."""
    if not _snapshots(config):
        return None
    names = scan.record_names + scan.python_names
    extra = runs.scan_extra(scan)
    rows = cache.recent(names, extra)
    by_rows = rows is None
    if by_rows:
        rows = cache.known(names)
    if rows is None:
        return None
    hashes = [content for content, _ in rows]
    stored = cache.run(run_key(names, hashes, extra))
    if stored is None:
        return None
    try:
        snapshot = runs.Snapshot(stored)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    run = _Run(config, now, only, None)
    clock = [RULES.get(rule_id) for rule_id in snapshot.clock]
    rules = [r for r in clock if r is not None and r.check and run.levels.get(r.id) is not None]
    if len(rules) != len(clock):
        return None  # names a rule this run does not have: not this environment's
    enabled = gc.isenabled()
    gc.disable()  # decoding makes many small objects; collections would rescan them all
    try:
        fresh = run._rules(rules, runs.LazyRecords(config, scan, rows, cache, snapshot.positions))
    except Stale:
        return None  # a damaged row: read the files
    finally:
        if enabled:
            gc.enable()
    cache.reused(len(names))
    if by_rows:
        cache.keep_recent(names, extra, hashes)
    run.suppressed = snapshot.suppressed
    found = snapshot.findings + run.suppress(fresh)
    wanted = run.wanted
    if wanted is None:
        files = len(names) + len(scan.strays)
    else:
        files = (
            sum(n in wanted for n in scan.record_names)
            + sum(s.path in wanted for s in scan.strays)
            + sum(n in wanted and n not in snapshot.caseless for n in scan.python_names)
        )
        found = [f for f in found if f.path in wanted]
    return LintResult(sorted(set(found)), files)


def _around(
    config: Config, now: datetime, only: Iterable[str] | None, cache: LintCache, scan: FolderScan
) -> LintResult | None:
    """The findings in the `only` files, reading only them; None when that cannot be exact.

    The other record files' facts come from the last snapshot (`records/around.py`),
    each trusted only while the file has the bytes it had then.
    """
    if only is None or not _snapshots(config):
        return None
    enabled = gc.isenabled()
    gc.disable()  # the facts are some 100k small lists; collections would rescan them
    try:
        return _around_files(config, now, set(only), cache, scan)
    finally:
        if enabled:
            gc.enable()


def _around_files(
    config: Config, now: datetime, wanted: set[str], cache: LintCache, scan: FolderScan
) -> LintResult | None:
    run = _Run(config, now, wanted, cache)
    if any(rule.id not in AROUND_RULES for rule in run.repository_rules):
        return None  # a repository rule whose reads of other files are not declared
    names = scan.record_names
    given = [i for i, name in enumerate(names) if name in wanted]
    if len(given) > len(names) // 2:
        return None  # most of the repository: the whole run costs the same
    cache.saw(scan.python_names)
    answer = cache.around(names, wanted, AROUND_LIMIT)
    if answer is None:
        return None
    facts, hashes, changed = answer

    def load(index: int) -> RecordSet:
        """Another record file's records: from its row, else from the file (as lint reads it)."""
        try:
            unit = cache.units([(names[index], hashes[index])])[0]
        except Stale:  # no row (never linted, read every time) or a damaged one
            unit = load_repository(config, [(config.root / names[index], scan.record_kinds[index])])
        return for_repository_rules(unit)

    for index in changed:
        facts[index] = facts_of(load(index))
    if not valid_facts(facts):
        return None  # a damaged record of the last snapshot
    units: list[tuple[int, RecordSet]] = []
    sub = _subscan(scan, wanted)
    if not cache.focus(sub.record_names + sub.python_names):
        return None

    cuts: dict[int, RecordSet] = {}

    def seen(batch: list[RecordSet]) -> None:  # every unit, in walk order: records, strays, Python
        run.file_phase(batch)
        for unit in batch:
            k = len(units)
            units.append((given[k] if k < len(given) else len(names) + k, unit))

    def keep(unit: RecordSet) -> RecordSet:  # a record file's, after `seen` (alive in `units`)
        cut = cuts[id(unit)] = run.slimmed(unit)
        return cut

    load_repository(
        config,
        on_units=seen,
        release=True,
        for_process=True,
        read_through=cache.read_through,
        keep=keep,
        scan=sub,
    )
    units = [(index, cuts.get(id(unit), unit)) for index, unit in units]
    try:
        result = run.finish(Around(config, units, facts, load))
    except Unanswerable:
        return None
    cache.around_run = True
    return result


def _subscan(scan: FolderScan, wanted: set[str]) -> FolderScan:
    """The walk cut to the `wanted` files, in the same order (and every conftest.py,
    which says what pytest collects of the test modules below it)."""
    sub = FolderScan(scan.root)
    for name, kind in zip(scan.record_names, scan.record_kinds, strict=True):
        if name in wanted:
            sub.add_record(name, kind)
    sub.strays = [stray for stray in scan.strays if stray.path in wanted]
    sub.python_names = [
        name
        for name in scan.python_names
        if name in wanted or name.rpartition("/")[2] == "conftest.py"
    ]
    return sub


def run_lint(records: RecordSet, now: datetime, only: Iterable[str] | None = None) -> LintResult:
    """Lint records already loaded; with `only`, report only findings in those files."""
    run = _Run(records.config, now, only, None)
    run.file_phase(list(records.units()))
    return run.finish(records)


class _Run:
    """One lint run: file rules on each file as it comes, repository rules at the end."""

    def __init__(
        self, config: Config, now: datetime, only: Iterable[str] | None, cache: LintCache | None
    ) -> None:
        self.now = now
        self.cache = cache
        self.levels = rule_levels(config)
        self.wanted = set(only) if only is not None else None
        enabled = [r for r in RULES.values() if self.levels[r.id] is not None and r.check]
        self.file_rules = [r for r in enabled if r.scope == "file"]
        self.repository_rules = [r for r in enabled if r.scope == "repository"]
        # A clock rule's findings are never kept in the cache: it runs again,
        # at the end, on the files the cache answered.
        self.clock_rules = [r for r in self.file_rules if r.clock]
        self.from_cache = RecordSet(config)
        self.findings: list[Finding] = []
        self.suppressed: dict[str, dict[int, set[str]]] = {}
        self.files = 0
        self.has_cases: list[bool] = []  # per Python file, in order: does it hold a case
        self.read_clock: set[str] = set()  # repository rules that read the clock this run
        self.unfiltered: list[Finding] = []  # every finding kept, before `only`
        self.positions: dict[str, Positions] = {}  # of files read this run, for a snapshot
        # Cuts of the units the cache answered in this batch (by id, with the unit kept alive).
        self._cuts: dict[int, tuple[RecordSet, RecordSet]] = {}

    def slimmed(self, unit: RecordSet) -> RecordSet:
        """`for_repository_rules(unit)`, not computed twice for a unit the cache answered."""
        cut = self._cuts.pop(id(unit), None)
        return cut[1] if cut is not None and cut[0] is unit else for_repository_rules(unit)

    def _rules(
        self, rules: list[Rule], records: RecordSet, ctx: LintContext | None = None
    ) -> list[Finding]:
        ctx = ctx or LintContext(records=records, now=self.now)
        return [finding for rule in rules for finding in self._checked(rule, ctx)]

    def _checked(self, rule: Rule, ctx: LintContext) -> Iterator[Finding]:
        """`rule`'s findings in `ctx`, at the level this repository sets for it."""
        level = self.levels[rule.id]
        assert rule.check is not None and level is not None
        for finding in rule.check(ctx):
            yield finding if finding.level is level else finding.with_level(level)

    def _watched(self, rules: list[Rule], records: RecordSet) -> list[Finding]:
        """`_rules`, one rule at a time, noting which rules read the clock."""
        found: list[Finding] = []
        for rule in rules:
            ctx = _ClockWatch(records=records, now=self.now)
            found += self._rules([rule], records, ctx)
            if ctx.read_clock:
                self.read_clock.add(rule.id)
        return found

    def file_phase(self, units: list[RecordSet]) -> None:
        """The file rules over a batch of files, each rule over the whole batch in turn
        (see `records.repository.BATCH`)."""
        self._cuts.clear()
        fresh = [unit for unit in units if self._fresh(unit)]
        contexts = [LintContext(records=unit, now=self.now) for unit in fresh]
        found: list[list[Finding]] = [[] for _ in fresh]
        for rule in self.file_rules:
            for ctx, into in zip(contexts, found, strict=True):
                into += self._checked(rule, ctx)
        for unit, unit_found in zip(fresh, found, strict=True):
            self._keep(unit, unit_found)

    def _fresh(self, unit: RecordSet) -> bool:
        """Whether the file rules must run on `unit`: not when the cache answered it
        (its findings are taken here) or when nothing would report or keep them."""
        if not unit.documents and not unit.strays:
            self.has_cases.append(bool(unit.cases))  # a Python file's unit
        paths = (
            {d.path for d in unit.documents}
            | {c.path for c in unit.cases}
            | {f.path for f in unit.strays}
        )
        cached = self.cache.cached(unit) if self.cache is not None else None
        if cached is not None and cached.findings is not None:
            self.files += self.wanted is None or bool(paths & self.wanted)
            self.findings += cached.findings
            cut = for_repository_rules(unit)
            self._cuts[id(unit)] = (unit, cut)
            self.from_cache.add(cut)  # what clock rules read
            if cached.suppressed:
                self.suppressed[cached.path] = cached.suppressed
            return False
        if self.wanted is not None and not paths & self.wanted and self.cache is None:
            return False  # not reported and nothing to store: skip the file rules
        self.files += self.wanted is None or bool(paths & self.wanted)
        return True

    def _keep(self, unit: RecordSet, found: list[Finding]) -> None:
        """A file's fresh findings: its suppressions read, kept, and remembered in the cache."""
        suppressed: dict[int, set[str]] = {}
        for doc in unit.documents:
            if "incidentkit:" in doc.text:
                suppressed = self.suppressed[doc.path] = self._suppressions(
                    doc.path, doc.text, found
                )
        self.findings += found
        if self.cache is not None:
            clock = {r.id for r in self.clock_rules}
            kept = [f for f in found if f.rule not in clock]
            self.cache.remember_findings(unit, kept, suppressed)
            for doc in unit.documents:  # lines a finding needed: releasing drops them
                if doc.computed_positions is not None:
                    self.positions[doc.path] = doc.computed_positions

    def finish(self, records: RecordSet) -> LintResult:
        self.findings += self._rules(self.clock_rules, self.from_cache)
        self.findings += self._watched(self.repository_rules, records)
        self.unfiltered = self.suppress(self.findings)
        kept = [f for f in self.unfiltered if self.wanted is None or f.path in self.wanted]
        return LintResult(sorted(set(kept)), self.files)

    def suppress(self, findings: list[Finding]) -> list[Finding]:
        """`findings` without those an `incidentkit: ignore[...]` comment suppresses."""
        table = self.suppressed
        return [f for f in findings if f.rule not in table.get(f.path, {}).get(f.line, ())]

    def snapshot(self, scan: FolderScan, records: RecordSet) -> list[object] | None:
        """What a later run over the same files reuses (`cache/runs.py`)."""
        if len(self.has_cases) != len(scan.python_names):
            return None  # not the units of this walk: keep nothing
        clock = {r.id for r in self.clock_rules} | self.read_clock
        caseless = [
            name for name, has in zip(scan.python_names, self.has_cases, strict=True) if not has
        ]
        return runs.encode(
            [f for f in self.unfiltered if f.rule not in clock],
            self.suppressed,
            sorted(clock),
            caseless,
            records,
            self.positions,
        )

    def _suppressions(self, path: str, text: str, found: list[Finding]) -> dict[int, set[str]]:
        """Line -> rule IDs suppressed there; a suppression without a reason is itself a finding."""
        table: dict[int, set[str]] = {}
        level = self.levels.get(SUPPRESSION_RULE_ID)
        for number, line in enumerate(text.split("\n"), start=1):
            match = _SUPPRESSION.search(line)
            if not match:
                continue
            reason = match.group(2).replace("-->", "").strip(" -:#")
            if not reason:
                if level is not None:
                    found.append(
                        Finding(
                            path,
                            number,
                            match.start() + 1,
                            SUPPRESSION_RULE_ID,
                            level,
                            "suppression without a reason suppresses nothing",
                            "say why after the bracket: incidentkit: ignore[rule-id] <reason>",
                        )
                    )
                continue
            ids = {part.strip() for part in match.group(1).split(",") if part.strip()}
            alone = line[: match.start()].strip() in ("#", "<!--")
            table.setdefault(number + 1 if alone else number, set()).update(ids)
        return table


class _ClockWatch(LintContext):
    """A rule's context that notes whether the rule read the clock.

    A repository rule whose findings did not read `now` on these records
    would find the same at any other time, so a snapshot may keep them; one
    that did runs again on every reuse. Watched, not declared: a rule cannot
    forget to say so.
    """

    read_clock = False

    def __getattribute__(self, name: str) -> Any:
        if name in ("now", "today"):
            object.__setattr__(self, "read_clock", True)
        return super().__getattribute__(name)
