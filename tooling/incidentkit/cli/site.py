"""`incidentkit build` and `incidentkit serve`: the MkDocs site, strict by default.

Both run the same MkDocs build as `mkdocs build --strict` with the repository's
`mkdocs.yml`, or with incidentkit's packaged configuration when the repository
has none. MkDocs is imported only here, so other commands start fast.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from incidentkit.cli import invocation
from incidentkit.cli.common import config_from
from incidentkit.config import Config
from incidentkit.errors import ConfigError
from incidentkit.output_guard import describe_contents
from incidentkit.site.site_dir import check_site_dir, looks_like_site

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
def mkdocs_config(repo: Config, strict: bool, **overrides: Any) -> Iterator[Any]:
    """The loaded MkDocs config: the repository's mkdocs.yml, or the packaged default.

    Its site_dir is the configured one; `build` checks and replaces it itself.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    options: dict[str, Any] = {"strict": strict, **overrides}
    config_file = repo.root / "mkdocs.yml"
    with tempfile.TemporaryDirectory(prefix="incidentkit-site-") as tmp:
        if not config_file.is_file():
            config_file = _default_config(repo, Path(tmp), None)
        try:
            loaded = load_config(config_file=str(config_file), **options)
        except (Abort, ConfigurationError) as exc:
            # MkDocs has logged each invalid setting above; this is the verdict
            raise ConfigError(f"{config_file}: {exc}") from exc
        yield loaded


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


def _sibling(target: Path, role: str) -> Path:
    # Same parent as the site, so the final renames stay on one filesystem (atomic).
    return target.parent / f".{target.name}.incidentkit-{role}-{os.getpid()}-{secrets.token_hex(4)}"


@contextmanager
def staged_site(target: Path) -> Iterator[Path]:
    """A fresh sibling folder to build into, swapped in for `target` only on success.

    On any failure (an exception, a strict-mode abort, Ctrl+C) the previous site
    stays as it was and the half-built folder is removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "new")
    staging.mkdir()  # not mkdtemp: the site keeps the umask's permissions, not 0700
    try:
        yield staging
        if target.exists():
            old = _sibling(target, "old")
            target.rename(old)
            try:
                staging.rename(target)
            except OSError:
                old.rename(target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


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
    help="Fail on any warning and on any lint error (personal data and secrets "
    "included). --no-strict leaves records with lint errors out, with a notice on "
    "the index pages, and publishes flagged personal data and secrets redacted.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace the site dir even when it holds files that are not a previous "
    "site build (they are deleted, and listed). The repository, its record folders, "
    "docs_dir, any folder holding a .git, the home folder, / and the working "
    "directory or its parents are refused even so.",
)
@click.pass_context
def build(ctx: click.Context, site_dir: Path | None, strict: bool, force: bool) -> None:
    """Build the incident database site (MkDocs Material) from the records.

    Uses the repository's mkdocs.yml, or incidentkit's default configuration
    when there is none; pages are generated from incidents/, postmortems/
    and evals/ and never written to the repository. The site is built in a
    temporary folder next to the site dir and replaces it only when the
    build succeeds. The records are linted first: a strict build stops on
    any error-level finding; what the secrets and personal-data rules flag
    is never published (redacted when not strict). Exit 1 when the build
    fails (in strict mode, on any warning or lint error); exit 2 when the site dir is the repository, a record folder
    or docs_dir, or an unrelated non-empty folder (without --force). Even
    with --force, a folder holding a .git, the home folder, / and the
    working directory or its parents are never emptied.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.exceptions import Abort, BuildError, PluginError

    repo = config_from(ctx)
    counter = _ShowWarnings()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        with mkdocs_config(repo, strict) as config:
            # Not handed to MkDocs: it would empty the folder before anyone checked it.
            out = (site_dir or Path(config["site_dir"])).resolve()
            check_site_dir(out, repo, Path(config["docs_dir"]), force)
            replaced = None if looks_like_site(out) else describe_contents(out)
            with staged_site(out) as staging:
                config["site_dir"] = str(staging)
                try:
                    mkdocs_build(config)
                except PluginError as exc:
                    raise ConfigError(str(exc)) from exc
                except (Abort, BuildError) as exc:
                    click.secho(f"incidentkit: site build failed: {exc}", fg="red", err=True)
                    if out.exists():
                        click.echo(f"incidentkit: the previous site in {out} is kept", err=True)
                    ctx.exit(1)
    finally:
        logger.removeHandler(counter)
    if replaced is not None:
        click.echo(f"incidentkit: --force: deleted {replaced} from {out}", err=True)
    if counter.count and not strict:
        click.echo(f"incidentkit: {counter.count} warnings (not strict)", err=True)
    click.echo(f"Site built in {out}. Open {(out / 'index.html').as_uri()}")
    click.echo(f"or serve it: {invocation()} serve")


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
