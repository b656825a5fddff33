"""The MkDocs plugin: generates the incident database's pages at build time.

Pages are virtual files (`File.generated`) added in `on_files`; nothing is
written to the repository. Their Markdown holds only fixed section
headings and placeholder words; `on_page_content` swaps in the HTML built
from the records (see `generated.py`), so they render with any
`markdown_extensions`.

The records are linted first. A strict build (`incidentkit build`, or
`strict: true` in mkdocs.yml) stops with a `PluginError` listing every
error-level finding; otherwise records with errors are left out (a warning
each, and a notice on the index pages), except that personal data and
secrets are published redacted. `mkdocs serve` rebuilds when a record changes.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from incidentkit.clock import now
from incidentkit.config import Config, load_config
from incidentkit.detectors import Options
from incidentkit.errors import IncidentkitError
from incidentkit.findings import Finding, Level
from incidentkit.git.dates import last_commit_dates
from incidentkit.lint import run_lint
from incidentkit.publishing import allowing
from incidentkit.records.repository import RecordSet, load_repository
from incidentkit.site import urls
from incidentkit.site.context import SiteData, build_site_data
from incidentkit.site.generated import GeneratedPage, Placeholders, page_meta
from incidentkit.site.html import one_build
from incidentkit.site.pages import PAGES
from incidentkit.site.pages.trends import chart_files
from incidentkit.site.site_dir import unsafe_site_dir

log = logging.getLogger("mkdocs.plugins.incidentkit")

ASSETS_DIR = Path(__file__).parent / "assets"
CSS = f"{urls.ASSETS}/site.css"
JS = f"{urls.ASSETS}/tables.js"

# The navigation the plugin sets when mkdocs.yml has none: its own sections,
# then the hand-written pages in docs/.
NAV = [
    {"Home": urls.HOME},
    {"Incidents": urls.INCIDENTS},
    {"Post-mortems": urls.POSTMORTEMS},
    {"Action items": urls.ACTION_ITEMS},
    {"Eval coverage": urls.COVERAGE},
    {"Evaluation gaps": urls.GAPS},
    {"Leading indicators": urls.INDICATORS},
    {"Trends": urls.TRENDS},
    {"Taxonomy": urls.TAXONOMY},
    {"Tags": urls.TAGS},
]
NAV_PATHS = {path for entry in NAV for path in entry.values()}
# Published redacted rather than left out: the text around the hit is still worth reading.
REDACTED_RULES = frozenset({"secrets", "personal-data"})
SHOWN_FINDINGS = 30  # a strict failure lists this many findings, then counts the rest


class IncidentkitPluginConfig(base.Config):
    enabled = c.Type(bool, default=True)
    # The incident repository; default: the folder that holds mkdocs.yml.
    root = c.Optional(c.Type(str))
    # Read eval-case turnaround from git history (skipped outside a git repository).
    history = c.Type(bool, default=True)
    # Set the navigation when mkdocs.yml has no `nav`.
    nav = c.Type(bool, default=True)


class IncidentkitPlugin(BasePlugin[IncidentkitPluginConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.repo: Config | None = None
        self.home = urls.HOME
        self.placeholders = Placeholders()
        self.blocks: dict[str, dict[str, Markup]] = {}  # page source path -> its HTML blocks
        self.dates: dict[str, date] = {}  # page source path -> its record's last commit
        self.meta: dict[str, dict[str, object]] = {}  # page source path -> its page.meta

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        self.repo = self._load_repo_config(config)
        # MkDocs empties site_dir before building and only guards docs_dir, so
        # `mkdocs build -d incidents` would delete the records.
        problem = unsafe_site_dir(Path(config["site_dir"]), self.repo)
        if problem is not None:
            raise PluginError(f"incidentkit: {problem}")
        # Themes print site_name unescaped (Material in <title> and the header);
        # Markup is escaped once here and left alone by a template's `| e`.
        config["site_name"] = escape(config["site_name"])
        for sheet, option in ((CSS, "extra_css"), (JS, "extra_javascript")):
            if sheet not in [str(x) for x in config[option]]:
                config[option].append(sheet)
        handwritten = self._handwritten_pages(Path(config["docs_dir"]))
        self.home = urls.DASHBOARD_FALLBACK if urls.HOME in handwritten else urls.HOME
        if self.config.nav and config["nav"] is None:
            nav: list[Any] = (
                list(NAV)
                if self.home == urls.HOME
                else [urls.HOME, {"Dashboard": self.home}, *NAV[1:]]
            )
            config["nav"] = nav + [p for p in handwritten if p != urls.HOME]
        return config

    def _load_repo_config(self, config: Any) -> Config:
        root = self.config.root
        base_dir = Path(config["config_file_path"] or ".").resolve().parent
        start = (base_dir / root) if root else base_dir
        try:
            return load_config(start)
        except IncidentkitError as exc:
            raise PluginError(f"incidentkit: {exc}") from exc

    @staticmethod
    def _handwritten_pages(docs_dir: Path) -> list[str]:
        if not docs_dir.is_dir():
            return []
        return sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md"))

    def on_files(self, files: Files, /, *, config: Any) -> Files:
        if not self.config.enabled or self.repo is None:
            return files
        started = time.perf_counter()
        site = self._site_data(config)
        self.placeholders = Placeholders()
        self.blocks = {}
        self.dates = {}
        self.meta = {}
        record_dates = self._record_dates() if self.config.history else {}
        docs_dir = Path(config["docs_dir"]).resolve()
        count = 0
        # lint's allowances, while pages are made; and no cyclic garbage collection:
        # pages are millions of small acyclic objects, and full collections rescanning
        # the records and every page made generation grow faster than the site.
        with allowing(Options.from_config(self.repo)), one_build(), _gc_paused():
            for family in PAGES.values():
                for path, page in family(site):
                    count += self._add_page(files, config, path, page, docs_dir, record_dates)
        for path, data in chart_files(site):
            self._add(files, config, path, data)
        for asset in sorted(ASSETS_DIR.iterdir()):
            if asset.is_file():
                self._add(files, config, f"{urls.ASSETS}/{asset.name}", asset.read_bytes())
        log.debug(f"generated {count} pages in {time.perf_counter() - started:.2f} s")
        return files

    def _site_data(self, config: Any) -> SiteData:
        """The records, linted: a strict build stops on errors, another leaves them out."""
        assert self.repo is not None
        try:
            moment = now()
            records = load_repository(self.repo)
            findings = run_lint(records, moment).findings
        except IncidentkitError as exc:
            raise PluginError(f"incidentkit: {exc}") from exc
        errors = [f for f in findings if f.level is Level.ERROR]
        if errors and config["strict"]:
            raise PluginError(lint_failure(errors))
        published, left_out = publishable(records, errors)
        for line in left_out:
            log.warning(f"not published: {line}")
        return build_site_data(
            published,
            moment,
            self.home,
            self.config.history,
            directory_urls=bool(config["use_directory_urls"]),
            left_out=left_out,
        )

    def _record_dates(self) -> dict[str, date]:
        assert self.repo is not None
        try:
            return last_commit_dates(self.repo)
        except (IncidentkitError, OSError) as exc:
            log.info(f"record dates unavailable ({exc}); pages show none")
            return {}

    def _add_page(
        self,
        files: Files,
        config: Any,
        path: str,
        page: GeneratedPage,
        docs_dir: Path,
        record_dates: dict[str, date],
    ) -> int:
        assert self.repo is not None
        source, blocks = self.placeholders.to_markdown(page)
        added = self._add(files, config, path, source)
        if not added:
            return 0
        self.blocks[path] = blocks
        self.meta[path] = page_meta(page)
        if page.record is not None:
            file = files.get_file_from_path(path)
            assert file is not None
            # edit_uri points into docs_dir; the record sits elsewhere in the repository.
            record = self.repo.root / page.record
            file.edit_uri = Path(os.path.relpath(record, docs_dir)).as_posix()
            if page.record in record_dates:
                self.dates[path] = record_dates[page.record]
        return added

    def _add(self, files: Files, config: Any, path: str, content: str | bytes) -> int:
        existing = files.get_file_from_path(path)
        if existing is not None and existing.generated_by is None:
            # A hand-written page wins; it is a warning because it hides a record page.
            log.warning(
                f"docs/{path} is hand-written and hides the page incidentkit generates there; "
                "rename or remove it"
            )
            return 0
        if existing is not None:
            files.remove(existing)
        # Record pages are reached through tables and links, not the sidebar.
        in_nav = path in NAV_PATHS or path == self.home or not path.endswith(".md")
        inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, path, content=content, inclusion=inclusion))
        return 1

    def on_page_markdown(self, markdown: str, /, *, page: Any, config: Any, files: Files) -> str:
        # Before Material's tags plugin reads page.meta (it runs at priority -50).
        src = page.file.src_uri
        if page.file.generated_by is None or src not in self.meta:
            return markdown
        page.meta.update(self.meta[src])
        if page.is_homepage:
            # The theme titles the home page with site_name alone ("X - X" otherwise).
            page.meta.pop("title", None)
        day = self.dates.get(src)
        if day is not None:
            page.meta["revision_date"] = day.isoformat()  # Material's "Last update"
            page.update_date = day.isoformat()  # the sitemap's lastmod
        return markdown

    def on_page_content(self, html: str, /, *, page: Any, config: Any, files: Files) -> str:
        if page.file.generated_by is None:
            return html
        # Popped: once in the page's HTML, the blocks need not stay in memory too
        # (every generated page's HTML would otherwise be held twice until the end).
        blocks = self.blocks.pop(page.file.src_uri, None)
        if blocks is None:
            return html
        filled, missing = self.placeholders.fill(html, blocks)
        if missing:
            raise PluginError(
                f"incidentkit: a Markdown extension changed {page.file.src_uri}'s placeholders "
                f"({len(missing)} blocks lost); please report this with your mkdocs.yml"
            )
        return filled

    def on_serve(self, server: Any, /, *, config: Any, builder: Callable[..., Any]) -> Any:
        if not self.config.enabled or self.repo is None:
            return server
        for folder in (self.repo.incidents_dir, self.repo.postmortems_dir, self.repo.evals_dir):
            path = self.repo.root / folder
            if path.is_dir():
                server.watch(str(path))
        if self.repo.source is not None:
            server.watch(str(self.repo.source))
        return server


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees); restore it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lint_failure(errors: list[Finding]) -> str:
    """The strict build's refusal: every error-level finding, and what to run."""
    lines = [f"incidentkit: {len(errors)} lint errors; the site is not built:"]
    lines += [
        f"  {f.path}:{f.line}:{f.column}: {f.rule}: {f.message}" for f in errors[:SHOWN_FINDINGS]
    ]
    if len(errors) > SHOWN_FINDINGS:
        lines.append(f"  ... and {len(errors) - SHOWN_FINDINGS} more")
    lines.append("Run `incidentkit lint` for details and hints.")
    if any(f.rule in REDACTED_RULES for f in errors):
        lines.append(
            "Personal data or secrets would be published: run `incidentkit redact PATH --write` "
            "on the files named (and revoke any real credential), or build with --no-strict "
            "to publish them redacted."
        )
    return "\n".join(lines)


def publishable(records: RecordSet, errors: list[Finding]) -> tuple[RecordSet, list[str]]:
    """The records a non-strict build shows, and a line per file it leaves out.

    A file with an error-level finding is left out, unless its only errors are
    personal data or secrets: those are published redacted. Incidents are
    listed first, then post-mortems, then the rest.
    """
    reasons: dict[str, Finding] = {}
    for finding in errors:
        if finding.rule not in REDACTED_RULES:
            reasons.setdefault(finding.path, finding)
    if not reasons:
        return records, []
    kept = RecordSet(
        records.config,
        documents=[d for d in records.documents if d.path not in reasons],
        incidents=[i for i in records.incidents if i.path not in reasons],
        postmortems=[p for p in records.postmortems if p.path not in reasons],
        cases=[c for c in records.cases if c.path not in reasons],
        python_problems=list(records.python_problems),
    )
    folders = (f"{records.config.incidents_dir}/", f"{records.config.postmortems_dir}/")

    def order(path: str) -> tuple[int, str]:
        return (next((n for n, d in enumerate(folders) if path.startswith(d)), 2), path)

    lines = [
        f"{path} (line {reasons[path].line}, {reasons[path].rule}: {reasons[path].message})"
        for path in sorted(reasons, key=order)
    ]
    return kept, lines
