"""A lint of a few files (the pre-commit hook) reads only those files, and reports exactly
what a full lint reports in them.

The other files' IDs and links come from what the last snapshot kept of each
(`records/around.py`, the cache's `around` table). Every test compares the
fast run with a cold lint of the whole repository, on real git repositories:
duplicate IDs against files the run does not read, links to records deleted
since the snapshot, files changed since it, a damaged or foreign record, a
repository rule that has not declared what it reads.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RunCli, case_text, incident_text, postmortem_text
from incidentkit import rules
from incidentkit.cache import store
from incidentkit.cache.store import LintCache
from incidentkit.config import load_config
from incidentkit.findings import Finding, Level
from incidentkit.lint import LintResult, lint_repository
from incidentkit.records.around import AROUND_RULES, valid_facts
from incidentkit.rules import RULES, Rule
from incidentkit.rules.context import LintContext
from test_lint_cache import EDITS, Repo, _schema_variant

INCIDENT = "incidents/INC-2026-0001-refund.md"
S1_INCIDENT = "incidents/INC-2026-0002-outage.md"
TOOL_INCIDENT = "incidents/INC-2026-0003-tool.md"
PM_TOOL = "postmortems/PM-2026-0002-tool.md"
CASE = "evals/regression/refund-window.yaml"


def _hook(repo: Repo, *given: str) -> tuple[LintResult, LintCache]:
    config = load_config(repo.root)
    cache = LintCache.open(config)
    assert cache is not None
    return lint_repository(config, repo.now, set(given), cache=cache), cache


def _cold(repo: Repo, *given: str) -> LintResult:
    config = load_config(repo.root)
    whole = lint_repository(config, repo.now, cache=None)
    only = lint_repository(config, repo.now, set(given), cache=None)
    # `lint PATHS` without a cache is the full lint's findings in PATHS
    assert only.findings == [f for f in whole.findings if f.path in given]
    return only


def _same(repo: Repo, *given: str, fast: bool | None = True) -> LintResult:
    """The hook's result, checked against a cold lint; `fast`: whether it must
    (True) or must not (False) have been answered without reading every file."""
    result, cache = _hook(repo, *given)
    assert result == _cold(repo, *given), given
    if fast is not None:
        assert cache.around_run is fast, given
    return result


def _prime(repo: Repo) -> None:
    repo.lint(cache=True)  # reads every file, keeps the snapshot and the facts


def _rules_in(result: LintResult, path: str) -> set[str]:
    return {f.rule for f in result.findings if f.path == path}


def _lightweight_of_s1(repo: Repo, number: str) -> str:
    """Write a lightweight post-mortem of the S1 incident; its path."""
    rel = f"postmortems/PM-2026-{number}-light.md"
    extra = "format: lightweight\n"
    repo.write(
        rel, postmortem_text(id=f"PM-2026-{number}", incidents="[INC-2026-0002]", extra=extra)
    )
    return rel


@pytest.fixture
def repo(git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    made = Repo(tmp_path / "repo", trust_stat=False)
    _prime(made)
    yield made
    made.repo.close()


def test_every_file_alone_reports_what_a_full_lint_reports(repo: Repo) -> None:
    for rel in repo.files():
        _same(repo, rel)
    _same(repo, *repo.files()[:3])


def test_a_changed_file_duplicating_an_earlier_files_id_is_flagged(repo: Repo) -> None:
    copy = "incidents/INC-2026-0009-copy.md"
    repo.write(copy, incident_text(id="INC-2026-0001"))  # after INC-2026-0001-refund.md
    result = _same(repo, copy)
    (finding,) = [f for f in result.findings if f.rule == "unique-id"]
    assert f"already used by {INCIDENT}:2" in finding.message
    # the earlier file, given alone, holds the ID first: nothing to report there
    assert "unique-id" not in _rules_in(_same(repo, INCIDENT), INCIDENT)


def test_an_edit_that_takes_an_id_held_later_is_not_flagged_in_the_earlier_file(
    repo: Repo,
) -> None:
    repo.write(INCIDENT, incident_text(id="INC-2026-0003"))
    result = _same(repo, INCIDENT)
    assert "unique-id" not in _rules_in(result, INCIDENT)
    # ... but the later file, unchanged, now is (a full run of it says so)
    assert "unique-id" in _rules_in(_same(repo, TOOL_INCIDENT), TOOL_INCIDENT)


def test_a_case_duplicating_a_case_id_in_another_file_is_flagged(repo: Repo) -> None:
    rel = "evals/regression/zz-copy.yaml"
    repo.write(rel, case_text(id="refund-window"))
    assert "unique-id" in _rules_in(_same(repo, rel), rel)


def test_a_link_to_a_record_deleted_since_the_snapshot_is_broken(repo: Repo) -> None:
    (repo.root / TOOL_INCIDENT).unlink()
    result = _same(repo, PM_TOOL)
    assert "broken-link" in _rules_in(result, PM_TOOL)


def test_a_lightweight_post_mortem_of_a_severe_incident_elsewhere(repo: Repo) -> None:
    rel = _lightweight_of_s1(repo, "0009")
    assert "lightweight-severity" in _rules_in(_same(repo, rel), rel)


def test_a_file_changed_since_the_snapshot_is_read_from_its_row_or_from_the_file(
    repo: Repo,
) -> None:
    """INC-2026-0002 is S1 without a post-mortem; a post-mortem for it, committed by an
    earlier hook run, is a file the snapshot never saw."""
    assert "postmortem-deadline" in _rules_in(_same(repo, S1_INCIDENT), S1_INCIDENT)
    rel = "postmortems/PM-2026-0003-outage.md"
    repo.write(rel, postmortem_text(id="PM-2026-0003", incidents="[INC-2026-0002]"))
    _same(repo, rel)  # its row is stored by this run
    assert "postmortem-deadline" not in _rules_in(_same(repo, S1_INCIDENT), S1_INCIDENT)
    # The severity changes in a file other than the given one, and that file has no
    # row yet: it is read, alone, from the file.
    repo.write(S1_INCIDENT, incident_text(id="INC-2026-0002", severity="S4"))
    light = _lightweight_of_s1(repo, "0004")
    result, cache = _hook(repo, light)
    assert result == _cold(repo, light) and cache.around_run
    assert "lightweight-severity" not in _rules_in(result, light)
    assert cache.misses == 1  # the given file (the other was read for its facts alone)
    # A file read every time (a symlink to a record) is read for its facts too.
    (repo.root / "incidents/INC-2026-0005-link.md").symlink_to(repo.root / S1_INCIDENT)
    _same(repo, light)
    _same(repo, "incidents/INC-2026-0005-link.md")


def test_the_hook_does_not_empty_the_cache(
    git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that reads one file must not take the others' rows for stale ones."""
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    big = Repo(tmp_path / "repo", trust_stat=False)
    for n in range(10, 160):
        big.write(f"incidents/INC-2026-{n:04d}-x.md", incident_text(id=f"INC-2026-{n:04d}"))
    _prime(big)
    big.write(INCIDENT, incident_text(severity="S2"))
    _same(big, INCIDENT)
    (db,) = (tmp_path / "cache").glob("lint-v*.sqlite3")
    with closing(sqlite3.connect(db)) as conn:
        paths = {p for (p,) in conn.execute("SELECT path FROM entries")}
    assert paths == set(big.files())
    big.repo.close()


@pytest.mark.parametrize("change", ["config", "schema", "version"])
def test_facts_from_another_environment_are_not_used(
    repo: Repo, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("incidentkit.__version__", "0.1.0+other")
    if change != "version":
        monkeypatch.undo()
        repo.apply((change, 1, 0))
    repo.write(INCIDENT, incident_text(id="INC-2026-0003"))
    _same(repo, INCIDENT, fast=False)


def _database(repo: Repo) -> Path:
    directory = Path(os.environ["INCIDENTKIT_CACHE_DIR"])
    return max(directory.glob("lint-v*.sqlite3"), key=lambda p: p.stat().st_mtime)


@pytest.mark.parametrize(
    "damage",
    [
        "digest",
        "facts-shape",
        "facts-count",
        "names",
        "stats-truncated",
        "version",
        "missing",
        "database-truncated",
    ],
)
def test_a_damaged_record_of_the_facts_is_not_trusted(repo: Repo, damage: str) -> None:
    repo.write(INCIDENT, incident_text(id="INC-2026-0003"))
    db = _database(repo)

    def forge(names: bytes, facts: bytes, stats: bytes, hashes: bytes) -> None:
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute(
                "UPDATE around SET names=?, facts=?, stats=?, hashes=?, digest=?",
                (names, facts, stats, hashes, store._digest(names + facts + stats + hashes)),
            )

    with closing(sqlite3.connect(db)) as conn:
        names, facts, stats, hashes = conn.execute(
            "SELECT names, facts, stats, hashes FROM around"
        ).fetchone()
    if damage == "digest":
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("UPDATE around SET facts=?", (facts.replace(b"INC-2026-0002", b"X"),))
    elif damage == "facts-shape":
        forge(names, facts.replace(b'["INC-2026-0002"]', b"[7]", 1), stats, hashes)
    elif damage == "facts-count":
        forge(names, facts.replace(b"[1,[[", b"[1,[", 1), stats, hashes)
    elif damage == "names":
        forge(names + b"\0incidents/extra.md", facts, stats, hashes)
    elif damage == "stats-truncated":
        forge(names, facts, stats[:-3], hashes)
    elif damage == "version":
        forge(names, b"[99" + facts[2:], stats, hashes)
    elif damage == "missing":
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("DELETE FROM around")
    else:
        db.write_bytes(db.read_bytes()[:4096])
    _same(repo, INCIDENT, fast=False)
    _same(repo, TOOL_INCIDENT, fast=None)


def test_a_repository_rule_that_has_not_declared_its_reads_makes_the_hook_read_all(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new repository rule (here: two incidents may not share a severity and a
    status) reads what `Around` does not keep: the hook must not answer it."""

    def check(ctx: LintContext) -> Iterator[Finding]:
        seen: dict[tuple[str | None, str | None], str] = {}
        for incident in ctx.records.incidents:
            key = (incident.severity, incident.status)
            if key in seen:
                yield Finding(incident.path, 1, 1, "same-shape", Level.ERROR, seen[key], "")
            seen.setdefault(key, incident.path)

    fake = Rule("same-shape", Level.ERROR, "Two incidents alike.", check, "repository")
    monkeypatch.setitem(RULES, "same-shape", fake)
    assert "same-shape" not in AROUND_RULES
    repo.write("incidents/INC-2026-0009-twin.md", incident_text(id="INC-2026-0009"))
    result = _same(repo, "incidents/INC-2026-0009-twin.md", fast=False)
    assert "same-shape" in _rules_in(result, "incidents/INC-2026-0009-twin.md")


def test_the_declared_rules_are_the_repository_rules() -> None:
    """A repository rule added to incidentkit must be declared (or not) in records/around.py."""
    repository = {r.id for r in rules.RULES.values() if r.scope == "repository"}
    assert repository == AROUND_RULES


def test_the_pre_commit_hook_on_a_staged_file_reports_what_lint_reports(
    repo: Repo, run_cli: RunCli
) -> None:
    copy = "incidents/INC-2026-0009-copy.md"
    repo.write(
        copy, incident_text(id="INC-2026-0001", extra="related_incidents: [INC-2026-0404]\n")
    )
    repo.repo.git.add(copy)
    env = {"INCIDENTKIT_NOW": repo.now.isoformat()}
    hook = run_cli(
        "-C",
        repo.root,
        "lint",
        "--pre-commit",
        repo.root / copy,
        "--format",
        "json",
        expect=1,
        env=env,
    )
    cold = run_cli(
        "-C", repo.root, "lint", "--no-cache", copy, "--format", "json", expect=1, env=env
    )
    assert hook.stdout == cold.stdout
    assert '"unique-id"' in hook.stdout and '"broken-link"' in hook.stdout


OPS = st.tuples(
    st.sampled_from(["edit"] * 6 + ["bytes", "touch", "delete", "rename", "add", "branch"]),
    st.integers(0, 40),
    st.integers(0, 40),
)


@settings(
    # a deeper run: CACHE_PROPERTY_EXAMPLES=200 pytest tests/test_precommit_around.py
    max_examples=int(os.environ.get("CACHE_PROPERTY_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=4))
def test_after_any_changes_each_file_alone_reports_what_a_full_lint_reports(
    ops: list[tuple[str, int, int]], git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changes after the snapshot, then a hook run on each file in turn (each run
    stores the rows of the files it read, so later runs read them from the cache)."""
    assert len(EDITS) > 10
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(Path(tmp) / "cache"))
        repo = Repo(Path(tmp) / "repo", trust_stat=False)
        _prime(repo)
        for op in ops:
            repo.apply(op)
        for rel in repo.files():
            _same(repo, rel, fast=None)
        for rel in repo.files():  # every changed file now has its row: no full read
            _same(repo, rel, fast=True)
        repo.repo.close()


def test_a_damaged_row_a_rule_needs_is_read_from_the_file(repo: Repo) -> None:
    with closing(sqlite3.connect(_database(repo))) as conn, conn:
        conn.execute("UPDATE entries SET digest=? WHERE path=?", (b"x" * 16, S1_INCIDENT))
    light = _lightweight_of_s1(repo, "0009")
    result = _same(repo, light)
    assert "lightweight-severity" in _rules_in(result, light)


def test_facts_that_do_not_match_the_records_fall_back_to_reading_the_repository(
    repo: Repo,
) -> None:
    """Forged facts (with a good checksum) say INC-2026-0003's file holds INC-2026-0002:
    the record a rule loads does not, so the run falls back after reading the given
    file, and still answers every other file from its row."""
    db = _database(repo)
    with closing(sqlite3.connect(db)) as conn, conn:
        names, facts, stats, hashes = conn.execute(
            "SELECT names, facts, stats, hashes FROM around"
        ).fetchone()
        forged = facts.replace(b'[["INC-2026-0003"]', b'[["INC-2026-0002"]', 1)
        assert forged != facts
        conn.execute(
            "UPDATE around SET facts=?, digest=?",
            (forged, store._digest(names + forged + stats + hashes)),
        )
    light = _lightweight_of_s1(repo, "0009")
    result, cache = _hook(repo, light)
    assert result == _cold(repo, light)
    assert "lightweight-severity" in _rules_in(result, light)
    assert not cache.around_run
    # read: the new file twice (by the attempt, then by the full run), no other file
    assert cache.misses == 2
    assert cache.hits == len(repo.files()) - 1


@pytest.mark.parametrize(
    "facts",
    [
        [7],
        [[[], []]],
        [[["INC-1"], [], {}]],
        [[[1], [], []]],
        [[[], [], [None]]],
        [[[], [["PM-1"]], []]],
        [[[], [["PM-1", "INC-1"]], []]],
        [[[], [[2, []]], []]],
        [[[], [["PM-1", [3]]], []]],
        [[("INC-1",), [], []]],
    ],
)
def test_facts_of_the_wrong_shape_are_refused(facts: list[object]) -> None:
    assert valid_facts([None, [["INC-1"], [["PM-1", ["INC-1"]]], ["case"]]])
    assert not valid_facts([None, *facts])


def test_suppressions_strays_and_conftest_effects_in_the_given_files(repo: Repo) -> None:
    copy = "incidents/INC-2026-0009-copy.md"
    repo.write(
        copy,
        incident_text(id="INC-2026-0001").replace(
            "id: INC-2026-0001", "id: INC-2026-0001  # incidentkit: ignore[unique-id] a test twin"
        ),
    )
    assert "unique-id" not in _rules_in(_same(repo, copy), copy)
    stray = "incidents/notes.txt"
    repo.write(stray, "not a record\n")
    assert "stray-file" in _rules_in(_same(repo, stray, fast=None), stray)
    # what pytest collects of a test module depends on the conftest.py above it
    test = "evals/regression/test_refund.py"
    repo.write("evals/regression/conftest.py", 'collect_ignore = ["test_refund.py"]\n')
    repo.write(test, (repo.root / test).read_text(encoding="utf-8") + "\n# changed\n")
    _same(repo, test, fast=None)
    _prime(repo)
    repo.write(test, (repo.root / test).read_text(encoding="utf-8") + "\n# again\n")
    _same(repo, test)


def test_concurrent_hooks_and_lints_agree_and_leave_a_usable_cache(repo: Repo) -> None:
    for index in range(8):
        repo.write(f"evals/regression/case-{index}.yaml", case_text(id=f"case-{index}"))
    copy = "incidents/INC-2026-0009-copy.md"
    repo.write(copy, incident_text(id="INC-2026-0001"))
    env = {**os.environ, "INCIDENTKIT_NOW": repo.now.isoformat()}
    command = [str(Path(sys.executable).parent / "incidentkit"), "-C", str(repo.root), "lint"]
    cold = subprocess.run(
        [*command, "--no-cache", copy, "--format", "json"], env=env, capture_output=True
    )
    hook = [*command, "--pre-commit", str(repo.root / copy), "--format", "json"]
    runs = [
        subprocess.Popen(hook if n % 2 else command, env=env, stdout=subprocess.PIPE)
        for n in range(4)
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert outputs[1] == outputs[3] == cold.stdout, "a concurrent hook run differed"
    assert {run.returncode for run in runs} == {1}
    _same(repo, copy, fast=None)
    repo.write(copy, incident_text(id="INC-2026-0001", severity="S2"))
    _same(repo, copy)  # the facts the concurrent runs left are usable


COUNT_SCHEMA_CHECKS = """
import sys, jsonschema
from incidentkit.cli import cli
calls = []
original = jsonschema.Draft202012Validator.check_schema
def counted(schema, *args, **kwargs):
    calls.append(1)
    return original(schema, *args, **kwargs)
jsonschema.Draft202012Validator.check_schema = counted
try:
    cli.main(sys.argv[1:], prog_name="incidentkit")
finally:
    print("checks:", len(calls), file=sys.stderr)
"""


def _checks(repo: Repo, *args: str) -> tuple[int, str]:
    env = {**os.environ, "INCIDENTKIT_NOW": repo.now.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", COUNT_SCHEMA_CHECKS, "-C", str(repo.root), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stderr


def test_schemas_a_run_checked_are_not_checked_again_unless_their_bytes_change(
    repo: Repo,
) -> None:
    """The meta-schema check costs a tenth of a hook run: the cache vouches for the exact
    schema bytes an earlier run checked, and for nothing else."""
    _schema_variant(repo.root, 1)  # bytes no run has checked yet (S9 is a severity)
    repo.write(INCIDENT, incident_text(severity="S2"))
    code, err = _checks(repo, "lint")
    assert "checks: 0" not in err, "the first run must check the schemas"
    repo.write(INCIDENT, incident_text(severity="S1"))
    code, err = _checks(repo, "lint", "--pre-commit", str(repo.root / INCIDENT))
    assert "checks: 0" in err, err
    # new bytes (a new database, since schemas are in its key): checked again, and a
    # broken schema is a configuration error, not a traceback
    schema = repo.root / "schemas" / "incident.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"object"', '"objet"', 1))
    code, err = _checks(repo, "lint", "--pre-commit", str(repo.root / INCIDENT))
    assert code == 2 and "not a valid schema" in err, err
