"""`incidentkit stats`: the incident database's counts and durations."""

from __future__ import annotations

import json
from datetime import date, datetime

import click

from incidentkit.cli.common import config_from, warn_unreadable
from incidentkit.clock import now, today
from incidentkit.records.repository import load_repository
from incidentkit.report.stats_report import render_csv, render_text
from incidentkit.stats import compute_stats


@click.command()
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only incidents detected on or after DATE (YYYY-MM-DD, UTC).",
)
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only incidents detected on or before DATE (YYYY-MM-DD, UTC).",
)
@click.option(
    "--by",
    "by",
    metavar="FIELD",
    default=None,
    help="Also break incidents, MTTD and MTTR down by an incident field "
    "(agent, severity, detection, failure_mode, tag, quarter, or any front-matter field).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text: aligned tables; json: the documented stats document; csv: section,key,metric,value rows.",
)
@click.pass_context
def stats(
    ctx: click.Context,
    since: datetime | None,
    until: datetime | None,
    by: str | None,
    fmt: str,
) -> None:
    """Counts and durations over the incident database.

    Counts incidents by severity, failure mode (an incident counts once per
    mode), detection channel, status and tag; root causes and evaluation
    gaps by category; MTTD (started_at -> detected_at) and MTTR (detected_at
    -> resolved_at) median and p90, overall and per quarter (UTC), leaving
    out and counting incidents that miss a timestamp; open and overdue action
    items per owner; incidents without a post-mortem or eval cases.

    The JSON document is described in docs/reference/stats-json.md.
    """
    config = config_from(ctx)
    records = load_repository(config)
    warn_unreadable(records)
    result = compute_stats(
        records,
        today=today(),
        generated_at=now(),
        since=_day(since),
        until=_day(until),
        by=by,
    )
    doc = result.as_dict()
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(render_csv(doc), nl=False)
    else:
        click.echo(render_text(doc), nl=False)


def _day(value: datetime | None) -> date | None:
    # click.DateTime gives a datetime; the filter compares calendar dates.
    return value.date() if value is not None else None
