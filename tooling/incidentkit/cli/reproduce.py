"""`incidentkit reproduce`: run one eval case N times and estimate how often it fails."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from incidentkit.cli.common import config_from
from incidentkit.config import Config
from incidentkit.evals import reproduce as core
from incidentkit.evals.agent import Agent, load_agent
from incidentkit.evals.checks import JudgeFn
from incidentkit.evals.judge import bind, load_judge
from incidentkit.evals.reproduce import Reproduction, RunOutcome, Target


def interactive() -> bool:
    """A person is watching: progress bars and confirmation prompts make sense."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def confirm_calls(calls: str, target: Target, agent: Agent, version: str | None, yes: bool) -> None:
    """On a terminal, say what the command will cost and ask first (unless --yes)."""
    if not interactive():
        return
    who = f"{target.agent or '?'}@{version or '?'} via {agent.label}"
    click.echo(f"{target.id}: {calls} agent call(s) to {who}", err=True)
    if not yes:
        click.confirm("Go ahead?", default=True, abort=True, err=True)


def prepare(
    ctx: click.Context, ref: str, case_id: str | None, agent_version: str | None
) -> tuple[Config, Target, Agent, str | None, JudgeFn | None]:
    """The config, the case, the loaded agent, the version and the judge, before any call."""
    config = config_from(ctx)
    target = core.load_target(config, ref, case_id)
    agent = load_agent(config.agent, config.root)
    judge = bind(load_judge(config.judge, config.root), target.case.data)
    return config, target, agent, agent_version or config.agent.version, judge


@contextmanager
def _progress(runs: int, label: str) -> Iterator[core.OnRun | None]:
    if not interactive():
        yield None
        return
    with click.progressbar(length=runs, label=label, file=sys.stderr) as bar:

        def advance(_: RunOutcome) -> None:
            bar.update(1)

        yield advance


@click.command()
@click.argument("case_or_file", metavar="CASE_OR_FILE")
@click.option(
    "--case",
    "case_id",
    metavar="ID",
    help="The case to run when CASE_OR_FILE is a file holding several cases.",
)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many times to run the case.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Runs in parallel (threads). Default: min(4, --runs). Use 1 for an agent that is "
    "not thread-safe.",
)
@click.option(
    "--agent-version",
    metavar="V",
    help="The agent version to run, passed to the agent. Default: `version` in "
    "[tool.incidentkit.agent].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--record",
    is_flag=True,
    help="Write `reproduction: {runs, failures, agent}` into the case (atomically, keeping "
    "comments).",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation on a terminal.")
@click.pass_context
def reproduce(
    ctx: click.Context,
    case_or_file: str,
    case_id: str | None,
    runs: int,
    jobs: int | None,
    agent_version: str | None,
    fmt: str,
    record: bool,
    yes: bool,
) -> None:
    """Run one eval case N times against the agent and estimate its failure rate.

    CASE_OR_FILE is a case ID under evals/, or a path to a YAML case file
    (a draft not in evals/ yet is fine; a file with several cases needs
    --case). The case runs against [tool.incidentkit.agent] --runs times,
    --jobs at a time, and every reply is judged by the case's `expected`
    checks. Reports failures / runs, the failure rate with its 95% Wilson
    score interval, how often each check failed and the distinct failing
    outputs. Runs where the agent itself raised are counted apart.

    On a terminal it says how many agent calls it will make and asks first
    (--yes skips the question). Ctrl-C reports the runs finished so far.

    Exit 0 when the failure reproduces at least once, 1 when it never does
    (the case does not capture the incident yet), 2 on a configuration or
    usage error, 130 when interrupted.
    """
    _, target, agent, version, judge = prepare(ctx, case_or_file, case_id, agent_version)
    if record:
        core.require_recordable(target, version)
    confirm_calls(str(runs), target, agent, version, yes)
    with _progress(runs, f"{target.id}") as on_run:
        result = core.reproduce(
            agent, target, runs, jobs=jobs, version=version, on_run=on_run, judge=judge
        )
    written = False
    if record and not result.interrupted:
        written = core.record(result)
    if fmt == "json":
        click.echo(json.dumps(_as_json(result, record, written), indent=2))
    else:
        _as_text(result)
    _summary(result, record, written)
    if result.interrupted:
        ctx.exit(130)
    ctx.exit(0 if result.reproduced else 1)


def _percent(x: float) -> str:
    return f"{x:.0%}"


def _as_text(result: Reproduction) -> None:
    target = result.target
    click.echo(
        f"{target.id} ({target.case.path}) on {result.agent_label}: "
        f"{len(result.outcomes)} of {result.requested} run(s)"
        + (" (interrupted)" if result.interrupted else "")
    )
    if result.runs:
        low, high = result.interval
        click.echo(
            f"failed {result.failures}/{result.runs} runs: failure rate "
            f"{_percent(result.failure_rate or 0.0)} (95% CI {_percent(low)}-{_percent(high)})"
        )
    tallies = result.check_failures()
    if tallies:
        click.echo("checks that failed:")
        for t in tallies:
            value = t.expected if isinstance(t.expected, str) else json.dumps(t.expected)
            click.echo(f"  {t.failures}/{result.runs}  expected[{t.index}] {t.kind}: {value}")
    outputs = result.failing_outputs()
    if outputs:
        click.echo(f"distinct failing outputs ({len(outputs)}):")
        for text, count in outputs:
            click.echo(f"  {count}x  {text!r}")
    errors = result.error_messages()
    if errors:
        click.echo(f"agent errors ({len(result.errors)} run(s), not counted):")
        for message, count in errors:
            click.echo(f"  {count}x  {core.shorten(message)}")


def _summary(result: Reproduction, record: bool, written: bool) -> None:
    if result.interrupted:
        click.echo(
            f"interrupted after {len(result.outcomes)} of {result.requested} run(s)"
            + ("; nothing recorded" if record else ""),
            err=True,
        )
        return
    if result.reproduced:
        click.echo(
            f"reproduced: {result.target.id} failed in {result.failures} of {result.runs} run(s)",
            err=True,
        )
    else:
        _, high = result.interval
        click.echo(
            f"not reproduced: {result.target.id} passed all {result.runs} run(s) on "
            f"{result.agent_label} (the failure rate may still be up to {_percent(high)}). "
            "The case does not capture the incident yet: check its input against the "
            "incident's minimal reproduction, its expected checks, and the agent version "
            "(--agent-version).",
            err=True,
        )
    if record:
        state = "recorded" if written else "already recorded"
        click.echo(
            f"{state}: reproduction {core.reproduction_record(result)} in {result.target.case.path}",
            err=True,
        )


def _as_json(result: Reproduction, record: bool, written: bool) -> dict[str, Any]:
    low, high = result.interval
    target = result.target
    return {
        "case": target.id,
        "path": target.case.path,
        "agent": target.agent,
        "version": result.version,
        "requested_runs": result.requested,
        "runs": result.runs,
        "failures": result.failures,
        "errors": len(result.errors),
        "failure_rate": result.failure_rate,
        "interval": {"confidence": 0.95, "low": low, "high": high} if result.runs else None,
        "reproduced": result.reproduced,
        "interrupted": result.interrupted,
        "checks": [
            {"index": t.index, "kind": t.kind, "expected": t.expected, "failures": t.failures}
            for t in result.check_failures()
        ],
        "failing_outputs": [{"output": o, "count": c} for o, c in result.failing_outputs()],
        "agent_errors": [{"message": m, "count": c} for m, c in result.error_messages()],
        "recorded": core.reproduction_record(result) if record and written else None,
    }
