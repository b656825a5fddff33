"""Reference pages generated from the code, so they cannot drift from it.

`make docs` writes them to `docs/reference/`; a test fails when the committed
pages differ from what the code generates.
"""

from __future__ import annotations

from pathlib import Path

import click

from incidentkit.rules import RULES

REFERENCE_DIR = Path("docs") / "reference"


def rules_markdown() -> str:
    lines = [
        "# Lint rules",
        "",
        "Every finding names one of these rules. Switch a rule off or change its level",
        "in `[tool.incidentkit.rules]` of `pyproject.toml`:",
        "",
        "```toml",
        "[tool.incidentkit.rules]",
        'blaming-language = "off"',
        'postmortem-deadline = "error"',
        "```",
        "",
        "Suppress a single finding with a reason, on its line or the line above:",
        "`# incidentkit: ignore[rule-id] why` in YAML, `<!-- incidentkit: ignore[rule-id] why -->` in Markdown.",
        "",
        "| rule | default level | checks |",
        "|---|---|---|",
    ]
    lines += [f"| [`{r.id}`](#{r.id}) | {r.level.label} | {r.summary} |" for r in RULES.values()]
    for rule in RULES.values():
        lines += ["", f"## {rule.id}", "", f"Default level: **{rule.level.label}**."]
        if rule.check is not None:
            lines[-1] += f" Source: `tooling/{rule.module}`."
        lines += ["", _dedent(rule.doc)]
    return "\n".join(lines) + "\n"


def cli_markdown(group: click.Group) -> str:
    """Every command's `--help`, as one page."""
    lines = [
        "# Command reference",
        "",
        "Generated from `incidentkit --help`; run `make docs` to refresh.",
        "",
    ]
    # A fixed width, so the page does not depend on the terminal that generated it
    root = group.make_context(
        "incidentkit", [], resilient_parsing=True, terminal_width=80, max_content_width=80
    )
    for name, ctx in _contexts(root):
        lines += [f"## `{name}`", "", "```text", ctx.command.get_help(ctx).rstrip(), "```", ""]
    return "\n".join(lines)


def _contexts(ctx: click.Context) -> list[tuple[str, click.Context]]:
    # Real parent contexts, so every page shows what `incidentkit X --help` shows
    # (inherited settings such as the -h alias included).
    found = [(ctx.command_path, ctx)]
    command = ctx.command
    if isinstance(command, click.Group):
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            if child is not None:
                found += _contexts(child.make_context(sub, [], parent=ctx, resilient_parsing=True))
    return found


def _dedent(doc: str) -> str:
    parts = doc.strip().split("\n")
    return "\n".join(line.strip() for line in parts)


def reference_pages() -> dict[str, str]:
    """File name under docs/reference/ -> content."""
    from incidentkit.cli import cli

    assert isinstance(cli, click.Group)
    return {"rules.md": rules_markdown(), "cli.md": cli_markdown(cli)}


if __name__ == "__main__":
    REFERENCE_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in reference_pages().items():
        (REFERENCE_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {REFERENCE_DIR / name}")
