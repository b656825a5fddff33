"""The site, built with MkDocs in strict mode from a fixture repository.

One build per module (through the CLI); the tests read the generated HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from conftest import PINNED_NOW, RunCli, write
from incidentkit import metrics
from incidentkit.cli import cli
from incidentkit.config import load_config
from incidentkit.records.repository import RecordSet, load_repository
from incidentkit.site import charts
from incidentkit.site.html import fmt_hours, render_body, safe_url, text
from site_fixture import QUOTE_TITLE, SEARCH_WORD, XSS_TITLE, make_site_repo


@pytest.fixture(scope="module")
def site_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = make_site_repo(tmp_path_factory.mktemp("site") / "repo")
    out = root.parent / "built"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTKIT_NOW", PINNED_NOW)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(
            cli, ["-C", str(root), "build", "--site-dir", str(out)], catch_exceptions=False
        )
    assert result.exit_code == 0, result.output
    assert "Open file://" in result.output
    yield root, out


@pytest.fixture(scope="module")
def records(site_repo: tuple[Path, Path]) -> RecordSet:
    return load_repository(load_config(site_repo[0]))


def page(out: Path, url: str) -> str:
    return (out / url.strip("/") / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


EXPECTED = [
    "",
    "incidents",
    "incidents/INC-2026-0001",
    "incidents/INC-2026-0002",
    "postmortems",
    "postmortems/PM-2026-0001",
    "action-items",
    "indicators",
    "gaps",
    "coverage",
    "trends",
    "taxonomy",
    "tags",
    "tags/payments",
    "severity/s1",
    "failure-modes/factual-hallucination",
    "detection/user-report",
    "root-causes/retrieval-failure",
    "benchmarks",
]


@pytest.mark.parametrize("url", EXPECTED)
def test_page_exists(site_repo: tuple[Path, Path], url: str) -> None:
    assert (site_repo[1] / url / "index.html").is_file()


def test_generated_pages_are_not_written_to_the_repository(site_repo: tuple[Path, Path]) -> None:
    root = site_repo[0]
    assert sorted(p.name for p in (root / "docs").iterdir()) == ["benchmarks.md"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)


def test_every_internal_link_resolves(site_repo: tuple[Path, Path]) -> None:
    out = site_repo[1]
    broken = []
    for html_file in out.rglob("*.html"):
        if html_file.name == "404.html":  # served at any depth, so its links are absolute
            continue
        parser = _Links()
        parser.feed(html_file.read_text(encoding="utf-8"))
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            resolved = (html_file.parent / parts.path).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{html_file.relative_to(out)} -> {target}")
    assert not broken


def test_no_external_request_in_pages(site_repo: tuple[Path, Path]) -> None:
    """Scripts, styles, images and fonts are all served by the site itself."""
    for html_file in site_repo[1].rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r'<(script|img|link|iframe)[^>]+(src|href)="(https?:)?//', html), (
            html_file
        )
        assert "fonts.googleapis" not in html


def test_record_text_is_escaped_everywhere(site_repo: tuple[Path, Path]) -> None:
    out = site_repo[1]
    for path in [*out.rglob("*.html"), out / "search" / "search_index.json"]:
        content = path.read_text(encoding="utf-8")
        assert not re.search(r"<script>alert", content), path
        assert not re.search(r"<img[^>]*onerror", content, re.I), path
        assert not re.search(r"href=\"?javascript:", content, re.I), path
    incident = page(out, "incidents/INC-2026-0001")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in incident  # the title, shown as text
    assert "[x](javascript:alert(3))" in text_of(incident).replace("\\", "")
    assert "click me" in incident  # the body link's text stays, its URL is dropped
    title = re.search(r"<title>(.*?)</title>", incident, re.S)
    assert title and "<" not in title.group(1)


def _title_and_header(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    header = re.search(
        r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', html, re.S
    )
    assert title and header
    return title.group(1).strip(), header.group(1).strip()


@pytest.mark.parametrize(
    ("incident", "text"),
    [("INC-2026-0003", QUOTE_TITLE), ("INC-2026-0001", XSS_TITLE)],
)
def test_page_title_is_escaped_exactly_once(
    site_repo: tuple[Path, Path], incident: str, text: str
) -> None:
    """<title> and the header hold the record title escaped once: a browser shows the text."""
    title, header = _title_and_header(page(site_repo[1], f"incidents/{incident}"))
    # Decoding once gives the text back: not escaped twice (`&amp;#x27;`) ...
    assert unescape(title) == f"{incident}: {text} - Incident database"
    assert unescape(header) == f"{incident}: {text}"
    # ... and not left raw: no tag, no bare `&` or `"`.
    for source in (title, header):
        assert not re.search(r"[<>\"]|&(?!(amp|lt|gt|quot|#34|#39|#x27);)", source), source


def test_approximate_timestamps_are_marked(site_repo: tuple[Path, Path]) -> None:
    incident = text_of(page(site_repo[1], "incidents/INC-2026-0001"))
    assert "Started : ~ 2026-03-01 08:00 UTC" in incident
    assert "Detected : 2026-03-02 10:00 UTC" in incident  # not approximate: no mark


def test_incident_page_shows_postmortem_cases_and_related(site_repo: tuple[Path, Path]) -> None:
    html = page(site_repo[1], "incidents/INC-2026-0001")
    assert 'href="../../postmortems/PM-2026-0001/"' in html
    assert "refund-window" in html and "support-agent@1.4.0" in html
    assert 'href="../INC-2026-0003/"' in html  # INC-0003 names it as related
    assert SEARCH_WORD in html


def test_dashboard_numbers_come_from_metrics(
    site_repo: tuple[Path, Path], records: RecordSet
) -> None:
    home = text_of(page(site_repo[1], ""))
    mttd = metrics.mttd(records.incidents).median_hours
    mttr = metrics.mttr(records.incidents).median_hours
    assert f"MTTD (median) {fmt_hours(mttd)}" in home
    assert f"MTTR (median) {fmt_hours(mttr)}" in home
    assert "Open S2 1" in home and "Open S1 0" in home
    assert "Uncovered S1/S2 1" in home  # INC-2026-0002 has no case
    assert "Overdue action items 1" in home
    assert "PM-2026-0001/A1" in home


def test_trends_numbers_come_from_metrics(site_repo: tuple[Path, Path], records: RecordSet) -> None:
    trends = text_of(page(site_repo[1], "trends"))
    for quarter, group in metrics.quarter_series(records.incidents).items():
        summary = metrics.mttd(group)
        assert f"{quarter} {len(group)} {fmt_hours(summary.median_hours)}" in trends
    for name in ("failure-modes", "severity", "mttd-mttr", "gap-types"):
        assert (site_repo[1] / "trends" / f"{name}.svg").is_file()


def test_action_items_overdue_first(site_repo: tuple[Path, Path]) -> None:
    items = text_of(page(site_repo[1], "action-items"))
    assert items.index("PM-2026-0001/A1") < items.index("PM-2026-0001/A2")
    assert "(overdue)" in items


def test_search_index_holds_record_bodies(site_repo: tuple[Path, Path]) -> None:
    index = json.loads((site_repo[1] / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any(SEARCH_WORD in doc["text"] for doc in index["docs"])


def test_charts_are_reproducible() -> None:
    first = charts.stacked_bars("t", ["2026Q1", "2026Q2"], {"a": [1, 2]}, "n")
    second = charts.stacked_bars("t", ["2026Q1", "2026Q2"], {"a": [1, 2]}, "n")
    assert first == second
    assert b"<dc:date>" not in first


def test_record_text_is_escaped_never_markdown() -> None:
    assert text("[x](javascript:alert(1)) | <b>") == "[x](javascript:alert(1)) | &lt;b&gt;"
    body = render_body('<script>alert(1)</script><a href="javascript:x">y</a>\n\n**ok**')
    assert "<script" not in body and "javascript:" not in body and "<strong>ok</strong>" in body


def test_mkdocs_api_build_with_hand_written_home(tmp_path: Path) -> None:
    """Plain MkDocs (no CLI): a hand-written docs/index.md wins and the dashboard moves."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs

    root = make_site_repo(tmp_path / "repo")
    write(root, "docs/index.md", "# Our incident site\n")
    config = load_mkdocs(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "out"), strict=True)
    build(config)
    assert "Our incident site" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "dashboard" / "index.html").is_file()


def test_unshowable_record_fails_strict_build(tmp_path: Path, run_cli: RunCli) -> None:
    root = make_site_repo(tmp_path / "repo")
    write(root, "incidents/INC-2026-0009-broken.md", "no front matter here\n")
    result = run_cli("-C", root, "build", "--site-dir", tmp_path / "out", expect=1)
    assert "INC-2026-0009-broken.md" in result.output
    run_cli("-C", root, "build", "--site-dir", tmp_path / "out", "--no-strict", expect=0)


def test_build_without_mkdocs_yml_uses_packaged_config(tmp_path: Path, run_cli: RunCli) -> None:
    root = make_site_repo(tmp_path / "repo")
    (root / "mkdocs.yml").unlink()
    run_cli("-C", root, "build", "--site-dir", tmp_path / "out")
    assert (tmp_path / "out" / "incidents" / "INC-2026-0001" / "index.html").is_file()


MINIMAL_MKDOCS = "site_name: Incident database\ntheme:\n  name: material\n  font: false\nplugins:\n  - search\n  - incidentkit\n"
KITCHEN_SINK_MKDOCS = MINIMAL_MKDOCS + (
    "markdown_extensions:\n"
    "  - abbr\n  - footnotes\n  - attr_list\n  - md_in_html\n  - admonition\n  - def_list\n"
    "  - toc:\n      permalink: true\n"
    "  - pymdownx.snippets\n  - pymdownx.emoji\n  - pymdownx.magiclink\n  - pymdownx.critic\n"
    "  - pymdownx.smartsymbols\n  - pymdownx.tasklist\n  - pymdownx.betterem\n"
    "  - pymdownx.caret\n  - pymdownx.mark\n  - pymdownx.tilde\n  - pymdownx.keys\n"
    "  - pymdownx.arithmatex:\n      generic: true\n"
)


@pytest.mark.parametrize("mkdocs_yml", [MINIMAL_MKDOCS, KITCHEN_SINK_MKDOCS], ids=["bare", "many"])
def test_pages_render_with_any_markdown_extensions(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, mkdocs_yml: str
) -> None:
    """Without md_in_html (a fresh `init` before this fix showed raw `| ID |` text), or with
    extensions that rewrite text, the generated pages are the same HTML."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = make_site_repo(tmp_path / "repo")
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    out = tmp_path / "out"
    run_cli("-C", root, "build", "--site-dir", out)
    for html_file in out.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*-{3}|\|\s*ID\s*\|", html), html_file  # no raw table
        assert "incidentkitblock" not in html, html_file  # every placeholder swapped
        assert not re.search(r'<(script|img|link)[^>]+(src|href)="(https?:)?//', html), html_file
    incidents = page(out, "incidents")
    assert incidents.count("<tr>") == 4  # heading + 3 incidents
    incident = page(out, "incidents/INC-2026-0001")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in incident
    assert "<script>alert" not in incident


def test_record_pages_have_edit_links_git_dates_and_tags(
    tmp_path: Path, run_cli: RunCli, git_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated pages link to their record's source, show its last commit's date (also the
    sitemap's lastmod, not the build time) and hand their tags to Material's tags plugin."""
    from gitrepo import GitRepo

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = make_site_repo(tmp_path / "repo")
    repo = GitRepo(root, pyproject=None)
    repo.commit("records", "2026-04-01T10:00:00Z")
    incident = next((root / "incidents").glob("INC-2026-0002-*.md"))
    incident.write_text(incident.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    repo.commit("edit one incident", "2026-06-15T10:00:00Z")
    repo.close()
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "content.action.edit" in config
    (root / "mkdocs.yml").write_text(
        config
        + "site_url: https://incidents.example/\n"
        + "repo_url: https://git.example/team/incidents\nedit_uri: edit/main/docs/\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_cli("-C", root, "build", "--site-dir", out)
    second = page(out, "incidents/INC-2026-0002")
    assert (
        f'href="https://git.example/team/incidents/edit/main/incidents/{incident.name}"' in second
    )
    assert "2026-06-15" in second and "2026-04-01" not in second  # Material's "Last update"
    first = page(out, "incidents/INC-2026-0001")
    assert "2026-04-01" in first and "/edit/main/incidents/INC-2026-0001-xss.md" in first
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"incidents/INC-2026-0002/</loc>\s*<lastmod>([^<]+)<", sitemap)
    assert entry and entry.group(1) == "2026-06-15"
    # Tags: Material's chips, its search index, escaped (its templates print names raw).
    assert '<span class="md-tag">payments</span>' in first
    assert "<img src=x onerror=alert(4)>" not in first
    assert "&lt;img src=x onerror=alert(4)&gt;" in first
    # No global template filter is replaced for the theme (the plugin used to swap striptags).
    from jinja2.filters import FILTERS
    from mkdocs.config import load_config as load_mkdocs
    from mkdocs.structure.files import Files

    mk = load_mkdocs(str(root / "mkdocs.yml"))
    env = mk.plugins.on_env(mk.theme.get_env(), config=mk, files=Files([]))
    assert env.filters["striptags"] is FILTERS["striptags"]


def test_search_entries_are_readable(site_repo: tuple[Path, Path]) -> None:
    """Labelled fields and table cells are separated in the search index, not glued together."""
    index = json.loads((site_repo[1] / "search" / "search_index.json").read_text(encoding="utf-8"))
    entry = next(d for d in index["docs"] if d["location"] == "incidents/INC-2026-0003/")
    text = " ".join(entry["text"].split())
    assert "Severity: S3 · Status: closed · Near miss: no ·" in text
    cases = next(d for d in index["docs"] if d["location"] == "incidents/INC-2026-0001/#eval-cases")
    assert "Case Tier File Verification" in " ".join(cases["text"].split())
    # The filter controls list every value: they are no page text.
    listing = next(d for d in index["docs"] if d["location"] == "incidents/")
    assert "all" not in listing["text"].split()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ok.example/a?b=c#d", "https://ok.example/a?b=c#d"),
        ("HTTP://ok.example/", "HTTP://ok.example/"),
        ("mailto:oncall@example.com", "mailto:oncall@example.com"),
        ("../evals/regression/case.yaml", "../evals/regression/case.yaml"),
        ("/runbooks/refunds", "/runbooks/refunds"),
        ("#timeline", "#timeline"),
        (
            "https://ok.example/|[x](javascript:alert(1))",
            "https://ok.example/|[x](javascript:alert(1))",
        ),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("&#106;avascript:alert(1)", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None),
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("//evil.example/x", None),
        ("https://ok.example/ [x](javascript:alert(1))", None),  # prose, not a URL
        ("PagerDuty incident 4711", None),
        ("", None),
    ],
)
def test_url_allow_list(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_sanitiser_keeps_nothing_the_theme_would_run() -> None:
    body = render_body(
        '<pre class="mermaid">graph TD; A-->B</pre>\n\n'
        '<div class="arithmatex annotate md-typeset" id="__search" style="x" data-md-color="y">'
        "x</div>\n\n<img src=https://evil.example/x.png>\n\n"
        "```python\nprint('hi')\n```\n"
    )
    assert "mermaid" not in body and "arithmatex" not in body and "annotate" not in body
    assert "__search" not in body and "style=" not in body and "data-md" not in body
    assert "<img" not in body and "evil.example" not in body
    assert '<div class="highlight">' in body and '<span class="nb">print</span>' in body


def test_home_page_title_is_the_site_name(site_repo: tuple[Path, Path]) -> None:
    home = page(site_repo[1], "")
    title = re.search(r"<title>(.*?)</title>", home, re.S)
    assert title and title.group(1).strip() == "Incident database"
    assert "<h1>Incident database</h1>" in home
