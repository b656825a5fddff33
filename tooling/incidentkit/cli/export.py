"""`incidentkit export`: the incident database as JSON, CSV or SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import click

from incidentkit.cli.common import config_from, warn_unreadable
from incidentkit.clock import now
from incidentkit.errors import UsageError
from incidentkit.export import EXPORTERS
from incidentkit.export.json_export import build_document
from incidentkit.records.repository import load_repository


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORTERS)),
    required=True,
    help="json: one document (docs/reference/export.md); csv: a folder with one file per table; "
    "sqlite: one database file with keys, indexes and UTC timestamp columns, and "
    "NAME.metadata.json beside it for Datasette.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="The file (json, sqlite) or folder (csv) to write; '-' writes JSON to standard output.",
)
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path, force: bool) -> None:
    """Export incidents, post-mortems, action items and eval cases for other tools.

    Tables: incidents, incident_failure_modes, incident_tags,
    related_incidents, postmortems, postmortem_incidents, action_items,
    root_causes, evaluation_gaps, leading_indicators, eval_cases and
    case_links, with derived columns (quarter, ttd_hours, ttr_hours,
    overdue). The SQLite file opens in Datasette (`datasette db.sqlite
    --metadata db.metadata.json`: column descriptions and facets) and any
    SQL client. Text that lint flags as personal data or a secret is
    written redacted, as `incidentkit redact` would. The output is written
    to a temporary path and renamed into place; an existing output is never
    replaced without --force.
    """
    if str(output) == "-" and fmt != "json":
        raise UsageError(f"--output - (standard output) works with --format json only, not {fmt}")
    config = config_from(ctx)
    records = load_repository(config)
    warn_unreadable(records)
    if str(output) == "-":
        click.echo(json.dumps(build_document(records, now()), indent=2, ensure_ascii=False))
        return
    EXPORTERS[fmt](records, output, now(), force)
    click.echo(f"wrote {output}", err=True)
