"""`coverage`, the site's coverage page, `stats` and the gate agree on which cases count.

On the repository's own examples, committed to a real git repository as one
pull request, with cases added that must not count (a criteria-only case, a
skipped test, a test in a file pytest never collects) so the agreement is
not trivially "everything counts".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from conftest import REPO_ROOT, RunCli
from gitrepo import GitRepo
from incidentkit.clock import now
from incidentkit.config import load_config
from incidentkit.records.repository import load_repository
from incidentkit.site.context import SiteData
from incidentkit.site.pages.coverage import page

EXTRA = {
    "evals/regression/criteria-only.yaml": (
        "id: criteria-only\nincidents: [INC-2026-0002]\ntier: regression\n"
        "input:\n  messages:\n    - role: user\n      content: Refund me now.\n"
        'expected:\n  - criteria: "Escalates to a human."\n'
    ),
    "evals/regression/test_skipped.py": (
        "import pytest\n\n\n@pytest.mark.skip(reason='later')\n"
        "@pytest.mark.incident(id='INC-2026-0003')\n@pytest.mark.tier(name='regression')\n"
        "def test_search_loop_stops() -> None:\n    assert 1 + 1 == 2\n"
    ),
    "evals/regression/helpers.py": (
        "import pytest\n\n\n@pytest.mark.incident(id='INC-2026-0006')\n"
        "@pytest.mark.tier(name='regression')\ndef test_helper() -> None:\n    assert True\n"
    ),
}


def test_coverage_site_stats_and_gate_agree_on_the_examples(
    tmp_path: Path, git_env: None, run_cli: RunCli
) -> None:
    repo = GitRepo(tmp_path / "repo", pyproject=None)
    shutil.copy(REPO_ROOT / "pyproject.toml", repo.root / "pyproject.toml")
    for name in ("schemas", "templates"):
        shutil.copytree(REPO_ROOT / name, repo.root / name)
    for name in ("incidents", "postmortems", "evals"):
        (repo.root / name).mkdir()
        (repo.root / name / ".gitkeep").write_text("", encoding="utf-8")
    repo.commit("empty incident repository", "2026-01-01T00:00:00Z")
    repo.branch("examples")
    for name in ("incidents", "postmortems", "evals"):
        shutil.copytree(REPO_ROOT / name, repo.root / name, dirs_exist_ok=True)
    for rel, text in EXTRA.items():
        repo.write(rel, text)
    repo.commit("the examples, and cases that must not count", "2026-11-01T00:00:00Z")

    coverage = json.loads(run_cli("-C", repo.root, "coverage", "--format", "json").stdout)
    by_coverage = {i["id"]: sorted(i["counting"]) for i in coverage["incidents"]}
    not_counted = {c["id"] for i in coverage["incidents"] for c in i["cases"] if not c["counts"]}
    assert not_counted == {
        "criteria-only",
        "evals/regression/test_skipped.py::test_search_loop_stops",
        "evals/regression/helpers.py::test_helper",
    }

    result = run_cli("-C", repo.root, "gate", "--base", "main", "--format", "json", expect=None)
    gate: dict[str, Any] = json.loads(result.stdout)
    by_gate = {i["id"]: sorted(i["counting"]) for i in gate["incidents"]}
    assert by_gate == by_coverage  # every example incident is touched by this PR

    records = load_repository(load_config(repo.root))
    site = SiteData(records, now(), "index.md", history=False, incidents=records.incidents)
    by_site = {e.incident.id: sorted(c.id for c in e.counting) for e in site.coverage.incidents}
    assert by_site == by_coverage
    html = "".join(str(block) for block in page(site).blocks)
    assert "criteria-only: needs a judge" in html
    assert "skipped by @pytest.mark.skip" in html

    stats = json.loads(run_cli("-C", repo.root, "stats", "--format", "json").stdout)
    assert sorted(stats["without_cases"]) == sorted(i for i, c in by_coverage.items() if not c)
    assert stats["totals"]["eval_cases"] == len(
        {c for cases in by_coverage.values() for c in cases}
    )
    repo.close()
