"""`incidentkit rules`: the lint rules, their default levels and documentation."""

from __future__ import annotations

import json

import click

from incidentkit.docs import rules_markdown
from incidentkit.rules import RULES


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    help="text: one line per rule; json: for tools; markdown: the reference page.",
)
def rules(fmt: str) -> None:
    """List the lint rules: ID, default level and what each checks.

    Switch a rule off or change its level by ID in [tool.incidentkit.rules],
    e.g. `blaming-language = "off"` or `postmortem-deadline = "error"`.
    """
    if fmt == "json":
        data = [
            {"id": r.id, "level": r.level.label, "summary": r.summary, "doc": r.doc.strip()}
            for r in RULES.values()
        ]
        click.echo(json.dumps(data, indent=2))
    elif fmt == "markdown":
        click.echo(rules_markdown(), nl=False)
    else:
        width = max(len(r) for r in RULES)
        for rule in RULES.values():
            click.echo(f"{rule.id:<{width}}  {rule.level.label:<7}  {rule.summary}")
