"""`incidentkit review`: the Markdown quarterly review."""

from __future__ import annotations

from pathlib import Path

import click

from incidentkit.atomic import atomic_write_text
from incidentkit.cli.common import config_from, warn_unreadable
from incidentkit.clock import now, today
from incidentkit.records.repository import load_repository
from incidentkit.review import build_review


@click.command()
@click.option(
    "--quarter",
    required=True,
    metavar="YYYYQN",
    help="The quarter to review, e.g. 2026Q3 (incidents by detected_at in UTC).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the review to FILE (atomically) instead of standard output.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it already exists.")
@click.pass_context
def review(ctx: click.Context, quarter: str, output: Path | None, force: bool) -> None:
    """Write the quarterly review of the incident database as Markdown.

    Headline numbers against the previous quarter, every incident of the
    quarter (S1/S2 first) with its post-mortem and eval cases, top failure
    modes, the MTTD/MTTR trend, regression cases and their verification
    rate, evaluation gaps by category, action items opened, closed and
    overdue, recurrences, and the practice's questions answered. Renders on
    GitHub and in MkDocs. Refuses to overwrite FILE without --force.
    """
    config = config_from(ctx)
    records = load_repository(config)
    warn_unreadable(records)
    text = build_review(records, quarter, today=today(), generated_at=now())
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text, overwrite=force)
    click.echo(f"wrote {output}", err=True)
