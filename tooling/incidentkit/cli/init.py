"""`incidentkit init`: lay out a new incident repository, make it a git repository."""

from __future__ import annotations

import importlib.util
import os
import shlex
from pathlib import Path

import click

from incidentkit.cli import invocation
from incidentkit.git.init import BRANCH, GitSetup, enclosing_work_tree, make_repository
from incidentkit.layout import PYPROJECT, InitResult, example_files, init_repository

# The loop a new repository is for, printed after `init`: (command, what it does).
NEXT_STEPS = (
    ("incidentkit new incident", "record what happened (asks for what is missing)"),
    ("incidentkit new eval --incident INC-YYYY-NNNN", "a regression case from its reproduction"),
    ("incidentkit reproduce CASE --runs 10", "confirm the case captures the failure"),
    ("incidentkit new postmortem INC-YYYY-NNNN --author @you", "the blameless analysis"),
    ("incidentkit lint", "check every record, as the pre-commit hook does"),
    (f"incidentkit gate --base {BRANCH}", "the merge gate CI runs on a pull request branch"),
    ("incidentkit serve", "preview the site"),
)


@click.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--force",
    "force",
    multiple=True,
    metavar="FILE",
    help="Replace FILE (relative to DIRECTORY) if it exists; repeat for several.",
)
@click.option(
    "--no-git",
    "no_git",
    is_flag=True,
    help="Do not run `git init` and make the first commit (they are skipped anyway "
    "inside an existing git repository).",
)
@click.option(
    "--example",
    is_flag=True,
    help="Also write a worked example: an S2 incident, its post-mortem and its regression "
    "case, left out of the first commit so your first pull request adds them.",
)
@click.pass_context
def init(
    ctx: click.Context, directory: Path | None, force: tuple[str, ...], no_git: bool, example: bool
) -> None:
    """Lay out an incident repository in DIRECTORY (default: the current one).

    Creates incidents/, postmortems/, evals/<tier>/, docs/, the schemas and
    templates, mkdocs.yml, .github/ (PR checks, site publishing, Dependabot,
    PR template, a commented CODEOWNERS example), .pre-commit-config.yaml,
    .gitignore and a README, and adds [tool.incidentkit] to pyproject.toml
    (creating it, or appending the table and leaving the rest of the file as
    it was). An existing .gitignore gains only the patterns it lacks.

    Unless DIRECTORY is already inside a git repository (or --no-git is
    given), it then runs `git init` on branch main and commits the layout,
    so `incidentkit gate --base main` has a base from the first pull request.

    Never overwrites a file: when any would be, it lists them, writes
    nothing and exits 1. Pass --force FILE for each file it may replace.
    Files that already have the same content are left alone.
    """
    base = ctx.find_root().obj
    base = base if isinstance(base, Path) else Path.cwd()
    root = (
        directory
        if directory is not None and directory.is_absolute()
        else base / (directory or ".")
    )
    enclosing = None if no_git else enclosing_work_tree(root)
    result = init_repository(root, force, example)
    examples = [rel for rel in example_files() if rel in result.created] if example else []
    _report_files(result)
    if no_git:
        git = GitSetup("skipped")
    elif enclosing is not None:
        git = GitSetup("inside", str(enclosing))
    else:
        laid_out = [*result.created, *result.replaced, *result.merged, *result.unchanged]
        to_commit = [r for r in laid_out if r not in examples and (root / r).is_file()]
        git = make_repository(root, to_commit)
    click.echo(_summary(root, base, git, examples), err=True)


def _report_files(result: InitResult) -> None:
    for name in result.created:
        click.echo(f"created {name}")
    for name in result.replaced:
        click.echo(f"replaced {name}")
    for name in result.merged:
        if name == PYPROJECT:
            click.echo(f"merged [tool.incidentkit] into {name}")
        else:
            click.echo(f"added the missing patterns to {name}")


def _summary(root: Path, base: Path, git: GitSetup, examples: list[str]) -> str:
    shown = os.path.relpath(root, base) if root.is_relative_to(base) else str(root)
    lines = [f"\nIncident repository ready in {shown}."]
    if git.state == "committed":
        lines.append(f"It is a git repository on branch {BRANCH}, with the layout committed.")
    elif git.state == "initialised":
        lines.append(
            f"It is a git repository on branch {BRANCH}; the first commit failed "
            f"({git.detail}). Commit the layout yourself: git add -A && git commit -m init"
        )
    elif git.state == "inside":
        lines.append(f"It is inside the git repository {git.detail}; commit the new files there.")
    elif git.state in ("no-git", "failed"):
        lines.append(f"git init did not run ({git.detail}); run `git init -b {BRANCH}` yourself.")
    if examples:
        lines.append(
            "The worked example (" + ", ".join(examples) + ") is not committed: "
            "commit it on a branch and `incidentkit gate --base main` judges it like a pull request."
        )
    where = "" if shown == "." else f"cd {shlex.quote(shown)}, "
    lines.append(f"\nNext ({where}on a branch of your own: git switch -c my-incident), the loop:")
    program = invocation(absolute=True)
    steps = [(command.replace("incidentkit", program, 1), what) for command, what in NEXT_STEPS]
    if importlib.util.find_spec("mkdocs") is None:  # the core install: say what serve needs
        command, what = steps[-1]
        steps[-1] = (command, f"{what} (after: pip install 'incidentkit[site]')")
    width = max(len(command) for command, _ in steps)
    lines += [f"  {command:<{width}}  {what}" for command, what in steps]
    lines.append("README.md in the new repository says more.")
    return "\n".join(lines)
