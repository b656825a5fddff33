"""`incidentkit verify`: record which eval cases fail before a fix and pass after it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from incidentkit.cli.common import config_from
from incidentkit.evals import verify as core
from incidentkit.evals.results import read_run
from incidentkit.evals.verify import CaseVerdict, Scope, Sides, VerifyResult
from incidentkit.records.repository import load_repository

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)

_HEADINGS: dict[core.Verdict, str] = {
    "verified": "verified: fails before the fix, passes after it",
    "too-few-runs": "fails before, passes after, but over too few judged runs",
    "below-threshold": "fails before the fix less often than the policy requires",
    "no-protection": "no regression protection: passed before the fix",
    "still-failing": "still failing after the fix",
    "inconclusive": "inconclusive: no judged run on a side (every run errored)",
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
    help="Results of the version before the fix (JUnit XML, promptfoo JSON or JUnit, Inspect "
    "AI log); repeat for repeated runs.",
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
    "--provider",
    metavar="LABEL",
    help="promptfoo: use only the results of this provider (label or id) on both sides.",
)
@click.option(
    "--before-provider",
    metavar="LABEL",
    help="promptfoo: the provider (label or id) of the --before results, e.g. when one eval "
    "compared both versions.",
)
@click.option(
    "--after-provider",
    metavar="LABEL",
    help="promptfoo: the provider (label or id) of the --after results.",
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
@click.option(
    "--replace",
    is_flag=True,
    help="With --write: replace recorded verification even with evidence over fewer runs.",
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
    provider: str | None,
    before_provider: str | None,
    after_provider: str | None,
    incidents: tuple[str, ...],
    write: bool,
    replace: bool,
    check: bool,
    fmt: str,
) -> None:
    """Prove that eval cases protect: they fail before the fix and pass after it.

    Reads eval results for the agent version before the fix (--before) and
    after it (--after): JUnit XML from pytest (`pytest evals/ --agent-version V
    --junitxml FILE`), DeepEval or promptfoo (`-o results.junit.xml`),
    promptfoo's JSON output (`-o results.json`) or Inspect AI logs (`.eval`,
    `.json`). Every attempt is a run: several files per side, pytest reruns
    (pytest-rerunfailures, flaky), pytest-repeat, promptfoo --repeat and
    Inspect epochs. Results are matched to cases by their `case` property or
    metadata, else by a test name equal to the case ID (`test_x[CASE-ID]`,
    `test N: CASE-ID`).

    Each run is passed, failed, or inconclusive (the agent raised or was
    misconfigured, the runner reported an error): inconclusive runs are shown
    and never count. A case is verified when it failed before (at least once,
    and at least the policy's verification_failure_rate) and passed in every
    run after, over at least the policy's verification_runs judged runs on
    each side (default 3). Reports the cases that passed before, still fail
    after, ran too few times, or were never run.

    Shows what it would record; --write records `verification: {fails_on,
    passes_on, runs_before, runs_after, failure_rate_before,
    failure_rate_after}` in each verified YAML case, keeping the file's
    comments and layout, and refuses (exit 1, nothing written) to replace
    recorded evidence with evidence over fewer runs unless --replace. Exit 1
    when a case has only inconclusive runs on a side, or under --check when
    any case in scope is not verified; 2 on unreadable or empty results, or
    when no result on a side names an eval case.
    """
    if replace and not write:
        raise click.UsageError("--replace only applies with --write")
    config = config_from(ctx)
    records = load_repository(config)
    sides = Sides(
        before=[read_run(p) for p in before],
        after=[read_run(p) for p in after],
        before_version=before_version,
        after_version=after_version,
        before_provider=before_provider or provider,
        after_provider=after_provider or provider,
    )
    result = core.verify(
        records,
        sides,
        Scope(agents=agents, tiers=tiers, incidents=incidents),
        config.policy,
    )
    written: list[str] = []
    refused: core.WeakerEvidence | None = None
    if write:
        try:
            written = core.write_verifications(config.root, result, replace)
        except core.WeakerEvidence as exc:
            refused = exc  # reported after the changes it refuses
    if fmt == "json":
        click.echo(json.dumps(_as_json(result, written, write and not refused), indent=2))
    else:
        _as_text(result, written, write and not refused)
    if refused is not None:
        raise refused
    inconclusive = result.having("inconclusive")
    if inconclusive:
        click.echo(
            f"{len(inconclusive)} case(s) have no judged run on a side: every run there was "
            "inconclusive, so they prove nothing; fix the agent or its configuration and run again",
            err=True,
        )
    ctx.exit(1 if inconclusive or (check and not result.protected) else 0)


def _as_text(result: VerifyResult, written: list[str], write: bool) -> None:
    click.echo(
        f"before: {result.before_version} ({result.runs_before} file(s)); "
        f"after: {result.after_version} ({result.runs_after} file(s))"
    )
    rate = (
        f" and a failure rate before of at least {result.min_failure_rate:.0%}"
        if result.min_failure_rate
        else ""
    )
    click.echo(
        f"policy: verified needs at least {result.min_runs} judged run(s) on each side{rate}; "
        "inconclusive runs never count"
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
    for side, tally in (("before", v.before), ("after", v.after)):
        for reason, count in tally.reasons[:3]:
            click.echo(f"      inconclusive {side} ({count}x): {reason}")
    if v.verification is None:
        return
    if v.unchanged:
        click.echo("      already recorded")
        return
    change = core.change_for(v)
    verb = "recorded" if write else "would record"
    if change.old is not None:
        verb = "replaced" if write else "would replace"
        if change.weaker:
            verb += " (weaker: fewer runs than recorded)"
    click.echo(f"      {verb}: verification:")
    for line in change.lines():
        click.echo(f"        {line}")


def _tally(t: Any) -> dict[str, Any]:
    return {
        "runs": t.runs,
        "failures": t.failures,
        "failure_rate": t.failure_rate,
        "inconclusive": t.inconclusive,
        "inconclusive_reasons": [{"reason": r, "count": n} for r, n in t.reasons],
    }


def _as_json(result: VerifyResult, written: list[str], write: bool) -> dict[str, Any]:
    return {
        "before": {"version": result.before_version, "files": result.runs_before},
        "after": {"version": result.after_version, "files": result.runs_after},
        "policy": {
            "verification_runs": result.min_runs,
            "verification_failure_rate": result.min_failure_rate,
        },
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
                "recorded": v.case.data.get("verification"),
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
