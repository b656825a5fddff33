"""`incidentkit redact`: replace personal data and secrets with typed placeholders."""

from __future__ import annotations

import os
from pathlib import Path

import click

from incidentkit import redaction
from incidentkit.config import find_root, load_config
from incidentkit.detectors import Options
from incidentkit.errors import ConfigError, IncidentkitError, UsageError
from incidentkit.output_guard import resolve_inside


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--write", is_flag=True, help="Apply the replacements (atomically) instead of showing them."
)
@click.pass_context
def redact(ctx: click.Context, paths: tuple[Path, ...], write: bool) -> None:
    """Replace the emails, phone numbers and secrets lint finds in PATHS.

    Each hit becomes a typed placeholder: [REDACTED-EMAIL], [REDACTED-PHONE],
    [REDACTED-SECRET]. Everything else stays byte for byte, line endings
    included. Folders are searched for Markdown and YAML files.

    Without --write, prints a unified diff and exits 1 when there is anything
    to redact. With --write, rewrites the files and exits 0. A revoked
    credential must still be revoked: redacting it only hides it.

    A symlink is followed only when it stays inside the repository, and the
    file it points to is rewritten (the link stays a link); a named pipe,
    device or socket is never read.
    """
    base = ctx.find_root().obj
    base = base if isinstance(base, Path) else Path.cwd()
    targets = [p if p.is_absolute() else base / p for p in paths]
    missing = [str(p) for p in targets if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    options = _options(base)
    pending = failed = 0
    boundaries = {p: _boundary(p) for p in targets}
    for target, path in _files(targets):
        label = _label(path, base)
        try:
            plan = redaction.plan(resolve_inside(path, boundaries[target]), options)
            if not plan.changed:
                continue
            if write:
                redaction.write(plan)
                click.echo(f"{label}: replaced {len(plan.hits)}", err=True)
            else:
                click.echo(redaction.unified_diff(plan, label), nl=False)
                pending += 1
        except IncidentkitError as exc:
            click.secho(f"incidentkit: error: {exc}", fg="red", err=True)
            failed += 1
    if pending:
        click.echo(f"{pending} file(s) to redact; run again with --write to apply", err=True)
    ctx.exit(1 if pending or failed else 0)


def _options(base: Path) -> Options:
    """The repository's allowances; outside a repository, the defaults."""
    try:
        find_root(base)
    except ConfigError:
        return Options()
    return Options.from_config(load_config(base))  # a broken config is an error (exit 2)


def _files(targets: list[Path]) -> list[tuple[Path, Path]]:
    """(the path named, a file to redact) for each file named or found in a folder named."""
    found: dict[Path, Path] = {}
    for target in targets:
        for file in redaction.files_under([target]):
            found.setdefault(file, target)
    return [(target, file) for file, target in found.items()]


def _boundary(target: Path) -> Path:
    """The repository holding a path named on the command line, else its folder.

    Files found under it, and the file it names, must resolve inside it.
    """
    # absolute, `..` folded, symlinks kept: the boundary is where the user pointed
    logical = Path(os.path.normpath(target.absolute()))
    folder = logical if logical.is_dir() else logical.parent
    try:
        return find_root(folder)
    except ConfigError:
        return folder


def _label(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return os.fspath(path)
