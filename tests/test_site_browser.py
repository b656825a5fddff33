"""The built site in headless Chromium (Debian's, driven by Playwright), served on localhost.

One build and one browser per module. Every request the pages make is
recorded: none may leave localhost. XSS payloads planted in a title, a tag
and a body must not run (a dialog handler would see them) nor become elements.
"""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from conftest import PINNED_NOW, REPO_ROOT
from incidentkit.cli import cli
from site_fixture import SEARCH_WORD, make_site_repo

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

OUTPUT = REPO_ROOT / "test-output"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_site_repo(tmp_path_factory.mktemp("browser") / "repo")
    out = root.parent / "built"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INCIDENTKIT_NOW", PINNED_NOW)
        mp.setenv("NO_MKDOCS_2_WARNING", "1")
        result = CliRunner().invoke(cli, ["-C", str(root), "build", "--site-dir", str(out)])
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


class Watch:
    """What a page did: requests, console errors, dialogs."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture(scope="module")
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


@pytest.fixture
def watched(browser: Any) -> Iterator[tuple[Any, Watch]]:
    watch = Watch()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page, watch
    context.close()
    assert not watch.errors, watch.errors
    assert not watch.dialogs, f"a dialog opened: XSS ran: {watch.dialogs}"
    hosts = {urlsplit(u).hostname for u in watch.requests if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, hosts


def rows(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "#incidents table tbody tr:not([hidden])",
        "rows => rows.map(r => r.cells[0].textContent.trim())",
    )


def test_incident_table_sorts(base_url: str, watched: tuple[Any, Watch]) -> None:
    page, _ = watched
    page.goto(f"{base_url}/incidents/")
    assert rows(page) == ["INC-2026-0002", "INC-2026-0001", "INC-2026-0003"]  # newest first
    severity = page.locator("#incidents th", has_text="Severity")
    severity.click()
    assert rows(page) == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]
    severity.click()
    assert rows(page) == ["INC-2026-0003", "INC-2026-0002", "INC-2026-0001"]
    page.locator("#incidents th", has_text="ID").click()
    assert rows(page) == ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003"]


def test_incident_table_filters(base_url: str, watched: tuple[Any, Watch]) -> None:
    page, _ = watched
    page.goto(f"{base_url}/incidents/")
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


def test_search_finds_incident_by_body_word(base_url: str, watched: tuple[Any, Watch]) -> None:
    page, _ = watched
    page.goto(f"{base_url}/")
    page.keyboard.press("s")  # Material's search shortcut focuses the search box
    page.keyboard.type(SEARCH_WORD, delay=20)
    result = page.locator(".md-search-result__item a").first
    result.wait_for(timeout=15000)
    assert "/incidents/INC-2026-0001/" in (result.get_attribute("href") or "")


def test_incident_page_shows_postmortem_and_cases(
    base_url: str, watched: tuple[Any, Watch]
) -> None:
    page, _ = watched
    page.goto(f"{base_url}/incidents/INC-2026-0001/")
    content = page.locator("article")
    assert content.locator("a", has_text="PM-2026-0001").count() >= 1
    assert "refund-window" in content.inner_text()
    assert "support-agent@1.4.1" in content.inner_text()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "site-incident.png"), full_page=True)


def test_xss_payloads_do_not_run(base_url: str, watched: tuple[Any, Watch]) -> None:
    page, _ = watched
    for url in ("/incidents/INC-2026-0001/", "/incidents/", "/tags/", "/"):
        page.goto(f"{base_url}{url}")
        page.wait_for_load_state("load")
        injected = page.evaluate(
            """() => ({
                scripts: [...document.scripts].filter(s => s.textContent.includes('alert(')).length,
                handlers: document.querySelectorAll('[onerror], [onload]:not(body)').length,
                jsLinks: [...document.links].filter(a => a.protocol === 'javascript:').length,
            })"""
        )
        assert injected == {"scripts": 0, "handlers": 0, "jsLinks": 0}, url
    response = page.goto(f"{base_url}/incidents/INC-2026-0001/")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text()
    )  # the payload is there, escaped
    title = page.locator("article h1").inner_text()
    assert "<script>alert(1)</script>" in title  # shown as text


def test_home_screenshot(base_url: str, watched: tuple[Any, Watch]) -> None:
    page, _ = watched
    page.goto(f"{base_url}/")
    assert page.locator(".ik-figure").count() >= 6
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "site-home.png"), full_page=True)
