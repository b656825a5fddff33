"""Human-readable findings, grouped by file, coloured on a terminal."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

import click

from incidentkit.findings import Level
from incidentkit.lint import LintResult

_COLOURS = {Level.ERROR: "red", Level.WARNING: "yellow", Level.NOTE: "cyan"}


def write(result: LintResult, stream: TextIO, color: bool) -> None:
    for path, group in groupby(result.findings, key=lambda f: f.path):
        click.echo(click.style(path, bold=True), file=stream, color=color)
        for f in group:
            level = click.style(f"{f.level.label:<7}", fg=_COLOURS[f.level])
            click.echo(
                f"  {f.line}:{f.column}\t{level} {f.message}  [{f.rule}]", file=stream, color=color
            )
            if f.hint:
                click.echo(
                    click.style(f"          fix: {f.hint}", dim=True), file=stream, color=color
                )
        click.echo("", file=stream)
    click.echo(summary(result), file=stream, color=color)


def summary(result: LintResult) -> str:
    notes = len(result.findings) - result.errors - result.warnings
    parts = [f"{result.errors} error(s)", f"{result.warnings} warning(s)"]
    if notes:
        parts.append(f"{notes} note(s)")
    return f"{', '.join(parts)} in {result.files} file(s) checked"
