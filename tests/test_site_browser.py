"""Built sites in headless Chromium (Debian's, driven by Playwright), served on localhost.

Three sites, each built once per session: the fixture repository, a fresh
`incidentkit init` repository with one incident, post-mortem and case, and
the XSS corpus (`site_corpus.py`: every payload in every schema field).
Every request a page makes is recorded: none may leave localhost. On each
page probed, every link is hovered and clicked (navigation is then blocked,
so the page stays put): no dialog may open and no payload may set
`window.__xss`. Page kinds are checked at 1280 and 390 px for horizontal
overflow, with screenshots in test-output/.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from conftest import PINNED_NOW, REPO_ROOT
from incidentkit.cli import cli
from site_corpus import PAYLOADS, make_corpus_repo
from site_fixture import SEARCH_WORD, make_site_repo

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

OUTPUT = REPO_ROOT / "test-output"
LOCAL = {"127.0.0.1"}
# Our own table headings shown as text would mean a table was left as Markdown.
OUR_HEADINGS = r"\|\s*(ID|Incident|Owner|Metric|Case|Tag)\s*\|"
RAW_TABLE = re.compile(r"\|\s*:?-{3,}:?\s*\||" + OUR_HEADINGS)
# The corpus holds a Markdown table as a payload, rightly shown as text.
CORPUS_RAW_TABLE = re.compile(OUR_HEADINGS)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build(root: Path, out: Path, *extra: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTKIT_NOW", PINNED_NOW)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(cli, ["-C", str(root), "build", "--site-dir", str(out), *extra])
    assert result.exit_code == 0, result.output


def run(root: Path, *args: str) -> str:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTKIT_NOW", PINNED_NOW)
        result = CliRunner().invoke(cli, ["-C", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_site_repo(tmp_path_factory.mktemp("browser") / "repo")
    build(root, root.parent / "built")
    with serve(root.parent / "built") as url:
        yield url


def write_up(record: Path) -> None:
    """Do what a user does after `new`: replace every placeholder with real content."""
    text = record.read_text(encoding="utf-8")
    text = text.replace('"@TODO"', '"@asha-r"').replace("YYYY-MM-DD", "2026-12-20")
    text = re.sub(r"TODO[^\"'\n]*", "the refund policy page was re-indexed a day late", text)
    # A section holding only the template's guidance comment gets a paragraph.
    text = re.sub(
        r"(\n## [^\n]+\n\n<!--[^\n]*-->\n)(?=\n##|\Z)",
        r"\1\nThe on-call engineer wrote this section after the review.\n",
        text,
    )
    record.write_text(text, encoding="utf-8")


@pytest.fixture(scope="session")
def init_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """What a new user gets: `init`, one incident, its post-mortem and case, `build`."""
    root = tmp_path_factory.mktemp("init") / "repo"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTKIT_NOW", PINNED_NOW)
        result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    run(
        root, "new", "incident", "--title", "Agent promised a refund window we no longer offer "
        "and kept repeating it across a very long conversation with the customer",
        "--severity", "S2", "--failure-mode", "factual-hallucination", "--detection",
        "user-report", "--agent", "support-agent", "--agent-version", "1.4.0",
        "--started-at", "2026-10-01T08:00:00Z", "--detected-at", "2026-10-20T10:00:00Z",
        "--tag", "payments",
    )  # fmt: skip
    pm = root / run(root, "new", "postmortem", "INC-2026-0001", "--author", "@asha-r")
    case = root / run(root, "new", "eval", "--incident", "INC-2026-0001")
    for record in (*root.glob("incidents/*.md"), pm, case):
        write_up(record)
    build(root, root.parent / "built")
    with serve(root.parent / "built") as url:
        yield url


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = make_corpus_repo(tmp_path_factory.mktemp("corpus") / "repo")
    out = root.parent / "built"
    build(root, out, "--no-strict")  # enum fields holding a payload are invalid: left out
    with serve(out) as url:
        yield out, url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield instance
        instance.close()


@dataclass
class Watch:
    """What a page did: requests (while loading, while probing), errors, dialogs."""

    requests: list[str] = field(default_factory=list)  # while loading
    blocked: list[str] = field(default_factory=list)  # while hovering and clicking
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    blocking: bool = False

    def external(self) -> set[str]:
        """Hosts other than the local server that the page asked for anything."""
        asked = self.requests + self.blocked
        return {
            urlsplit(u).hostname or u
            for u in asked
            if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname not in LOCAL
        }


@contextmanager
def open_page(browser: Any, width: int = 1280) -> Iterator[tuple[Any, Watch]]:
    watch = Watch()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()

    def on_request(request: Any) -> None:
        (watch.blocked if watch.blocking else watch.requests).append(request.url)

    page.on("request", on_request)
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield page, watch
    finally:
        context.close()


def flag(page: Any) -> Any:
    return page.evaluate("() => window.__xss")


def probe(page: Any, watch: Watch, url: str, raw_table: re.Pattern[str] = RAW_TABLE) -> None:
    """Load `url`, then hover and click every link and hover every element; nothing may run."""
    watch.errors.clear()
    page.goto(url, wait_until="load")
    assert flag(page) is None, f"{url}: a payload ran on load"
    text = page.inner_text("body")
    assert not raw_table.search(text), f"{url}: a table left as Markdown text"
    assert not watch.errors, f"{url}: {watch.errors}"
    watch.blocking = True  # every request from now on is aborted: clicks leave the page as is
    # One script does it all (a round trip per link made the corpus take minutes). A click
    # on an http(s) or mailto link is stopped before the theme or the browser navigates
    # (leaving would end the probe, and cannot run script here); any other link
    # (javascript:, data:...) is followed, after a pause so it runs before the next click.
    page.evaluate(
        """async () => {
            window.addEventListener('click', e => {
                const a = e.target.closest('a[href]');
                if (a && ['http:', 'https:', 'mailto:'].includes(a.protocol)) {
                    e.preventDefault();
                    e.stopImmediatePropagation();
                }
            }, true);
            for (const e of document.querySelectorAll('body *'))
                for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle'])
                    e.dispatchEvent(new Event(type, {bubbles: true}));
            for (const a of [...document.querySelectorAll('a[href]')]) {
                a.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                a.click();
                if (!['http:', 'https:', 'mailto:'].includes(a.protocol))
                    await new Promise(r => setTimeout(r, 50));
            }
        }"""
    )
    page.wait_for_timeout(100)
    assert flag(page) is None, f"{url}: a payload ran on hover or click"
    assert not watch.dialogs, f"{url}: a dialog opened: {watch.dialogs}"
    assert not watch.external(), f"{url}: requests to other hosts: {watch.external()}"
    hrefs = page.evaluate("() => [...document.links].map(a => a.protocol)")
    assert set(hrefs) <= {"http:", "https:", "mailto:"}, url
    watch.blocking = False


INIT_PAGES = [
    "/",
    "/incidents/",
    "/incidents/INC-2026-0001/",
    "/postmortems/",
    "/postmortems/PM-2026-0001/",
    "/action-items/",
    "/indicators/",
    "/gaps/",
    "/coverage/",
    "/trends/",
    "/taxonomy/",
    "/tags/",
    "/tags/payments/",
    "/severity/s2/",
    "/failure-modes/factual-hallucination/",
    "/detection/user-report/",
]


def test_init_repository_site_is_safe_and_renders(browser: Any, init_site: str) -> None:
    """A fresh `init` repository: every generated page kind renders its tables as tables."""
    with open_page(browser) as (page, watch):
        for path in INIT_PAGES:
            probe(page, watch, init_site + path)
        page.goto(init_site + "/incidents/")
        assert page.locator("#incidents table tbody tr").count() == 1


def corpus_pages(out: Path) -> list[str]:
    """Every index page, and each payload's incident and post-mortem pages."""
    pages = ["/", "/incidents/", "/postmortems/", "/action-items/", "/indicators/", "/gaps/"]
    pages += ["/coverage/", "/trends/", "/taxonomy/", "/tags/"]
    for n in range(1, len(PAYLOADS) + 1):
        for kind, prefix in (("incidents", "INC"), ("postmortems", "PM")):
            if (out / kind / f"{prefix}-2026-{n:04d}").is_dir():
                pages.append(f"/{kind}/{prefix}-2026-{n:04d}/")
    return pages  # the tag pages are checked without a browser: test_corpus_site_markup


def test_corpus_payloads_never_run(browser: Any, corpus_site: tuple[Path, str]) -> None:
    out, base = corpus_site
    pages = corpus_pages(out)
    published = [p for p in pages if p.startswith("/incidents/INC-")]
    assert len(published) >= len(PAYLOADS) - 1  # only the multi-line title is invalid
    with open_page(browser) as (page, watch):
        for path in pages:
            probe(page, watch, base + path, CORPUS_RAW_TABLE)


class _Markup(HTMLParser):
    """What a page's markup does: event-handler attributes, URLs, embeds, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []
        self.script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"<{tag} {name}>")
            url_attribute = name in ("href", "src", "action", "formaction", "xlink:href")
            if url_attribute and re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                self.bad.append(f"<{tag} {name}={value}>")
            if name == "class" and value and "mermaid" in value:
                self.bad.append(f"<{tag} class={value}>")
        embeds = ("iframe", "object", "embed", "math", "form", "input", "style", "base")
        if tag in embeds and (tag != "input" or ("data-text", "1") not in attrs):
            self.bad.append(f"<{tag}>")
        if tag == "img" and ("class", "ik-chart") not in attrs:
            self.bad.append("<img>")
        if tag == "svg" and {n for n, _ in attrs} - {"xmlns", "viewbox", "width", "height"}:
            self.bad.append(f"<svg {attrs}>")
        self.script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self.script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self.script = False


def test_corpus_site_markup(corpus_site: tuple[Path, str]) -> None:
    """Every file of the corpus site (tag and taxonomy pages too): nothing a payload made."""
    out, _ = corpus_site
    for html_file in out.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        where = html_file.relative_to(out)
        article = re.search(r"<article\b.*</article>", html, re.S)  # the theme has forms, icons
        for part in (article.group(0) if article else "", html):
            parser = _Markup()
            parser.feed(part)
            if part is html:  # the theme's own markup: only handlers, URLs and scripts
                parser.bad = [b for b in parser.bad if " " in b]
            assert not parser.bad, f"{where}: {parser.bad[:5]}"
            assert not any("__xss" in s for s in parser.scripts), where
    index = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "</script" not in index.lower() and "<script" not in index.lower()


def test_corpus_payloads_show_as_text(browser: Any, corpus_site: tuple[Path, str]) -> None:
    """A payload is shown as the text it is: in the title, in the header and in <title>."""
    _, base = corpus_site
    with open_page(browser) as (page, _):
        page.goto(base + "/incidents/INC-2026-0001/")
        title = f"INC-2026-0001: {PAYLOADS[0]}"
        assert page.locator("article h1").inner_text() == title
        assert page.title().startswith(title)
        assert page.title().endswith("<img src=x onerror=window.__xss=99>")  # the site title
        page.goto(base + "/incidents/")
        notice = page.locator(".ik-notice").inner_text()
        assert "INC-2026-0026-all.md" in notice and "not shown" in notice


def test_incident_table_sorts(browser: Any, fixture_site: str) -> None:
    with open_page(browser) as (page, _):
        page.goto(f"{fixture_site}/incidents/")
        assert rows(page) == ["INC-2026-0002", "INC-2026-0001", "INC-2026-0003"]  # newest first
        severity = page.locator("#incidents th", has_text="Severity")
        severity.click()
        assert rows(page) == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]
        severity.click()
        assert rows(page) == ["INC-2026-0003", "INC-2026-0002", "INC-2026-0001"]
        page.locator("#incidents th", has_text="ID").click()
        assert rows(page) == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]


def rows(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#incidents table tbody tr:not([hidden])",
        "rows => rows.map(r => r.cells[0].textContent.trim())",
    )


def test_incident_table_filters(browser: Any, fixture_site: str) -> None:
    with open_page(browser) as (page, _):
        page.goto(f"{fixture_site}/incidents/")
        filters = page.locator(".ik-filters")
        filters.locator("select[data-column='2']").select_option("S2")
        assert rows(page) == ["INC-2026-0002"]
        filters.locator("select[data-column='2']").select_option("")
        filters.locator("select[data-column='4']").select_option("closed")
        assert rows(page) == ["INC-2026-0003"]
        filters.locator("select[data-column='4']").select_option("")
        filters.locator("input[data-text]").fill("script")
        assert rows(page) == ["INC-2026-0001"]
        assert "1 of 3 rows" in filters.inner_text()


def test_search_finds_incident_by_body_word(browser: Any, fixture_site: str) -> None:
    with open_page(browser) as (page, watch):
        page.goto(f"{fixture_site}/")
        page.keyboard.press("s")  # Material's search shortcut focuses the search box
        page.keyboard.type(SEARCH_WORD, delay=20)
        result = page.locator(".md-search-result__item a").first
        result.wait_for(timeout=15000)
        assert "/incidents/INC-2026-0001/" in (result.get_attribute("href") or "")
        assert not watch.external()


def test_fixture_site_pages_are_safe(browser: Any, fixture_site: str) -> None:
    with open_page(browser) as (page, watch):
        for path in ("/", "/incidents/", "/incidents/INC-2026-0001/", "/tags/", "/postmortems/"):
            probe(page, watch, fixture_site + path)


# One page of each generated kind, from the fixture repository (long titles, tags, waivers).
PAGE_KINDS = {
    "home": "/",
    "incidents": "/incidents/",
    "incident": "/incidents/INC-2026-0001/",
    "postmortems": "/postmortems/",
    "postmortem": "/postmortems/PM-2026-0001/",
    "action-items": "/action-items/",
    "indicators": "/indicators/",
    "gaps": "/gaps/",
    "coverage": "/coverage/",
    "trends": "/trends/",
    "taxonomy": "/taxonomy/",
    "tags": "/tags/",
    "tag": "/tags/payments/",
    "severity": "/severity/s1/",
}

OVERFLOW = """() => {
    const content = document.querySelector('.md-content').getBoundingClientRect();
    const scrolls = e => {
        for (let p = e.parentElement; p; p = p.parentElement) {
            const x = getComputedStyle(p).overflowX;
            if (x === 'auto' || x === 'scroll' || x === 'hidden') return true;
        }
        return false;
    };
    const out = [];
    for (const e of document.querySelectorAll('.md-content *')) {
        const r = e.getBoundingClientRect();
        if (r.width && r.right > content.right + 1 && !scrolls(e))
            out.push(e.tagName + '.' + e.className + ': ' + Math.round(r.right));
    }
    return {
        page: document.documentElement.scrollWidth - window.innerWidth,
        clipped: out.slice(0, 5),
    };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_no_horizontal_overflow(
    browser: Any, fixture_site: str, init_site: str, width: int
) -> None:
    OUTPUT.mkdir(exist_ok=True)
    with open_page(browser, width) as (page, _):
        for site, label in ((fixture_site, "fixture"), (init_site, "init")):
            for kind, path in PAGE_KINDS.items():
                if site == init_site and kind in ("severity", "gaps"):
                    continue
                page.goto(site + path.replace("/severity/s1/", "/severity/s2/"))
                result = page.evaluate(OVERFLOW)
                assert result == {"page": 0, "clipped": []}, f"{label} {kind} at {width}px"
                page.screenshot(
                    path=str(OUTPUT / f"site-{label}-{kind}-{width}.png"), full_page=True
                )


def test_titles_never_wrap_one_word_per_line(browser: Any, init_site: str) -> None:
    for width in (1280, 390):
        with open_page(browser, width) as (page, _):
            page.goto(init_site + "/incidents/")
            cell = page.locator("#incidents tbody td.ik-wide").first
            words = cell.inner_text().split()
            lines = cell.evaluate(
                "c => Math.round(c.getBoundingClientRect().height / parseFloat(getComputedStyle(c).lineHeight))"
            )
            assert lines <= len(words) / 2, f"{width}px: {lines} lines for {len(words)} words"
