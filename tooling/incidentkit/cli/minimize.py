"""`incidentkit minimize`: reduce a failing case's input to the smallest one that still fails."""

from __future__ import annotations

import click

from incidentkit.cli.reproduce import confirm_calls, prepare
from incidentkit.evals import minimize as core
from incidentkit.evals.minimize import Minimization, Step, min_case_text, size_of


@click.command()
@click.argument("case_or_file", metavar="CASE_OR_FILE")
@click.option(
    "--case",
    "case_id",
    metavar="ID",
    help="The case to minimise when CASE_OR_FILE is a file holding several cases.",
)
@click.option(
    "--runs-per-step",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Runs per candidate input; a candidate is kept when it fails often enough.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0, max=1, min_open=True),
    default=0.5,
    show_default=True,
    help="The failure rate a reduced input must keep (over --runs-per-step runs).",
)
@click.option(
    "--max-runs",
    type=click.IntRange(min=1),
    default=500,
    show_default=True,
    help="At most this many agent calls; then stop with the best input found so far.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Runs in parallel within a step (threads). Default: min(4, --runs-per-step).",
)
@click.option(
    "--agent-version",
    metavar="V",
    help="The agent version to run, passed to the agent. Default: `version` in "
    "[tool.incidentkit.agent].",
)
@click.option(
    "--write",
    is_flag=True,
    help="Replace the case's `input` in place (keeping the file's comments) instead of "
    "writing <id>.min.yaml.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing <id>.min.yaml.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation on a terminal.")
@click.pass_context
def minimize(
    ctx: click.Context,
    case_or_file: str,
    case_id: str | None,
    runs_per_step: int,
    threshold: float,
    max_runs: int,
    jobs: int | None,
    agent_version: str | None,
    write: bool,
    force: bool,
    yes: bool,
) -> None:
    """Reduce a failing eval case to the smallest input that still fails.

    Delta debugging (ddmin) over the case's conversation: first remove
    messages (the last user turn always stays), then `input.context` keys,
    then cut message texts by halves. A reduction is kept only when the
    case still fails in at least --threshold of --runs-per-step runs. Prints
    each accepted step and the final size.

    Writes the minimal case next to the original as <id>.min.yaml (its id
    is <id>.min; an existing file is kept unless --force), or with --write
    replaces the case's `input` in place. --max-runs caps the agent calls;
    the command then stops with the best input found so far. On a terminal
    it states that bound and asks first (--yes skips the question); Ctrl-C
    prints the best input so far and writes nothing.

    Exit 0 when the case was minimised (or is already minimal), 1 when the
    original case does not fail often enough to start, 2 on a configuration
    or usage error, 130 when interrupted.
    """
    _, target, agent, version, judge = prepare(ctx, case_or_file, case_id, agent_version)
    confirm_calls(f"up to {max_runs}", target, agent, version, yes)
    click.echo(f"{target.id}: {size_of(target.input).describe()}")
    result = core.minimize(
        agent,
        target,
        runs_per_step=runs_per_step,
        threshold=threshold,
        max_runs=max_runs,
        jobs=jobs,
        version=version,
        on_step=_print_step,
        judge=judge,
    )
    if not result.original_fails and result.stopped is None:
        click.echo(
            f"{target.id} failed in {result.original_failures} of {result.original_runs} run(s) "
            f"on {target.agent or '?'}@{version or '?'}, below the threshold of {threshold:.0%}: "
            "nothing to minimise. Check it with `incidentkit reproduce` first.",
            err=True,
        )
        ctx.exit(1)
    _report(result)
    if result.stopped == "interrupted":
        _print_best(result)
        click.echo("interrupted: nothing written", err=True)
        ctx.exit(130)
    if not result.original_fails:  # the budget ran out before the original was judged
        ctx.exit(1)
    if not result.reduced:
        why = (
            f"no smaller input found within --max-runs {max_runs}"
            if result.stopped == "max-runs"
            else f"{target.id} is already minimal"
        )
        click.echo(f"{why}: nothing written", err=True)
        return
    if write:
        core.write_in_place(result)
        click.echo(f"replaced the input of {target.id} in {target.case.path}", err=True)
        if "verification" in target.case.data or "reproduction" in target.case.data:
            click.echo(
                "its recorded verification/reproduction were measured on the old input; "
                "run `incidentkit reproduce --record` (and verify) again",
                err=True,
            )
    else:
        path = core.write_min_case(result, force=force)
        click.echo(f"wrote {path}", err=True)


def _print_step(step: Step) -> None:
    click.echo(
        f"  [{step.stage}] {step.description}: {step.size.describe()} "
        f"(failed {step.failures}/{step.runs}; {step.calls} call(s) so far)"
    )


def _report(result: Minimization) -> None:
    before, after = size_of(result.original), size_of(result.best)
    ending = {
        None: "",
        "max-runs": " (stopped at --max-runs: the best input found so far)",
        "interrupted": " (interrupted: the best input found so far)",
    }[result.stopped]
    click.echo(
        f"{len(result.steps)} reduction(s) in {result.calls} agent call(s){ending}\n"
        f"final size: {after.describe()} (was {before.describe()})"
    )


def _print_best(result: Minimization) -> None:
    click.echo("best input so far:")
    click.echo(min_case_text(result))
