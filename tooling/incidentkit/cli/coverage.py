"""`incidentkit coverage`: eval cases per incident and tier, verification, turnaround."""

from __future__ import annotations

import click

from incidentkit.cache.history import first_case_times
from incidentkit.cache.store import LintCache
from incidentkit.cli.common import config_from, warn_unreadable
from incidentkit.clock import now
from incidentkit.coverage import coverage_report
from incidentkit.errors import GitError
from incidentkit.records.repository import load_repository
from incidentkit.report.coverage_report import FORMATS, render


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format; json is what the reminders workflow reads.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1 when a covered incident lacks the cases or verification policy demands "
    "(and, with policy.gaps_must_close, when a published post-mortem's evaluation gap has "
    "no case).",
)
@click.pass_context
def coverage(ctx: click.Context, fmt: str, check: bool) -> None:
    """Which incidents have which eval cases, per tier, and which have none.

    For each incident: its linked cases by tier, how many are verified,
    whether policy is met ([tool.incidentkit.policy]: severities and
    statuses that need cases, counting tiers, verification) or waived, and
    the turnaround: hours from detected_at to the first commit that added a
    linked case, read from git history in one pass (target:
    policy.turnaround_hours, default 72). Also lists each post-mortem's
    evaluation gaps and the cases (with `gap: <type>`) that close them.

    Outside a git repository the turnaround is unknown and the report says so.
    """
    config = config_from(ctx)
    # coverage needs no record text: release it as files are read; unchanged
    # files and the history up to a known HEAD come from the lint cache
    cache = LintCache.open(config, lint=False)
    try:
        records = load_repository(
            config,
            release=True,
            for_process=True,
            read_through=cache.read_through if cache is not None else None,
        )
        note = ""
        try:
            times = first_case_times(config, cache)
        except GitError as exc:
            times, note = None, str(exc)
    finally:
        if cache is not None:
            cache.close()
    warn_unreadable(records)
    report = coverage_report(records, times, now())
    click.echo(render(report, fmt, config.policy, note), nl=False)
    failed = bool(report.unmet) or (config.policy.gaps_must_close and bool(report.failing_gaps))
    ctx.exit(1 if check and failed else 0)
