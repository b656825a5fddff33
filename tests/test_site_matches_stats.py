"""The site's dashboard and trends show the same numbers as `incidentkit stats`.

Both read `incidentkit.metrics`; this test holds them to it on the
repository's own examples, built as a real site.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO_ROOT, RunCli
from incidentkit.site.html import fmt_hours


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("examples")
    for name in ("incidents", "postmortems", "evals", "schemas", "docs"):
        shutil.copytree(REPO_ROOT / name, root / name)
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(REPO_ROOT / name, root / name)
    return root, root / "site-out"


def _text(page: Path) -> str:
    raw = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(raw))


def _stats(run_cli: RunCli, root: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run_cli("-C", root, "stats", "--format", "json").stdout)
    return data


def test_dashboard_and_trends_agree_with_stats(run_cli: RunCli, built: tuple[Path, Path]) -> None:
    root, site = built
    run_cli("-C", root, "build", "--site-dir", site)
    stats = _stats(run_cli, root)
    home = _text(site / "index.html")
    assert f"MTTD (median) {fmt_hours(stats['mttd']['median_hours'])}" in home
    assert f"MTTR (median) {fmt_hours(stats['mttr']['median_hours'])}" in home
    assert f"Overdue action items {stats['action_items']['overdue']}" in home

    trends = _text(site / "trends" / "index.html")
    for quarter in stats["quarters"]:
        row = (
            f"{quarter['quarter']} {quarter['incidents']} "
            f"{fmt_hours(quarter['mttd']['median_hours'])} {fmt_hours(quarter['mttd']['p90_hours'])} "
            f"{fmt_hours(quarter['mttr']['median_hours'])} {fmt_hours(quarter['mttr']['p90_hours'])}"
        )
        assert row in trends
    for mode, count in stats["counts"]["failure_mode"].items():
        assert f"{mode} {count}" in trends
