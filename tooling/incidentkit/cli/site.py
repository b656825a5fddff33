"""`incidentkit build` and `incidentkit serve`: the MkDocs site, strict by default.

Both run the same MkDocs build as `mkdocs build --strict` with the repository's
`mkdocs.yml`, or with incidentkit's packaged configuration when the repository
has none. MkDocs is imported only here, so other commands start fast.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from incidentkit.cli.common import config_from
from incidentkit.config import Config
from incidentkit.errors import ConfigError

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "site" / "default_mkdocs.yml"


class _ShowWarnings(logging.Handler):
    """Prints MkDocs warnings and errors (a record that cannot be shown, a broken link)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        click.secho(f"{record.levelname}: {record.getMessage()}", fg="yellow", err=True)


@contextmanager
def mkdocs_config(
    repo: Config, site_dir: Path | None, strict: bool, **overrides: Any
) -> Iterator[Any]:
    """The loaded MkDocs config: the repository's mkdocs.yml, or the packaged default."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    options: dict[str, Any] = {"strict": strict, **overrides}
    if site_dir is not None:
        options["site_dir"] = str(site_dir.resolve())
    config_file = repo.root / "mkdocs.yml"
    with tempfile.TemporaryDirectory(prefix="incidentkit-site-") as tmp:
        if not config_file.is_file():
            config_file = _default_config(repo, Path(tmp), site_dir)
        try:
            yield load_config(config_file=str(config_file), **options)
        except ConfigurationError as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc


def _default_config(repo: Config, tmp: Path, site_dir: Path | None) -> Path:
    docs = repo.root / "docs"
    if not docs.is_dir():
        docs = tmp / "docs"
        docs.mkdir()
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").format(
        # JSON strings are valid YAML scalars, quoted and escaped.
        site_name=json.dumps(repo.site_title),
        docs_dir=json.dumps(str(docs)),
        site_dir=json.dumps(str((site_dir or repo.root / "site").resolve())),
        root=json.dumps(str(repo.root)),
    )
    path = tmp / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


@click.command()
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the site to DIR. Default: site_dir of mkdocs.yml (site/).",
)
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Fail on any warning: a broken link, a record that cannot be shown.",
)
@click.pass_context
def build(ctx: click.Context, site_dir: Path | None, strict: bool) -> None:
    """Build the incident database site (MkDocs Material) from the records.

    Uses the repository's mkdocs.yml, or incidentkit's default configuration
    when there is none; pages are generated from incidents/, postmortems/
    and evals/ and never written to the repository. Exit 1 when the build
    fails (in strict mode, on any warning).
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, BuildError, PluginError

    repo = config_from(ctx)
    counter = _ShowWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        with mkdocs_config(repo, site_dir, strict) as config:
            try:
                mkdocs_build(config)
            except PluginError as exc:
                raise ConfigError(str(exc)) from exc
            except (Abort, BuildError) as exc:
                click.secho(f"incidentkit: site build failed: {exc}", fg="red", err=True)
                ctx.exit(1)
            out = Path(config["site_dir"])
    finally:
        logger.removeHandler(counter)
    if counter.count and not strict:
        click.echo(f"incidentkit: {counter.count} warnings (not strict)", err=True)
    click.echo(f"Site built in {out}. Open {(out / 'index.html').as_uri()}")
    click.echo("or serve it: incidentkit serve")


@click.command()
@click.option(
    "--dev-addr",
    "-a",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Address to serve the site on.",
)
@click.option(
    "--strict/--no-strict",
    default=False,
    show_default=True,
    help="Fail on warnings while serving.",
)
@click.pass_context
def serve(ctx: click.Context, dev_addr: str, strict: bool) -> None:
    """Serve the site locally, rebuilding when a record or a page changes.

    Edits to incidents/, postmortems/, evals/, docs/ and mkdocs.yml reload
    the browser.
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    repo = config_from(ctx)
    config_file = repo.root / "mkdocs.yml"
    click.echo(f"Serving the site on http://{dev_addr}/ (Ctrl+C to stop)")
    if config_file.is_file():
        mkdocs_serve(config_file=str(config_file), dev_addr=dev_addr, strict=strict)
        return
    with tempfile.TemporaryDirectory(prefix="incidentkit-site-") as tmp:
        default = _default_config(repo, Path(tmp), Path(tmp) / "site")
        mkdocs_serve(config_file=str(default), dev_addr=dev_addr, strict=strict)
