"""The `incidentkit` command: a thin Click layer over the core.

Subcommands live one per module in this package and are imported only when
called: `incidentkit --help` lists them from `SUMMARIES` and `--version`
answers without loading MkDocs, GitPython or jsonschema. This module is also
the one place where core exceptions become exit codes, and where a missing
optional dependency becomes the `pip install` line that brings it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from incidentkit import __version__
from incidentkit.errors import IncidentkitError, issue_tracker, symlink_loop
from incidentkit.output_guard import remember_working_directory

# CLI name -> "module:attribute"; the module is imported on first use.
COMMANDS: dict[str, str] = {
    "lint": "incidentkit.cli.lint:lint",
    "init": "incidentkit.cli.init:init",
    "new": "incidentkit.cli.new:new",
    "redact": "incidentkit.cli.redact:redact",
    "verify": "incidentkit.cli.verify:verify",
    "reproduce": "incidentkit.cli.reproduce:reproduce",
    "minimize": "incidentkit.cli.minimize:minimize",
    "build": "incidentkit.cli.site:build",
    "serve": "incidentkit.cli.site:serve",
    "coverage": "incidentkit.cli.coverage:coverage",
    "gate": "incidentkit.cli.gate:gate",
    "stats": "incidentkit.cli.stats:stats",
    "review": "incidentkit.cli.review:review",
    "export": "incidentkit.cli.export:export",
    "export-cases": "incidentkit.cli.export_cases:export_cases",
    "rules": "incidentkit.cli.rules:rules",
}

# CLI name -> the first line of the command's docstring, so `incidentkit --help`
# lists every command without importing it (tests/test_help.py keeps the two equal).
SUMMARIES: dict[str, str] = {
    "build": "Build the incident database site (MkDocs Material) from the records.",
    "coverage": "Which incidents have which eval cases, per tier, and which have none.",
    "export": "Export incidents, post-mortems, action items and eval cases for other tools.",
    "export-cases": "Write the YAML eval cases as a promptfoo config or an Inspect AI task.",
    "gate": "Block a PR that leaves an incident without the regression coverage policy demands.",
    "init": "Lay out an incident repository in DIRECTORY (default: the current one).",
    "lint": "Check records against the schemas and the repository-wide rules.",
    "minimize": "Reduce a failing eval case to the smallest input that still fails.",
    "new": "Create an incident, post-mortem or eval case from the templates.",
    "redact": "Replace the emails, phone numbers and secrets lint finds in PATHS.",
    "reproduce": "Run one eval case N times against the agent and estimate its failure rate.",
    "review": "Write the quarterly review of the incident database as Markdown.",
    "rules": "List the lint rules: ID, default level and what each checks.",
    "serve": "Serve the site locally, rebuilding when a record or a page changes.",
    "stats": "Counts and durations over the incident database.",
    "verify": "Prove that eval cases protect: they fail before the fix and pass after it.",
}

# Top-level module of an optional dependency -> the extra that installs it.
EXTRAS: dict[str, str] = {
    "mkdocs": "site",
    "material": "site",
    "nh3": "site",
    "matplotlib": "site",
    "markdown": "site",
    "markupsafe": "site",
    "pytest": "dev",
}


class SuggestingGroup(click.Group):
    """A group that suggests the closest command for a typo (`lnt` -> `lint`)."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = str(args[0]) if args else ""
        # Click suggests from the commands registered eagerly only (and only since
        # 8.4); lazy ones count too. An option-like name is Click's to report.
        if (
            name
            and not name.startswith("-")
            and not ctx.resilient_parsing
            and self.get_command(ctx, name) is None
        ):
            import difflib  # only on this error path: it costs start-up time

            message = f"No such command {name!r}."
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3)
            if close:
                message += f" Did you mean {' or '.join(repr(c) for c in close)}?"
            ctx.fail(message)
        return super().resolve_command(ctx, args)


class LazyGroup(SuggestingGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with whole summaries (never cut with "..."), no imports needed."""
        rows = []
        for name in self.list_commands(ctx):
            summary = SUMMARIES.get(name)
            if summary is None:  # a command without an entry: import it for its help
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                summary = command.get_short_help_str(limit=200)
            rows.append((name, summary))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        _tolerant_streams()
        try:
            try:
                return super().invoke(ctx)
            finally:
                # flush inside the handlers, so a full disk or closed pipe is reported here
                sys.stdout.flush()
        except IncidentkitError as exc:
            click.secho(f"incidentkit: error: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("incidentkit: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            # `incidentkit lint | head`: the reader left; stop quietly like other Unix tools
            _silence_stdout()
            ctx.exit(1)
        except OSError as exc:
            # A full disk, a read-only folder, a path through a file: the environment, not a bug
            where = f": {exc.filename}" if exc.filename else ""
            click.secho(f"incidentkit: error: {exc.strerror or exc}{where}", fg="red", err=True)
            ctx.exit(2)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # the last line of defence: no traceback reaches a user
            if isinstance(exc, ModuleNotFoundError) and _extra_for(exc):
                click.secho(_missing_extra(ctx, exc), fg="red", err=True)
                ctx.exit(2)
            if symlink_loop(exc):
                # a path given or configured is a symlink loop: the environment, not a bug
                click.secho(f"incidentkit: error: {exc}", fg="red", err=True)
                ctx.exit(2)
            if os.environ.get("INCIDENTKIT_DEBUG"):
                raise
            click.secho(
                f"incidentkit: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in incidentkit (exit 3 always is): rerun with INCIDENTKIT_DEBUG=1 "
                f"for the traceback and report it at {issue_tracker()}.",
                fg="red",
                err=True,
            )
            ctx.exit(3)


def invocation(*, absolute: bool = False) -> str:
    """How to run incidentkit again, as the user can paste it.

    `incidentkit` when that is on PATH (and is this one); otherwise the path
    it was run by, such as `.venv/bin/incidentkit` after `make demo`
    (`absolute`: for advice that follows a `cd`), or `python -m incidentkit`.
    """
    import shutil

    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is None or argv0.name not in ("incidentkit", "__main__.py"):
        return "incidentkit"  # embedded (tests, other front ends): the plain name
    if argv0.name == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m incidentkit"
    on_path = shutil.which("incidentkit")
    if on_path and argv0.exists() and Path(on_path).resolve() == argv0.resolve():
        return "incidentkit"
    return shlex.quote(str(argv0.resolve() if absolute else argv0))


def _extra_for(exc: ModuleNotFoundError) -> str | None:
    return EXTRAS.get((exc.name or "").partition(".")[0])


def _missing_extra(ctx: click.Context, exc: ModuleNotFoundError) -> str:
    extra = _extra_for(exc)
    command = " ".join(filter(None, ("incidentkit", ctx.invoked_subcommand)))
    return (
        f"incidentkit: error: `{command}` needs {exc.name}, which is not installed; "
        f"it comes with the {extra} extra: pip install 'incidentkit[{extra}]'"
    )


def _tolerant_streams() -> None:
    """Print a file name that is not UTF-8 as `\\xff`-style escapes instead of failing.

    Such a name reaches Python as lone surrogates; under a UTF-8 locale (not
    the C locale) or PYTHONIOENCODING=utf-8, standard output would raise
    UnicodeEncodeError on it in the middle of a report.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            with contextlib.suppress(ValueError, OSError):  # cannot change now: keep it
                reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


# Up to 120 columns: each command's summary fits on one line in a wide terminal.
@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
@click.version_option(__version__, prog_name="incidentkit")
@click.option(
    "-C",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Run as if started in DIR (like git -C).",
)
@click.pass_context
def cli(ctx: click.Context, directory: Path | None) -> None:
    """Incidents, post-mortems and incident-derived regression evals for AI agents.

    Run any command from anywhere inside an incident repository: the root is
    found by searching upward for a pyproject.toml with [tool.incidentkit],
    then for an incidents/ folder.

    Exit codes: 0 success, 1 findings or a failed check, 2 usage,
    configuration or I/O error.
    """
    if directory is not None:
        remember_working_directory()  # a build must not empty it, -C or not
        directory = directory.resolve()
        # Like git -C: paths on the command line are relative to DIR too. The
        # old working directory comes back when the command ends (in-process
        # callers such as tests share one).
        previous = Path.cwd()
        os.chdir(directory)
        ctx.call_on_close(lambda: os.chdir(previous))
    ctx.obj = directory


def main() -> None:
    cli.main(prog_name="incidentkit")


if __name__ == "__main__":  # pragma: no cover
    main()
