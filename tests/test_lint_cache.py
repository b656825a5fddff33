"""The lint cache is tested like a database: whatever happens to the repository or to the
cache file, a cached lint reports exactly what a cold lint reports.

The property test applies random sequences of edits, renames, deletions, new
files, config and schema changes, branch switches, tool-version bumps and
clock changes to a real git repository, and after each step compares a cold
lint with two cached ones (the first updates the cache, the second must be
answered from it, whole, by a run snapshot). The corruption tests truncate,
overwrite and forge the database, its rows and its snapshots.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import git
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import incidentkit
from conftest import RunCli, case_text, incident_text, postmortem_text
from incidentkit.cache import store
from incidentkit.cache.location import LOCAL_DIR, cache_dir, code_digest
from incidentkit.cache.store import LintCache
from incidentkit.config import load_config
from incidentkit.git.location import git_common_dir
from incidentkit.lint import LintResult, lint_repository
from incidentkit.resources import data_dir
from incidentkit.rules import RULES

NOW = datetime(2026, 11, 20, tzinfo=UTC)

PYTHON_TEST = (
    "import pytest\n\n\n"
    "@pytest.mark.incident('INC-2026-0001')\n"
    "@pytest.mark.tier('regression')\n"
    "def test_refund_window():\n"
    "    assert True\n"
)

OVERDUE_ITEMS = (
    "action_items:\n"
    "  - id: A1\n"
    "    description: Re-index the policy pages on every change\n"
    '    owner: "@asha-r"\n'
    '    due: "2026-04-01"\n'
    "    status: open\n"
    "    kind: fix\n"
    "  - id: A1\n"
    "    description: A second item with the same id\n"
    '    owner: "@asha-r"\n'
    '    due: "2026-12-01"\n'
    "    status: in-progress\n"
    "    kind: fix\n"
)

MULTI_CASE = (
    "cases:\n"
    "  - id: multi-one\n"
    "    incidents: [INC-2026-0002]\n"
    "    tier: pre-deployment\n"
    "    input: {messages: [{role: user, content: hi}]}\n"
    "    expected: [{contains: hello}]\n"
    "  - id: multi-two\n"
    "    incidents: [INC-2026-0003, INC-2026-0042]\n"
    "    tier: regression\n"
    "    input: {messages: [{role: user, content: hi}]}\n"
    "    expected: [{contains: hello}]\n"
)


def initial_files() -> dict[str, str]:
    return {
        "incidents/INC-2026-0001-refund.md": incident_text(),
        "incidents/INC-2026-0002-outage.md": incident_text(
            id="INC-2026-0002", severity="S1", status="open", detected_at="2026-11-10T10:00:00Z"
        ),
        "incidents/INC-2026-0003-tool.md": incident_text(
            id="INC-2026-0003", severity="S2", extra="related_incidents: [INC-2026-0001]\n"
        ),
        "postmortems/PM-2026-0001-refund.md": postmortem_text(),
        "postmortems/PM-2026-0002-tool.md": postmortem_text(
            id="PM-2026-0002", incidents="[INC-2026-0003]", action_items=OVERDUE_ITEMS
        ),
        "evals/regression/refund-window.yaml": case_text(),
        "evals/pre-deployment/multi.yaml": MULTI_CASE,
        "evals/regression/test_refund.py": PYTHON_TEST,
        # findings of several file rules from the start, so config changes matter
        "incidents/INC-2026-0004-messy.md": incident_text(
            id="INC-2026-0004",
            extra="severty: S2\n",
            body="The sloppy rollout paged jane.doe@example.com twice.\n"
            "<!-- incidentkit: ignore[blaming-language] -->\n",
        ),
        "pyproject.toml": "[tool.incidentkit]\n",
    }


# Edits a hurried author makes, each turning one text into another.
EDITS: list[Callable[[str], str]] = [
    lambda t: t.replace("severity: S3", "severity: S9", 1),
    lambda t: t.replace("id: INC-2026-0003", "id: INC-2026-0001", 1),
    lambda t: t.replace("---\n", "---\nrelated_incidents: [INC-2026-0099]\n", 1),
    lambda t: t + "\nMore detail, added later.\n",
    lambda t: t.replace("\n", "\n# incidentkit: ignore[schema]\n", 1),
    lambda t: t + "<!-- incidentkit: ignore[personal-data] a public support address -->\n",
    lambda t: t + "Mail jane.doe@example.com about it.\n",
    lambda t: t.replace("title:", "title: [unclosed\ntitle:", 1),
    lambda t: "",
    lambda t: t + "The on-call engineer was sloppy.\n",
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace("2026-03-02T10:00:00Z", "2026-13-02T10:00:00Z"),
    lambda t: t.replace("tier: regression", "tier: safety-critical"),
    lambda t: t.replace("[INC-2026-0001]", "[INC-2026-0002, INC-2026-0404]"),
    lambda t: t.replace("def test", "def test(:"),
    lambda t: t.replace("status: open", "status: done"),
    lambda t: t.replace('due: "2026-12-01"', 'due: "2026-11-25"'),
    lambda t: t.replace("format:", "format:") + "",
]

CONFIGS = [
    "[tool.incidentkit]\n",
    '[tool.incidentkit.rules]\nblaming-language = "error"\nschema = "warning"\n',
    '[tool.incidentkit.rules]\npersonal-data = "off"\nunique-id = "warning"\n',
    "[tool.incidentkit.policy]\npostmortem_severities = []\n",
    "[tool.incidentkit.policy]\npostmortem_deadline_hours = 1000\n",
    "[tool.incidentkit]\nmax_file_bytes = 700\n",
]


def _schema_variant(root: Path, variant: int) -> None:
    """0: the packaged schemas; 1: S9 is a severity; 2: `agent` is required of a case."""
    local = root / "schemas"
    shutil.rmtree(local, ignore_errors=True)
    if variant == 0:
        return
    shutil.copytree(data_dir("schemas"), local)
    if variant == 1:
        file = local / "incident.schema.json"
        schema = json.loads(file.read_text(encoding="utf-8"))
        schema["properties"]["severity"]["enum"].append("S9")
    else:
        file = local / "eval-case.schema.json"
        schema = json.loads(file.read_text(encoding="utf-8"))
        schema.setdefault("required", []).append("agent")
    file.write_text(json.dumps(schema, indent=2), encoding="utf-8")


class Repo:
    """A real git repository under test, with two branches to switch between."""

    def __init__(self, root: Path, trust_stat: bool) -> None:
        self.root = root
        self.trust_stat = trust_stat
        self.stamp = 1_600_000_000
        self.repo = git.Repo.init(root, initial_branch="main")
        with self.repo.config_writer() as writer:
            writer.set_value("user", "name", "Test")
            writer.set_value("user", "email", "test@example.com")
            writer.set_value("commit", "gpgsign", "false")
        for rel, text in initial_files().items():
            self.write(rel, text)
        self.commit()
        self.repo.git.branch("side")
        self.now = NOW

    def files(self) -> list[str]:
        found = [
            p.relative_to(self.root).as_posix()
            for folder in ("incidents", "postmortems", "evals")
            for p in sorted((self.root / folder).rglob("*"))
            if p.is_file()
        ]
        return found

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
        if self.trust_stat:
            # With the racy-git margin off, every write needs its own mtime so
            # that stat sees it (several writes can share a clock tick).
            self.stamp += 1
            os.utime(path, ns=(self.stamp * 10**9, self.stamp * 10**9))

    def commit(self) -> None:
        self.repo.git.add("-A")
        self.repo.git.commit("-q", "--allow-empty", "-m", "step")

    def apply(self, op: tuple[str, int, int]) -> None:
        name, a, b = op
        files = self.files()
        if name == "edit" and files:
            rel = files[a % len(files)]
            text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
            self.write(rel, EDITS[b % len(EDITS)](text))
        elif name == "bytes" and files:
            self.write(files[a % len(files)], b"---\nid: \xff\xfe\n---\n")
        elif name == "touch" and files:
            rel = files[a % len(files)]
            self.write(rel, (self.root / rel).read_bytes())
        elif name == "delete" and files:
            (self.root / files[a % len(files)]).unlink()
        elif name == "rename" and files:
            old = self.root / files[a % len(files)]
            targets = ["incidents", "postmortems", "evals/regression", "evals/safety-critical"]
            new = self.root / targets[b % len(targets)] / f"moved-{b}-{old.name}"
            new.parent.mkdir(parents=True, exist_ok=True)
            old.rename(new)
        elif name == "add":
            templates = list(initial_files().items())
            rel, text = templates[a % (len(templates) - 1)]
            folder, _, filename = rel.rpartition("/")
            self.write(f"{folder}/copy{b}-{filename}", text)
        elif name == "config":
            self.write("pyproject.toml", CONFIGS[a % len(CONFIGS)])
        elif name == "schema":
            _schema_variant(self.root, a % 3)
        elif name == "branch":
            self.commit()
            other = "side" if self.repo.active_branch.name == "main" else "main"
            self.repo.git.checkout("-q", other)
        elif name == "version":
            incidentkit.__version__ = f"0.1.0+test{a}"
        elif name == "clock":
            self.now = NOW + timedelta(days=a * 7 - 30, hours=b)

    def lint(
        self, cache: bool, only: set[str] | None = None
    ) -> tuple[LintResult, LintCache | None]:
        config = load_config(self.root)
        opened = LintCache.open(config) if cache else None
        if cache:
            assert opened is not None, "the cache could not be opened"
        return lint_repository(config, self.now, only, cache=opened), opened


OPS = st.tuples(
    st.sampled_from(
        ["edit"] * 6
        + ["bytes", "touch", "delete", "rename", "add", "config", "schema", "branch"]
        + ["version", "clock"]
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)


@pytest.fixture
def restore_version() -> Iterator[None]:
    version = incidentkit.__version__
    yield
    incidentkit.__version__ = version


@settings(
    # a deeper run: CACHE_PROPERTY_EXAMPLES=500 pytest tests/test_lint_cache.py
    max_examples=int(os.environ.get("CACHE_PROPERTY_EXAMPLES", "16")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPS, min_size=1, max_size=7), trust_stat=st.booleans())
def test_cached_lint_equals_cold_lint_after_any_sequence_of_changes(
    ops: list[tuple[str, int, int]],
    trust_stat: bool,
    git_env: None,
    restore_version: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(store, "RACY_NS", 0 if trust_stat else store.RACY_NS)
    with tempfile.TemporaryDirectory() as tmp:
        monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(Path(tmp) / "cache"))
        repo = Repo(Path(tmp) / "repo", trust_stat)
        repo.lint(cache=True)  # a warm start: later steps change a cached repository
        for step, op in enumerate(ops):
            repo.apply(op)
            cold, _ = repo.lint(cache=False)
            first, _ = repo.lint(cache=True)
            second, answered = repo.lint(cache=True)
            where = f"after {ops[: step + 1]}"
            assert first.findings == cold.findings, where
            assert second.findings == cold.findings, where
            assert (first.files, second.files) == (cold.files, cold.files), where
            assert answered is not None and answered.misses == 0, f"{where}: not answered"
            limit = load_config(repo.root).max_file_bytes
            read_every_time = any((repo.root / f).stat().st_size > limit for f in repo.files())
            assert answered.reused_run or read_every_time, f"{where}: no snapshot reused"
            files = repo.files()
            if files:
                only = {files[op[1] % len(files)]}
                assert repo.lint(cache=True, only=only)[0] == repo.lint(False, only)[0], where
        repo.repo.close()


# -- the cache file itself ---------------------------------------------------------


@pytest.fixture
def repo(git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    monkeypatch.delenv("INCIDENTKIT_CACHE_DIR")
    made = Repo(tmp_path / "repo", trust_stat=False)
    made.write("incidents/INC-2026-0001-refund.md", incident_text(severity="S9"))
    yield made
    made.repo.close()


def _database(repo: Repo) -> Path:
    (found,) = (repo.root / ".git" / "incidentkit").glob("lint-v*.sqlite3")
    return found


def _cold_and_warm(repo: Repo) -> tuple[LintResult, LintResult]:
    cold, _ = repo.lint(cache=False)
    warm, _ = repo.lint(cache=True)
    return cold, warm


def test_the_cache_lives_in_the_git_directory_and_is_used(repo: Repo) -> None:
    cold, first = _cold_and_warm(repo)
    assert cold.errors and first == cold
    assert _database(repo).stat().st_size > 0
    second, answered = repo.lint(cache=True)
    assert second == cold
    assert answered is not None and answered.hits == len(repo.files()) and answered.misses == 0


def test_a_file_keeps_its_last_versions_and_no_more(repo: Repo) -> None:
    """Branch switches stay warm: each path keeps its `KEEP_VERSIONS` newest versions,
    pruned as it gets new ones (and a first run, which has none, prunes nothing)."""
    name = "incidents/INC-2026-0001-refund.md"
    versions = [incident_text(severity=s) for s in ("S1", "S2", "S3", "S4", "S9")]
    for text in versions:
        repo.write(name, text)
        repo.lint(cache=True)
    with closing(sqlite3.connect(_database(repo))) as db:
        kept = db.execute("SELECT count(*) FROM entries WHERE path=?", (name,)).fetchone()[0]
    assert kept == store.KEEP_VERSIONS
    repo.write(name, versions[-3])  # back to a version still kept: answered from the cache
    _, answered = repo.lint(cache=True)
    assert answered is not None and answered.misses == 0
    repo.write(name, versions[0])  # pruned: read again
    _, answered = repo.lint(cache=True)
    assert answered is not None and answered.misses == 1


@pytest.mark.parametrize(
    "damage",
    [
        "empty",
        "truncated-half",
        "truncated-header",
        "garbage",
        "random-bytes-inside",
        "foreign-sqlite",
        "other-format",
        "folder",
    ],
)
def test_a_damaged_database_is_ignored_and_rebuilt(repo: Repo, damage: str) -> None:
    cold, _ = _cold_and_warm(repo)
    db = _database(repo)
    data = db.read_bytes()
    if damage == "empty":
        db.write_bytes(b"")
    elif damage == "truncated-half":
        db.write_bytes(data[: len(data) // 2])
    elif damage == "truncated-header":
        db.write_bytes(data[:50])
    elif damage == "garbage":
        db.write_bytes(b"not a database\n" * 500)
    elif damage == "random-bytes-inside":
        middle = len(data) // 2
        db.write_bytes(data[:100] + os.urandom(middle - 100) + data[middle:])
    elif damage == "foreign-sqlite":
        db.unlink()
        with closing(sqlite3.connect(db)) as other, other:
            other.execute("CREATE TABLE entries (x)")
            other.execute("INSERT INTO entries VALUES (1)")
    elif damage == "other-format":
        with closing(sqlite3.connect(db)) as other, other:
            other.execute("UPDATE meta SET value='999' WHERE key='format'")
    elif damage == "folder":
        db.unlink()
        db.mkdir()
    if damage == "folder":  # nothing to remove safely: lint without the cache
        assert LintCache.open(load_config(repo.root)) is None
        return
    damaged, _ = repo.lint(cache=True)
    assert damaged == cold
    rebuilt, answered = repo.lint(cache=True)
    assert rebuilt == cold
    assert answered is not None and answered.misses == 0, "the cache was not rebuilt"


def _rows(db: Path) -> list[tuple[int, str, str]]:
    with closing(sqlite3.connect(db)) as conn, conn:
        return list(conn.execute("SELECT rowid, path, payload FROM entries"))


def test_a_payload_of_the_wrong_type_is_not_trusted(repo: Repo) -> None:
    cold, _ = _cold_and_warm(repo)
    with closing(sqlite3.connect(_database(repo))) as conn, conn:
        conn.execute("UPDATE entries SET payload='[null, [], null]', digest=42")
    assert repo.lint(cache=True)[0] == cold
    assert repo.lint(cache=True)[0] == cold


def test_a_row_whose_checksum_does_not_match_is_not_trusted(repo: Repo) -> None:
    cold, _ = _cold_and_warm(repo)
    db = _database(repo)
    with closing(sqlite3.connect(db)) as conn, conn:
        for rowid, _path, payload in _rows(db):
            _findings, suppressed, index = json.loads(payload)
            # the bad incident's schema error erased; every other row's records changed
            forged = json.dumps([[], suppressed, index]).replace("INC-2026", "INC-1999")
            conn.execute("UPDATE entries SET payload=? WHERE rowid=?", (forged.encode(), rowid))
            conn.execute("UPDATE entries SET digest=? WHERE rowid=?", (b"x" * 16, rowid))
    tampered, answered = repo.lint(cache=True)
    assert tampered == cold
    assert answered is not None and answered.hits == 0


def test_a_well_formed_row_of_the_wrong_shape_is_dropped(repo: Repo) -> None:
    cold, _ = _cold_and_warm(repo)
    db = _database(repo)
    with closing(sqlite3.connect(db)) as conn, conn:
        for rowid, _path, _payload in _rows(db):
            for shape in ('[[], [], [["x"]]]', '{"a": 1}', "[null, [], [null, [], [], [], []]"):
                payload = shape.encode()
                conn.execute(
                    "UPDATE entries SET payload=?, digest=? WHERE rowid=?",
                    (payload, store._digest(payload), rowid),
                )
                break
    assert repo.lint(cache=True)[0] == cold
    assert repo.lint(cache=True)[0] == cold


def test_an_unwritable_cache_location_still_lints(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(blocker / "cache"))
    assert LintCache.open(load_config(repo.root)) is None
    cold, _ = repo.lint(cache=False)
    assert lint_repository(load_config(repo.root), NOW, cache=None) == cold


def test_concurrent_runs_agree_and_leave_a_usable_cache(repo: Repo) -> None:
    for index in range(12):
        repo.write(f"evals/regression/case-{index}.yaml", case_text(id=f"case-{index}"))
    env = {**os.environ, "INCIDENTKIT_NOW": NOW.isoformat()}
    command = [str(Path(sys.executable).parent / "incidentkit"), "-C", str(repo.root), "lint"]
    cold = subprocess.run(
        [*command, "--no-cache", "--format", "json"], env=env, capture_output=True
    )
    runs = [
        subprocess.Popen([*command, "--format", "json"], env=env, stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [run.communicate()[0] for run in runs]
    assert all(out == cold.stdout for out in outputs), "a concurrent cached run differed"
    assert {run.returncode for run in runs} == {1}
    warm = subprocess.run([*command, "--format", "json"], env=env, capture_output=True)
    assert warm.stdout == cold.stdout
    assert not (repo.root / LOCAL_DIR).exists()


def test_no_cache_writes_nothing(repo: Repo, run_cli: RunCli) -> None:
    run_cli("-C", repo.root, "lint", "--no-cache", expect=1)
    assert not (repo.root / ".git" / "incidentkit").exists()


def test_environment_variable_turns_the_cache_off(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENTKIT_NO_CACHE", "1")
    assert LintCache.open(load_config(repo.root)) is None


def test_worktrees_share_the_common_git_directory(repo: Repo) -> None:
    other = repo.root.parent / "other-worktree"
    repo.repo.git.worktree("add", "-q", str(other), "side")
    assert git_common_dir(other) == (repo.root / ".git").resolve()
    assert cache_dir(load_config(other)) == ((repo.root / ".git" / "incidentkit").resolve(), False)


def test_outside_git_the_cache_is_a_local_ignored_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    monkeypatch.delenv("INCIDENTKIT_CACHE_DIR")
    root = tmp_path / "plain"
    for rel, text in initial_files().items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    run_cli("-C", root, "lint", expect=None)
    assert (root / LOCAL_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert list((root / LOCAL_DIR).glob("lint-v*.sqlite3"))


def test_a_changed_source_file_of_the_tool_is_a_new_cache(tmp_path: Path) -> None:
    """An editable install whose rule changed must not be answered from the old cache."""
    package = Path(incidentkit.__file__).parent
    copy = tmp_path / "incidentkit"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_digest(copy) == code_digest(package)
    rule = copy / "rules" / "schema.py"
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    code_digest.cache_clear()
    assert code_digest(copy) != code_digest(package)


def test_version_config_and_schema_changes_are_new_databases(
    repo: Repo, restore_version: None
) -> None:
    _cold_and_warm(repo)
    for change in (("version", 1, 0), ("config", 1, 0), ("schema", 1, 0)):
        repo.apply(change)
        cold, _ = repo.lint(cache=False)
        warm, answered = repo.lint(cache=True)
        assert warm == cold
        assert answered is not None and answered.hits == 0, change
    assert len(list((repo.root / ".git" / "incidentkit").glob("lint-v*.sqlite3"))) == 4


def test_file_rules_not_marked_clock_do_not_depend_on_the_clock(repo: Repo) -> None:
    """A rule that reads the clock must say CLOCK = True, or the cache would keep stale findings."""
    repo.write(
        "postmortems/PM-2026-0003-dates.md",
        postmortem_text(id="PM-2026-0003", incidents="[INC-2026-0002]", action_items=OVERDUE_ITEMS),
    )
    config = load_config(repo.root)
    clock = {r.id for r in RULES.values() if r.clock or r.scope == "repository"}
    runs = [
        {f for f in lint_repository(config, when).findings if f.rule not in clock}
        for when in (NOW - timedelta(days=3000), NOW, NOW + timedelta(days=3000))
    ]
    assert runs[0] == runs[1] == runs[2]


def test_the_gate_reports_the_same_with_a_warm_cache(repo: Repo, run_cli: RunCli) -> None:
    repo.commit()
    repo.repo.git.checkout("-q", "-b", "pr")
    repo.write("incidents/INC-2026-0009-new.md", incident_text(id="INC-2026-0009", severity="S1"))
    repo.apply(("edit", 0, 3))
    repo.commit()
    args = ("-C", repo.root, "gate", "--base", "main", "--format", "json")
    cold = run_cli(*args, expect=1, env={"INCIDENTKIT_NO_CACHE": "1"})
    first = run_cli(*args, expect=1)
    second = run_cli(*args, expect=1)
    assert json.loads(first.stdout) == json.loads(cold.stdout) == json.loads(second.stdout)
    assert "gate-no-case" in cold.stdout


def test_the_gate_uses_the_lint_database_in_a_chosen_cache_dir(
    repo: Repo, run_cli: RunCli, tmp_path: Path
) -> None:
    """The gate lays the head out in a new temporary folder each run: with
    INCIDENTKIT_CACHE_DIR (whose key includes the repository's path) that folder
    must not make each gate a new, cold database (it made the warm gate slower
    than the cold one)."""
    repo.commit()
    repo.repo.git.checkout("-q", "-b", "pr")
    repo.apply(("edit", 0, 3))
    repo.commit()
    chosen = tmp_path / "chosen-cache"
    env = {"INCIDENTKIT_CACHE_DIR": str(chosen)}
    run_cli("-C", repo.root, "lint", expect=1, env=env)
    (database,) = chosen.glob("lint-v*.sqlite3")
    for _ in range(2):
        run_cli("-C", repo.root, "gate", "--base", "main", expect=1, env=env)
        assert list(chosen.glob("lint-v*.sqlite3")) == [database]


def test_a_file_name_that_is_not_utf8_is_linted_every_time(repo: Repo) -> None:
    name = os.fsdecode(b"evals/regression/caf\xe9.yaml")
    (repo.root / name).write_text(case_text(id="caf"), encoding="utf-8")
    cold, first = _cold_and_warm(repo)
    second, answered = repo.lint(cache=True)
    assert first == cold == second
    assert answered is not None and answered.misses == 0


def test_the_environment_key_is_the_same_in_every_process(repo: Repo) -> None:
    """Sets in the config or the templates' markers must not make each run a new cache."""
    shutil.copytree(data_dir("templates"), repo.root / "templates")
    (repo.root / "templates" / "extra.md").write_text(
        "TODO: aaaa\nTODO: bbbb\nTODO: cccc\nTODO: dddd\nTODO: eeee\n", encoding="utf-8"
    )
    code = (
        "import sys; from pathlib import Path\n"
        "from incidentkit.config import load_config\n"
        "from incidentkit.cache.location import environment_key\n"
        "print(environment_key(load_config(Path(sys.argv[1])), False))\n"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code, str(repo.root)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
    }
    assert len(keys) == 1


# -- whole-run snapshots (cache/runs.py) ---------------------------------------------


def _reused(repo: Repo, now: datetime | None = None) -> tuple[LintResult, bool]:
    if now is not None:
        repo.now = now
    result, answered = repo.lint(cache=True)
    assert answered is not None
    return result, answered.reused_run


def test_an_unchanged_run_reuses_the_last_one_whole(repo: Repo) -> None:
    cold, first = _cold_and_warm(repo)
    assert first == cold
    second, reused = _reused(repo)
    assert reused and second == cold
    # PATHS: the same findings and the same count of files checked as a cold run
    for rel in repo.files():
        only = {rel}
        assert repo.lint(cache=True, only=only)[0] == repo.lint(cache=False, only=only)[0], rel


@pytest.mark.parametrize(
    "change", ["edit", "rename", "delete", "add", "config", "schema", "template", "branch"]
)
def test_any_change_is_a_new_run(repo: Repo, change: str) -> None:
    """A snapshot is never reused for files, settings or a branch it was not made from."""
    _cold_and_warm(repo)
    assert _reused(repo)[1]
    if change == "template":
        shutil.copytree(data_dir("templates"), repo.root / "templates")
        with (repo.root / "templates" / "incident.md").open("a", encoding="utf-8") as out:
            out.write("\nStill to do: write the timeline\n")
        with (repo.root / "incidents" / "INC-2026-0001-refund.md").open("a") as out:
            out.write("\nStill to do: write the timeline\n")
    elif change == "branch":
        repo.commit()
        repo.repo.git.checkout("-q", "side")
    else:
        repo.apply((change, 1, 3))  # edit 3 appends a line; config 1 changes rule levels
    cold, _ = repo.lint(cache=False)
    changed, reused = _reused(repo)
    assert changed == cold
    assert not reused, f"{change}: answered from the snapshot of other files"
    again, reused = _reused(repo)
    assert again == cold and reused


def test_a_touched_file_with_the_same_bytes_keeps_the_snapshot(repo: Repo) -> None:
    cold, _ = _cold_and_warm(repo)
    repo.apply(("touch", 0, 0))
    assert _reused(repo) == (cold, True)


def test_rules_that_read_the_clock_run_again_on_a_reused_run(repo: Repo) -> None:
    """postmortem-deadline does not say CLOCK = True: the run notices that it read `now`."""
    repo.write(
        "incidents/INC-2026-0007-late.md",
        incident_text(id="INC-2026-0007", severity="S1", detected_at="2026-11-19T12:00:00Z"),
    )
    early = datetime(2026, 11, 19, 13, tzinfo=UTC)
    late = early + timedelta(days=5)
    for now in (early, late, early, late + timedelta(days=400)):
        repo.now = now
        cold, _ = repo.lint(cache=False)
        warm, reused = _reused(repo, now)
        assert warm == cold, now
        assert reused or now == early
    flagged = {f.rule for f in warm.findings if f.path == "incidents/INC-2026-0007-late.md"}
    assert {"postmortem-deadline"} <= flagged


def test_a_reused_run_does_not_empty_the_cache(
    git_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run answered whole reads no file through the cache; the rows of the files it
    saw must not look stale to it (over a hundred files, stale rows are pruned)."""
    monkeypatch.delenv("INCIDENTKIT_CACHE_DIR")
    big = Repo(tmp_path / "repo", trust_stat=False)
    for n in range(10, 150):
        big.write(f"incidents/INC-2026-{n:04d}-x.md", incident_text(id=f"INC-2026-{n:04d}"))
    cold, _ = big.lint(cache=False)
    for _ in range(3):
        warm, answered = big.lint(cache=True)
        assert warm == cold
    assert answered is not None and answered.reused_run
    (db,) = (big.root / ".git" / "incidentkit").glob("lint-v*.sqlite3")
    with closing(sqlite3.connect(db)) as conn:
        (count,) = conn.execute("SELECT count(*) FROM entries").fetchone()
    assert count == len(big.files())
    big.repo.close()


@pytest.mark.parametrize(
    "damage", ["checksum", "shape", "unknown-rule", "wrong-types", "row-under-snapshot"]
)
def test_a_damaged_snapshot_is_not_trusted(repo: Repo, damage: str) -> None:
    cold, _ = _cold_and_warm(repo)
    assert _reused(repo)[1]
    with closing(sqlite3.connect(_database(repo))) as conn, conn:
        if damage == "checksum":
            conn.execute("UPDATE runs SET payload=?", (b"[2, [], [], [], [], []]",))
        elif damage in ("shape", "unknown-rule", "wrong-types"):
            payload = {
                "shape": b'{"findings": []}',
                "unknown-rule": b'[2, [], [], ["no-such-rule"], [], []]',
                "wrong-types": b'[2, [[7, 1, 1, "schema", 2, "m", "h"]], [], [], [], []]',
            }[damage]
            conn.execute("UPDATE runs SET payload=?, digest=?", (payload, store._digest(payload)))
        else:  # the snapshot is fine, a row a clock rule decodes is not
            conn.execute("UPDATE entries SET digest=? WHERE path LIKE 'postmortems/%'", (b"x",))
    damaged, reused = _reused(repo)
    assert damaged == cold and not reused
    assert _reused(repo) == (cold, True)


@pytest.mark.parametrize("damage", ["digest", "other-files", "missing"])
def test_the_last_runs_stat_record_is_checked_before_use(repo: Repo, damage: str) -> None:
    """`recent` (each file's stat as the last run established its hash) is a shortcut:
    damaged, for other files or gone, the rows answer instead."""
    cold, _ = _cold_and_warm(repo)
    assert _reused(repo)[1]
    with closing(sqlite3.connect(_database(repo))) as conn, conn:
        if damage == "digest":
            conn.execute("UPDATE recent SET stats=zeroblob(length(stats))")
        elif damage == "other-files":
            conn.execute("UPDATE recent SET files=?", (b"x" * 20,))
        else:
            conn.execute("DELETE FROM recent")
    assert _reused(repo) == (cold, True)
    repo.apply(("edit", 0, 3))
    cold, _ = repo.lint(cache=False)
    assert _reused(repo) == (cold, False)
    assert _reused(repo) == (cold, True)


def test_a_file_changed_within_the_racy_window_is_hashed_again(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file rewritten with the same size and mtime (within one timestamp tick) must not
    be answered by `stat`: the run that hashed it then is too close to trust."""
    _cold_and_warm(repo)
    rel = "incidents/INC-2026-0001-refund.md"
    path = repo.root / rel
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("S9", "S8"), encoding="utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    cold, _ = repo.lint(cache=False)
    assert _reused(repo)[0] == cold
    assert _reused(repo)[0] == cold


def test_a_reused_run_after_a_touch_records_the_files_stat_again(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A touched file (same bytes) no longer matches `recent`: the run that still reuses
    the snapshot (by reading the rows) records `stat` again, so the next one reads none."""
    monkeypatch.setattr(store, "RACY_NS", 0)
    cold, _ = _cold_and_warm(repo)
    repo.apply(("touch", 0, 0))
    first, answered = repo.lint(cache=True)
    assert first == cold and answered is not None and answered.reused_run
    assert answered._rows_read, "recent matched a touched file"
    second, answered = repo.lint(cache=True)
    assert second == cold and answered is not None and answered.reused_run
    assert not answered._rows_read, "every row was read again"
