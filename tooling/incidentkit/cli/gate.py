"""`incidentkit gate`: the merge gate a pull request's CI runs."""

from __future__ import annotations

import os
from pathlib import Path

import click

from incidentkit.cli.common import in_github_actions, repo_dir
from incidentkit.clock import now
from incidentkit.config import Config, find_root
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
    help="The PR's commit, read from git objects (uncommitted files are not part of the check).",
)
@click.option(
    "--worktree",
    is_flag=True,
    help="Preview: judge the work tree, uncommitted and untracked record files included "
    "(the verdict line says so). CI judges the commit.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format. Default: github under GitHub Actions, else text.",
)
@click.pass_context
def gate(ctx: click.Context, base: str, head: str, fmt: str | None, worktree: bool) -> None:
    """Block a PR that leaves an incident without the regression coverage policy demands.

    Judges the committed head (read from git, not the work tree) against the
    merge base of REF (never a two-dot diff), by the merge base's
    [tool.incidentkit], schemas/, templates/ and pytest config: a PR cannot
    relax what judges it, and is told when it changes them. Each incident is
    judged by the stricter of its merge-base and head severity and status.

    Fails (exit 1) when an incident the PR adds or changes, and that policy
    covers, has no linked eval case that counts (one that runs and checks
    something; the message says why each linked case does not) and no
    regression_waiver; when policy requires verification and a linked case
    has none; when the PR deletes, unlinks or breaks the last counting case
    of an incident covered at the merge base, deletes such an incident, or
    moves its detected_at before policy.since; when a waiver it adds is not
    approved by a handle, or (in GitHub Actions) by the PR's own author;
    when an ID the PR adds is already taken on the base branch; or when lint
    finds an error in a touched file or a broken link or duplicate ID
    anywhere. Waived incidents pass and are listed. Uncommitted record files
    are listed as warnings: commit them, or preview with --worktree.

    Exit 2 when it cannot decide: not a git repository, base ref missing (a
    shallow clone: check out with fetch-depth: 0), no merge base. Under
    GitHub Actions it writes annotations and a job summary.
    """
    github = in_github_actions()
    fmt = fmt or ("github" if github else "text")
    try:
        # Only the repository's place: what judges the PR is read from its merge base,
        # so a PR that breaks its own [tool.incidentkit] is judged (and told), not stopped.
        config = Config(root=find_root(repo_dir(ctx) or Path.cwd()))
        result = run_gate(config, base, head, now(), worktree=worktree)
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
