"""`incidentkit gate`: the merge gate a pull request's CI runs."""

from __future__ import annotations

import os
from pathlib import Path

import click

from incidentkit.cli.common import config_from, in_github_actions
from incidentkit.clock import now
from incidentkit.errors import IncidentkitError
from incidentkit.gate import run_gate
from incidentkit.report.gate_report import (
    FORMATS,
    cannot_decide,
    cannot_decide_markdown,
    render,
    summary_markdown,
)


@click.command()
@click.option(
    "--base",
    required=True,
    metavar="REF",
    help="The branch or commit the PR merges into (CI: the event's base SHA).",
)
@click.option(
    "--head",
    default="HEAD",
    show_default=True,
    metavar="REF",
    help="The PR's commit; HEAD evaluates the checked-out work tree.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: github under GitHub Actions, else text.",
)
@click.pass_context
def gate(ctx: click.Context, base: str, head: str, fmt: str | None) -> None:
    """Block a PR that leaves an incident without the regression coverage policy demands.

    Compares the head with the merge base of REF (never a two-dot diff) and
    fails (exit 1) when an incident the PR adds or changes, and that policy
    covers, has no linked eval case in a counting tier and no
    regression_waiver; when policy requires verification and a linked case
    has none; when the PR deletes or unlinks the last case of a covered
    incident; when an ID the PR adds is already taken on the base branch;
    or when lint finds an error in a touched file or a broken link or
    duplicate ID anywhere. Waived incidents pass and are listed.

    Exit 2 when it cannot decide: not a git repository, base ref missing (a
    shallow clone: check out with fetch-depth: 0), no merge base. Under
    GitHub Actions it writes annotations and a job summary.
    """
    github = in_github_actions()
    fmt = fmt or ("github" if github else "text")
    try:
        config = config_from(ctx)
        result = run_gate(config, base, head, now())
    except IncidentkitError as exc:
        if fmt == "github":
            click.echo(cannot_decide(str(exc)), nl=False)
        if github:
            _append_summary(cannot_decide_markdown(str(exc)))
        raise
    click.echo(render(result, fmt), nl=False)
    if github:
        _append_summary(summary_markdown(result))
    ctx.exit(0 if result.passed else 1)


def _append_summary(markdown: str) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with Path(target).open("a", encoding="utf-8") as fh:
            fh.write(markdown + "\n")
    except OSError as exc:  # a missing summary must not change the verdict
        click.echo(f"incidentkit: warning: cannot write the job summary: {exc}", err=True)
