"""The `incidentkit` command: a thin Click layer over the core.

Subcommands live one per module in this package and are imported only when
called, so `incidentkit --version` (run by pre-commit on every commit) does
not load MkDocs or GitPython. This module is also the one place where core
exceptions become exit codes.
"""

from __future__ import annotations

import importlib
import os
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
    "rules": "incidentkit.cli.rules:rules",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
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


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
