"""`incidentkit lint`: schema validation and cross-file rules."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from incidentkit.atomic import atomic_write_text
from incidentkit.cache.store import LintCache
from incidentkit.cli.common import config_from, in_github_actions, repo_relative
from incidentkit.clock import now
from incidentkit.config import Config
from incidentkit.lint import LintResult, lint_repository
from incidentkit.precommit import hook_scope
from incidentkit.records.folders import scan_folders
from incidentkit.report import REPORTERS


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default=None,
    help="Output format. Default: github under GitHub Actions, else text.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to FILE instead of standard output (refuses an existing FILE).",
)
@click.option("--force", is_flag=True, help="With --output, replace an existing FILE.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read and check every file, neither using nor updating the lint cache "
    "(also: INCIDENTKIT_NO_CACHE=1).",
)
@click.option(
    "--pre-commit",
    "pre_commit",
    is_flag=True,
    help="Run as the pre-commit hook: PATHS are the staged files. Lints the records among "
    "them, or everything when the commit deletes or renames a record or changes "
    "pyproject.toml, a schema or a template; files outside the record folders are ignored.",
)
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    force: bool,
    no_cache: bool,
    pre_commit: bool,
) -> None:
    """Check records against the schemas and the repository-wide rules.

    With PATHS (files or folders), report only findings in them; the whole
    repository is still read, so links and unique IDs are checked against
    everything. Every finding has a rule ID, level, file, line and column, and
    says how to fix it. Exit 1 when any finding is an error.

    Switch a rule off or change its level in [tool.incidentkit.rules]; see
    `incidentkit rules` for the list.

    Files whose bytes are unchanged since the last run are answered from a
    cache keyed by their content, the configuration, the schemas and the
    tool version (in .git/incidentkit/, or .incidentkit-cache/ outside git;
    INCIDENTKIT_CACHE_DIR moves it). The findings are the same without it.
    """
    config = config_from(ctx)
    if pre_commit:
        scope = hook_scope(config, paths)
        if scope.files is not None and not scope.files:
            ctx.exit(0)  # nothing this commit changes can break a record
        if scope.reason:
            click.echo(f"incidentkit: {scope.reason}", err=True)
        only = None if scope.files is None else set(scope.files)
    else:
        only = _selected(config, repo_relative(config, paths)) if paths else None
    cache = None if no_cache else LintCache.open(config)
    result = lint_repository(config, now(), only, for_process=True, cache=cache)
    _report(result, fmt or ("github" if in_github_actions() else "text"), output, force)
    ctx.exit(1 if result.errors else 0)


def _selected(config: Config, wanted: list[str]) -> set[str]:
    """The record files at or under the paths given on the command line."""
    prefixes = [w.rstrip("/") for w in wanted]
    scan = scan_folders(config)
    known = scan.record_names + scan.python_names + [s.path for s in scan.strays]
    return {p for p in known if any(p == w or p.startswith(w + "/") or w == "." for w in prefixes)}


def _report(result: LintResult, fmt: str, output: Path | None, force: bool) -> None:
    reporter = REPORTERS[fmt]
    if output is None:
        reporter(result, sys.stdout, sys.stdout.isatty())
        return
    buffer = io.StringIO()
    reporter(result, buffer, False)
    atomic_write_text(output, buffer.getvalue(), overwrite=force)
