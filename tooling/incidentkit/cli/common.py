"""Small helpers shared by the command modules."""

from __future__ import annotations

import os
from pathlib import Path

import click

from incidentkit.config import Config, load_config
from incidentkit.records.repository import RecordSet


def config_from(ctx: click.Context) -> Config:
    """The repository config for `-C DIR`, or for the working directory."""
    return load_config(repo_dir(ctx))


def repo_dir(ctx: click.Context) -> Path | None:
    """The `-C DIR` given, if any."""
    directory = ctx.find_root().obj
    return directory if isinstance(directory, Path) else None


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def repo_relative(config: Config, paths: tuple[Path, ...]) -> list[str]:
    """Paths given on the command line, as repository-relative POSIX paths."""
    out = []
    for path in paths:
        resolved = path.resolve()
        try:
            out.append(resolved.relative_to(config.root).as_posix())
        except ValueError:
            raise click.BadParameter(
                f"{path} is outside the incident repository {config.root}"
            ) from None
    return out


def warn_unreadable(records: RecordSet) -> None:
    """Say on stderr when figures leave out records that could not be read at all."""
    unreadable = [doc.path for doc in records.documents if not doc.readable]
    if unreadable:
        click.secho(
            f"incidentkit: warning: {len(unreadable)} record file(s) could not be read and are "
            f"left out (first: {unreadable[0]}); `incidentkit lint` says why",
            fg="yellow",
            err=True,
        )
