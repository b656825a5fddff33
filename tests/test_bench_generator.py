"""The benchmark's repository generator: lint-clean, the promised shape, deterministic."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, RunCli

sys.path.insert(0, str(REPO_ROOT / "bench"))

import generate

N = 20


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, generate.Stats]:
    root = tmp_path_factory.mktemp("bench") / "repo"
    return root, generate.generate(root, N, seed=7)


def test_generated_repository_lints_without_errors(
    generated: tuple[Path, generate.Stats], run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, stats = generated
    monkeypatch.setenv("INCIDENTKIT_NOW", generate.NOW_ISO)
    result = run_cli("-C", root, "lint", "--format", "json")
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 0
    # the only warnings are the deliberately overdue action items
    assert {f["rule"] for f in report["findings"]} <= {"overdue-action-item"}
    assert report["summary"]["warnings"] == stats.overdue_items


def test_generated_repository_has_the_expected_shape(
    generated: tuple[Path, generate.Stats],
) -> None:
    root, stats = generated
    incidents = sorted((root / "incidents").glob("INC-*.md"))
    postmortems = sorted((root / "postmortems").glob("PM-*.md"))
    case_files = sorted((root / "evals").rglob("*.yaml"))
    assert (len(incidents), len(postmortems)) == (N, N // 2) == (stats.incidents, stats.postmortems)
    assert stats.cases == 3 * N
    assert len(case_files) == stats.case_files
    assert {p.parent.name for p in case_files} <= {
        "regression",
        "pre-deployment",
        "safety-critical",
    }
    assert (root / "pyproject.toml").read_text().count("[tool.incidentkit") >= 1
    assert sorted(p.name for p in (root / "schemas").iterdir()) == sorted(
        p.name for p in (REPO_ROOT / "schemas").iterdir()
    )
    # one commit per ten records, plus the set-up commit
    records = len(incidents) + len(postmortems) + len(case_files)
    commits = int(_git(root, "rev-list", "--count", "HEAD"))
    assert commits == stats.commits == 1 + -(-records // generate.RECORDS_PER_COMMIT)
    times = [int(t) for t in _git(root, "log", "--format=%ct", "--reverse").split()]
    assert times == sorted(times)
    assert _git(root, "status", "--porcelain") == ""


def test_same_seed_gives_identical_repositories(
    generated: tuple[Path, generate.Stats], tmp_path: Path
) -> None:
    root, _ = generated
    again = tmp_path / "again"
    generate.generate(again, N, seed=7)
    assert _digest(again) == _digest(root)
    assert _git(again, "rev-parse", "HEAD") == _git(root, "rev-parse", "HEAD")
    other = tmp_path / "other"
    generate.generate(other, N, seed=8)
    assert _digest(other) != _digest(root)
