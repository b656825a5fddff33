"""`incidentkit verify`: record which eval cases fail before a fix and pass after it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from incidentkit.cli.common import config_from
from incidentkit.evals import verify as core
from incidentkit.evals.results import read_run
from incidentkit.evals.verify import CaseVerdict, Scope, VerifyResult
from incidentkit.records.repository import load_repository

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

_HEADINGS: dict[core.Verdict, str] = {
    "verified": "verified: fails before the fix, passes after it",
    "no-protection": "no regression protection: passed before the fix",
    "still-failing": "still failing after the fix",
    "not-run": "never run on one side or both",
    "no-agent": "verified, but no agent is known (add `agent:` to the case)",
}


@click.command()
@click.option(
    "--before",
    "before",
    multiple=True,
    required=True,
    type=_FILE,
    help="Results of the version before the fix (JUnit XML or promptfoo JSON); repeat for repeated runs.",
)
@click.option(
    "--after",
    "after",
    multiple=True,
    required=True,
    type=_FILE,
    help="Results of the version after the fix; repeat for repeated runs.",
)
@click.option(
    "--before-version",
    metavar="V",
    help="The agent version of the --before runs. Default: the agent_version the files record.",
)
@click.option(
    "--after-version",
    metavar="V",
    help="The agent version of the --after runs. Default: the agent_version the files record.",
)
@click.option(
    "--agent",
    "agents",
    multiple=True,
    metavar="NAME",
    help="Judge only the cases of this agent (repeatable).",
)
@click.option(
    "--tier",
    "tiers",
    multiple=True,
    metavar="NAME",
    help="Judge only the cases of this tier (repeatable).",
)
@click.option(
    "--incident",
    "incidents",
    multiple=True,
    metavar="ID",
    help="Judge only the cases linked to this incident (repeatable).",
)
@click.option(
    "--write",
    is_flag=True,
    help="Record `verification` in the case files (atomically, keeping comments).",
)
@click.option("--check", is_flag=True, help="Exit 1 when any case in scope is not verified.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.pass_context
def verify(
    ctx: click.Context,
    before: tuple[Path, ...],
    after: tuple[Path, ...],
    before_version: str | None,
    after_version: str | None,
    agents: tuple[str, ...],
    tiers: tuple[str, ...],
    incidents: tuple[str, ...],
    write: bool,
    check: bool,
    fmt: str,
) -> None:
    """Prove that eval cases protect: they fail before the fix and pass after it.

    Reads eval results for the agent version before the fix (--before) and
    after it (--after): JUnit XML from pytest (`pytest evals/ --agent-version V
    --junitxml FILE`), DeepEval or promptfoo, or promptfoo's JSON output. Give
    several files per side for repeated runs of a non-deterministic agent;
    failure rates are reported. Results are matched to cases by their `case`
    property, else by a test name equal to the case ID (or `test_x[CASE-ID]`).

    A case is verified when it failed in at least one run before (failure
    rate > 0) and passed in every run after (failure rate 0). Reports the
    cases that passed before (no regression protection), still fail after,
    or were never run. A results file that selected no test is an error.

    Shows what it would record; --write records `verification: {fails_on,
    passes_on, runs_before, runs_after, failure_rate_before,
    failure_rate_after}` in each verified YAML case, keeping the file's
    comments and layout. Exit 1 under --check when any case in scope is not
    verified; 2 on unreadable or empty results.
    """
    config = config_from(ctx)
    records = load_repository(config)
    result = core.verify(
        records,
        [read_run(p) for p in before],
        [read_run(p) for p in after],
        before_version,
        after_version,
        Scope(agents=agents, tiers=tiers, incidents=incidents),
    )
    written = core.write_verifications(config.root, result) if write else []
    if fmt == "json":
        click.echo(json.dumps(_as_json(result, written, write), indent=2))
    else:
        _as_text(result, written, write)
    ctx.exit(1 if check and not result.protected else 0)


def _as_text(result: VerifyResult, written: list[str], write: bool) -> None:
    click.echo(
        f"before: {result.before_version} ({result.runs_before} run(s)); "
        f"after: {result.after_version} ({result.runs_after} run(s))"
    )
    for verdict in core.VERDICTS:
        group = result.having(verdict)
        if not group:
            continue
        click.echo(f"\n{_HEADINGS[verdict]} ({len(group)}):")
        for v in group:
            _case_lines(v, write)
    if result.unmatched:
        click.echo(f"\nresults that name no eval case ({len(result.unmatched)}):")
        for u in result.unmatched:
            named = f" (case property {u.result.case!r})" if u.result.case else ""
            incidents = f" [{', '.join(u.result.incidents)}]" if u.result.incidents else ""
            click.echo(f"  {u.side}: {u.path}: {u.result.name}{named}{incidents}")
    if not result.verdicts:
        click.echo("\nno YAML eval case in scope")
    click.echo("")
    pending = result.to_write
    if write:
        click.echo(
            f"recorded verification in {len(pending)} case(s) in {len(written)} file(s)"
            + (f": {', '.join(written)}" if written else ""),
            err=True,
        )
    elif pending:
        click.echo(
            f"would record verification in {len(pending)} case(s); run again with --write to "
            "record it",
            err=True,
        )
    if not result.protected:
        missing = sum(1 for v in result.verdicts if v.verdict != "verified")
        click.echo(f"{missing} case(s) in scope are not verified", err=True)


def _case_lines(v: CaseVerdict, write: bool) -> None:
    case = v.case
    click.echo(f"  {case.path}:{case.at('id')[0]}: {case.id} [{', '.join(case.incidents)}]")
    click.echo(f"      before: {v.before.describe()}; after: {v.after.describe()}")
    if v.verification is None:
        return
    if v.unchanged:
        click.echo("      already recorded")
        return
    click.echo(f"      {'recorded' if write else 'would record'}: verification:")
    for key, value in v.verification.items():
        click.echo(f"        {key}: {value}")


def _tally(t: Any) -> dict[str, Any]:
    return {"runs": t.runs, "failures": t.failures, "failure_rate": t.failure_rate}


def _as_json(result: VerifyResult, written: list[str], write: bool) -> dict[str, Any]:
    return {
        "before": {"version": result.before_version, "runs": result.runs_before},
        "after": {"version": result.after_version, "runs": result.runs_after},
        "cases": [
            {
                "id": v.case.id,
                "path": v.case.path,
                "line": v.case.at("id")[0],
                "incidents": list(v.case.incidents),
                "tier": v.case.tier,
                "agent": v.agent,
                "verdict": v.verdict,
                "before": _tally(v.before),
                "after": _tally(v.after),
                "verification": v.verification,
                "already_recorded": v.unchanged,
            }
            for v in result.verdicts
        ],
        "unmatched": [
            {
                "side": u.side,
                "file": str(u.path),
                "name": u.result.name,
                "case": u.result.case,
                "incidents": list(u.result.incidents),
            }
            for u in result.unmatched
        ],
        "summary": {verdict: len(result.having(verdict)) for verdict in _HEADINGS},
        "protected": result.protected,
        "written": written if write else [],
    }
