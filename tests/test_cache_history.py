"""Coverage with the cache: the same report as without it, however the history moves.

The turnaround pass is answered incrementally from the last HEAD the cache
knows; these tests move HEAD forward, sideways (a branch that is not a
descendant), backwards (a reset), rewrite it (amend), and deepen a shallow
clone under an unchanged HEAD, and compare with a cold run each time.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import RunCli, case_text, incident_text
from gitrepo import GitRepo
from incidentkit.cache.history import first_case_times
from incidentkit.cache.store import LintCache
from incidentkit.config import load_config
from incidentkit.git.history import first_case_times as uncached

INCIDENT = "incidents/INC-2026-{n:04d}-x.md"


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    r = GitRepo(tmp_path / "repo", pyproject=None)
    yield r
    r.close()


def _add(repo: GitRepo, n: int, day: int, incidents: str | None = None) -> None:
    repo.write(INCIDENT.format(n=n), incident_text(id=f"INC-2026-{n:04d}", severity="S1"))
    links = incidents or f"[INC-2026-{n:04d}]"
    repo.write(f"evals/regression/case-{n}.yaml", case_text(id=f"case-{n}", incidents=links))
    repo.commit(f"incident {n}", f"2026-03-{day:02d}T10:00:00Z")


def _cached(root: Path) -> tuple[dict[str, object], LintCache]:
    config = load_config(root)
    cache = LintCache.open(config, lint=False)
    assert cache is not None
    try:
        return dict(first_case_times(config, cache)), cache
    finally:
        cache.close()


def _check(root: Path) -> None:
    expected = uncached(load_config(root))
    assert _cached(root)[0] == expected
    assert _cached(root)[0] == expected  # answered from the cache


def test_history_answers_follow_head_wherever_it_moves(repo: GitRepo, run_cli: RunCli) -> None:
    _add(repo, 1, 2)
    _check(repo.root)
    _add(repo, 2, 3)  # forward: only the new commit is scanned
    _check(repo.root)
    first = repo.head()
    repo.repo.git.checkout("-q", "-b", "side", first)
    _add(repo, 3, 4)
    repo.repo.git.checkout("-q", "main")
    _add(repo, 4, 5)
    repo.repo.git.checkout("-q", "side")  # sideways: not a descendant of main's HEAD
    _check(repo.root)
    repo.repo.git.merge("-q", "--no-edit", "main")  # a merge brings main's cases in
    _check(repo.root)
    repo.write("evals/regression/case-1.yaml", case_text(id="case-1", incidents="[INC-2026-0007]"))
    repo.commit("relink", "2026-03-01T10:00:00Z")  # an earlier committer time than before
    _check(repo.root)
    repo.repo.git.commit("-q", "--amend", "-m", "reworded")  # a rewritten HEAD
    _check(repo.root)
    repo.repo.git.reset("-q", "--hard", first)  # backwards
    _check(repo.root)
    cold = run_cli(
        "-C", repo.root, "coverage", "--format", "json", env={"INCIDENTKIT_NO_CACHE": "1"}
    )
    warm = run_cli("-C", repo.root, "coverage", "--format", "json")
    assert json.loads(warm.stdout) == json.loads(cold.stdout)


def test_deepening_a_shallow_clone_is_not_answered_from_the_shallow_history(
    repo: GitRepo, tmp_path: Path
) -> None:
    _add(repo, 1, 2)
    _add(repo, 2, 3, incidents="[INC-2026-0001, INC-2026-0002]")
    _add(repo, 3, 4)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    shallow, _ = _cached(clone)
    assert shallow == uncached(load_config(clone))
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    deep, _ = _cached(clone)
    assert deep == uncached(load_config(clone)) != shallow


def test_a_corrupt_history_row_is_not_trusted(repo: GitRepo) -> None:
    import sqlite3
    from contextlib import closing

    _add(repo, 1, 2)
    _check(repo.root)
    cache = LintCache.open(load_config(repo.root), lint=False)
    assert cache is not None
    file = cache.file
    cache.close()
    with closing(sqlite3.connect(file)) as db, db:
        db.execute("""UPDATE history SET times='{"INC-2026-0001": 1}'""")
    _check(repo.root)
