"""Floor S of `make bench`: plain MkDocs on the same pages as the site, with the site's navigation.

A floor whose sidebar listed every record page made each page's HTML grow
with the repository (a quadratic build); these tests keep it linear and
keep its pages mirroring a real incidentkit build.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "bench"))

import generate
import run

N = 12


def _rows(page: Path) -> int:
    return sum(line.startswith("| [") for line in page.read_text(encoding="utf-8").splitlines())


def _site_page(site: Path, folder: str, rows: int) -> None:
    page = site / folder / "index.html" if folder else site / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("<table>" + "<tr><td>x</td></tr>" * rows + "</table>", encoding="utf-8")


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("floor")
    repo = base / "repo"
    generate.generate(repo, N, seed=3)
    saved = run.BENCH
    run.BENCH = base / "bench"
    try:
        return run.floor_site(repo, N, 3)
    finally:
        run.BENCH = saved


def test_summary_pages_mirror_the_site_and_stale_ones_go(floor: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _site_page(site, "", 3)
    _site_page(site, "incidents", N)
    _site_page(site, "incidents/INC-2026-0001", 40)  # a record page: floor S has its own
    _site_page(site, "action-items", 7)
    _site_page(site, "severity/s1", 5)
    _site_page(site, "tags/index-", 2)
    run.match_pages(site, floor)
    docs = floor / "docs"
    assert _rows(docs / "index.md") == 3
    assert _rows(docs / "incidents/index.md") == N
    assert _rows(docs / "action-items.md") == 7
    assert _rows(docs / "severity/s1.md") == 5
    assert _rows(docs / "tags/index-.md") == 2
    assert not (docs / "incidents/INC-2026-0001.md").exists()
    records = list((docs / "incidents").glob("INC-*.md"))
    assert len(records) == N  # one per record, named after the record file

    _site_page(site, "severity/s2", 1)
    (site / "severity/s1/index.html").unlink()
    run.match_pages(site, floor)
    assert not (docs / "severity/s1.md").exists()  # mirrored pages are rewritten each time
    assert _rows(docs / "severity/s2.md") == 1
    assert (docs / "action-items.md").is_file()  # nav pages are kept


def test_floor_builds_with_only_the_sites_sections_in_the_sidebar(floor: Path) -> None:
    """Record pages are built but not in the nav, as the plugin's are."""
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [str(mkdocs), "build", "-q"], cwd=floor, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    records = sorted((floor / "docs/incidents").glob("INC-*.md"))
    assert len(records) == N
    first = floor / "site/incidents" / records[0].stem / "index.html"
    html = first.read_text(encoding="utf-8")
    assert "Action items" in html  # the plugin's sections are the sidebar
    for other in records[1:]:
        assert f"{other.stem}/" not in html  # no other record page in this page's sidebar
