"""`incidentkit export-cases`: the YAML eval cases as a promptfoo or Inspect AI suite."""

from __future__ import annotations

from pathlib import Path

import click

from incidentkit.cli.common import config_from
from incidentkit.evals import export_cases as core
from incidentkit.evals.verify import Scope


@click.command("export-cases")
@click.option(
    "--to",
    "target",
    type=click.Choice(["promptfoo", "inspect"]),
    required=True,
    help="The runner to write for: promptfoo (promptfooconfig.yaml and a Python provider) or "
    "Inspect AI (a task file).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write into (created if missing). Files this command wrote before are "
    "replaced; any other existing file needs --force.",
)
@click.option(
    "--agent-version",
    "versions",
    multiple=True,
    metavar="V",
    help="An agent version to run the cases against (repeatable): promptfoo gets one provider "
    "per version, labelled agent@V. Default: [tool.incidentkit.agent] version. Inspect takes "
    "the version at run time (-T agent_version=V).",
)
@click.option("--agent", "agents", multiple=True, metavar="NAME", help="Only this agent's cases.")
@click.option("--tier", "tiers", multiple=True, metavar="NAME", help="Only this tier's cases.")
@click.option(
    "--incident", "incidents", multiple=True, metavar="ID", help="Only cases of this incident."
)
@click.option(
    "--skip-untranslatable",
    is_flag=True,
    help="Export the cases that translate and list the others, instead of refusing the export.",
)
@click.option("--force", is_flag=True, help="Replace existing files not written by this command.")
@click.pass_context
def export_cases(
    ctx: click.Context,
    target: str,
    output: Path,
    versions: tuple[str, ...],
    agents: tuple[str, ...],
    tiers: tuple[str, ...],
    incidents: tuple[str, ...],
    skip_untranslatable: bool,
    force: bool,
) -> None:
    """Write the YAML eval cases as a promptfoo config or an Inspect AI task.

    Every case keeps its meaning: each test or sample carries `metadata: {case,
    incident, tier}`, the agent is called through `[tool.incidentkit.agent]`
    (and `criteria` judged by `[tool.incidentkit.judge]`), and every check is
    translated to an assertion or scorer that passes and fails on exactly the
    same replies (Python regexes are rewritten for JavaScript). A check that
    cannot be translated is refused with the reason and nothing is written
    (exit 1), unless --skip-untranslatable. Run the suite, then feed its
    results to `incidentkit verify`. See docs/promptfoo.md and docs/inspect.md.
    """
    config = config_from(ctx)
    selected = core.select_cases(config, Scope(agents=agents, tiers=tiers, incidents=incidents))
    output = output.resolve()
    versions = versions or ((config.agent.version,) if config.agent.version else ())
    if target == "promptfoo":
        from incidentkit.evals import promptfoo_export

        result = promptfoo_export.export(config, selected, output, versions)
    else:
        from incidentkit.evals import inspect_export

        result = inspect_export.export(config, selected, output)
    core.require_all(result, skip_untranslatable)
    written = core.write_files(output, result.files, force)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"exported {len(result.exported)} case(s) for {target}", err=True)
    for refusal in result.refused:
        click.echo(f"not exported: {refusal.describe()}", err=True)
    if result.python_tests:
        click.echo(
            f"{result.python_tests} Python test(s) under evals/ are code, not data: run them "
            "with pytest",
            err=True,
        )
