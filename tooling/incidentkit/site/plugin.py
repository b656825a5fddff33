"""The MkDocs plugin: generates the incident database's pages at build time.

Pages are virtual files (`File.generated`) added in `on_files`; nothing is
written to the repository. Problems with records are logged as warnings
under `mkdocs.plugins.incidentkit`, so `mkdocs build --strict` fails on them;
a configuration error is a `PluginError`. `mkdocs serve` rebuilds when a
record changes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
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
from incidentkit.errors import IncidentkitError
from incidentkit.records.repository import load_repository
from incidentkit.site import urls
from incidentkit.site.context import build_site_data
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

    def on_config(self, config: Any) -> Any:
        if not self.config.enabled:
            return config
        self.repo = self._load_repo_config(config)
        # MkDocs empties site_dir before building and only guards docs_dir, so
        # `mkdocs build -d incidents` would delete the records.
        problem = unsafe_site_dir(Path(config["site_dir"]), self.repo)
        if problem is not None:
            raise PluginError(f"incidentkit: {problem}")
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
        try:
            moment = now()
        except IncidentkitError as exc:
            raise PluginError(f"incidentkit: {exc}") from exc
        records = load_repository(self.repo)
        site = build_site_data(records, moment, self.home, self.config.history)
        count = 0
        for family in PAGES.values():
            for path, text in family(site):
                count += self._add(files, config, path, text)
        for path, data in chart_files(site):
            self._add(files, config, path, data)
        for asset in sorted(ASSETS_DIR.iterdir()):
            if asset.is_file():
                self._add(files, config, f"{urls.ASSETS}/{asset.name}", asset.read_bytes())
        log.debug(f"generated {count} pages in {time.perf_counter() - started:.2f} s")
        return files

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

    def on_env(self, env: Any, /, *, config: Any, files: Files) -> Any:
        # Material prints `page.title | striptags` into <title> without
        # autoescaping, and striptags decodes entities, so an escaped record
        # title would come back as live markup there. Re-escape its output:
        # page.title is the heading's HTML (escaped once by html.md), so the
        # <title> ends up escaped exactly once, like the header's `{{ page.title }}`.
        original: Callable[[Any], str] = env.filters["striptags"]

        def striptags_escaped(value: Any) -> Markup:
            return Markup(escape(original(value)))

        env.filters["striptags"] = striptags_escaped
        return env

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
