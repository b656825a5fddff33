"""The repository both gate test modules start from, and the paths they use.

`main` holds one S3 incident with its case; the PR branch `pr` starts there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import case_text, incident_text
from gitrepo import GitRepo

INC1 = "incidents/INC-2026-0001-stale-refund-window.md"
INC2 = "incidents/INC-2026-0002-refund-without-approval.md"
CASE1 = "evals/regression/refund-window.yaml"
CASE2 = "evals/regression/approval.yaml"
WAIVER = 'regression_waiver:\n  reason: the agent was retired\n  approved_by: "@maria-k"\n'


@pytest.fixture(name="repo")
def gate_repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    """main: one S3 incident with its case; the PR branch `pr` starts there."""
    r = GitRepo(tmp_path / "repo")
    r.write(INC1, incident_text())
    r.write(CASE1, case_text())
    r.commit("base", "2026-03-04T10:00:00Z")
    r.branch("pr")
    yield r
    r.close()
