"""Lint runs each file rule over a batch of files (`records.repository.BATCH`):
the findings, suppressions and cache rows must be exactly those of one file at a time.

The repository has more files than several batches, with defects, suppressions,
an unreadable file, a stray file and a Python eval file on and around the
batches' borders; batch sizes 1 (file by file), 7 and the default are compared,
cold and through the cache with a file changed in a later batch.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import git
import pytest

from conftest import case_text, incident_text
from incidentkit.cache.store import LintCache
from incidentkit.config import load_config
from incidentkit.lint import LintResult, lint_repository
from incidentkit.records import repository

NOW = datetime(2026, 11, 20, tzinfo=UTC)
FILES = 150  # more than two default batches


def _incident(n: int) -> str:
    """Incident n: every tenth file a schema error, some suppressions, one unquoted secret."""
    body = "## What happened\n\nThe agent answered from a stale policy page.\n"
    if n == repository.BATCH:
        body += "\nCall the reporter at +49 30 9018204.\n"
    if n in (repository.BATCH - 1, repository.BATCH + 1):
        body += "\nThe key was AKIAZ7QW3RT5YU8IOPLK in the log.\n"
    extra = ""
    if n == repository.BATCH + 1:
        extra = "# incidentkit: ignore[schema] the field comes from the importer\nimporter: v2\n"
    if n == repository.BATCH + 2:
        extra = "# incidentkit: ignore[schema]\nimporter: v2\n"  # no reason: its own finding
    return incident_text(
        id=f"INC-2026-{n:04d}",
        severity="S9" if n % 10 == 0 else "S3",
        extra=extra,
        body=body,
    )


@pytest.fixture
def root(tmp_path: Path, git_env: None) -> Path:
    root = tmp_path / "repo"
    for n in range(1, FILES + 1):
        path = root / "incidents" / f"INC-2026-{n:04d}-stale-refund.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_incident(n), encoding="utf-8")
        case = root / "evals" / "regression" / f"case-{n:04d}.yaml"
        case.parent.mkdir(parents=True, exist_ok=True)
        case.write_text(case_text(id=f"case-{n:04d}", incidents=f"[INC-2026-{n:04d}]"))
    bad = root / "incidents" / f"INC-2026-{repository.BATCH * 2:04d}-stale-refund.md"
    bad.write_bytes(b"---\nid: INC-2026-0128\ntitle: \xff\xfe broken\n---\n")
    (root / "incidents" / "notes.txt").write_text("a stray file\n", encoding="utf-8")
    (root / "evals" / "test_refund.py").write_text(
        "import pytest\n\n\n@pytest.mark.incident('INC-2026-0003')\n"
        "@pytest.mark.tier('regression')\ndef test_refund():\n    assert True\n",
        encoding="utf-8",
    )
    repo = git.Repo.init(root)
    repo.git.add(A=True)
    repo.index.commit("records")
    repo.close()
    return root


def _lint(root: Path, batch: int, monkeypatch: pytest.MonkeyPatch, cache: bool) -> LintResult:
    monkeypatch.setattr(repository, "BATCH", batch)
    config = load_config(root)
    opened = LintCache.open(config) if cache else None
    assert opened is not None or not cache
    return lint_repository(config, NOW, cache=opened)


def test_every_batch_size_reports_what_file_by_file_reports(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_by_one = _lint(root, 1, monkeypatch, cache=False)
    rules = {f.rule for f in one_by_one.findings}
    assert {"schema", "secrets", "personal-data", "suppression-reason"} <= rules, rules
    assert one_by_one.files == 2 * FILES + 2  # the stray file and the Python file count
    for batch in (7, repository.BATCH):
        assert _lint(root, batch, monkeypatch, cache=False) == one_by_one, batch


def test_a_change_in_a_later_batch_is_seen_through_the_cache(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    default = repository.BATCH
    assert _lint(root, default, monkeypatch, cache=True) == _lint(root, 1, monkeypatch, False)
    changed = root / "incidents" / f"INC-2026-{default + 40:04d}-stale-refund.md"
    changed.write_text(incident_text(id=f"INC-2026-{default + 40:04d}", severity="S0"))
    cold = _lint(root, 1, monkeypatch, cache=False)
    assert any(f.path == f"incidents/{changed.name}" for f in cold.findings)
    for batch in (7, default):
        assert _lint(root, batch, monkeypatch, cache=True) == cold, batch
