"""`incidentkit init`: lay out a new incident repository."""

from __future__ import annotations

from pathlib import Path

import click

from incidentkit.layout import init_repository


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    "force",
    multiple=True,
    metavar="FILE",
    help="Replace FILE (relative to DIRECTORY) if it exists; repeat for several.",
)
@click.pass_context
def init(ctx: click.Context, directory: Path | None, force: tuple[str, ...]) -> None:
    """Lay out an incident repository in DIRECTORY (default: the current one).

    Creates incidents/, postmortems/, evals/<tier>/, docs/, the schemas and
    templates, mkdocs.yml, .github/ (PR checks, site publishing, Dependabot,
    PR template), .pre-commit-config.yaml and a README, and adds
    [tool.incidentkit] to pyproject.toml (creating it, or appending the table
    and leaving the rest of the file as it was).

    Never overwrites a file: when any would be, it lists them, writes
    nothing and exits 1. Pass --force FILE for each file it may replace.
    Files that already have the same content are left alone.
    """
    base = ctx.find_root().obj
    base = base if isinstance(base, Path) else Path.cwd()
    root = (
        directory
        if directory is not None and directory.is_absolute()
        else base / (directory or ".")
    )
    result = init_repository(root, force)
    for label, names in (
        ("created", result.created),
        ("replaced", result.replaced),
        ("merged [tool.incidentkit] into", result.merged),
    ):
        for name in names:
            click.echo(f"{label} {name}")
    click.echo(
        f"\nIncident repository ready in {root}. Next: read its README.md, "
        "then `incidentkit new incident --help`.",
        err=True,
    )
