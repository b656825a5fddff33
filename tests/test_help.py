"""Docs cannot drift: every command and option explains itself."""

from __future__ import annotations

import click

from conftest import RunCli
from incidentkit.cli import COMMANDS, LazyGroup, cli


def _walk(command: click.Command, name: str) -> list[tuple[str, click.Command]]:
    found = [(name, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for sub in command.list_commands(ctx):
            child = command.get_command(ctx, sub)
            assert child is not None, f"{name} {sub} is listed but cannot be loaded"
            found += _walk(child, f"{name} {sub}")
    return found


def test_every_command_and_option_has_help_text() -> None:
    assert isinstance(cli, LazyGroup)
    for name, command in _walk(cli, "incidentkit"):
        assert command.help and len(command.help) > 20, f"`{name}` has no help text"
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"`{name}` option {param.opts} has no help text"


def test_help_lists_every_command(run_cli: RunCli) -> None:
    result = run_cli("--help")
    for name in COMMANDS:
        assert name in result.stdout
    for name in COMMANDS:
        assert "Usage:" in run_cli(name, "--help").stdout


def test_version_does_not_import_heavy_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from incidentkit.cli import main; sys.argv=['incidentkit','--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy=[m for m in ('git','mkdocs','matplotlib','jsonschema','ruamel.yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "HEAVY []" in out


def test_reference_pages_match_the_code() -> None:
    from conftest import REPO_ROOT
    from incidentkit.docs import REFERENCE_DIR, reference_pages

    for name, text in reference_pages().items():
        page = REPO_ROOT / REFERENCE_DIR / name
        assert page.is_file(), f"{page} is missing: run `make docs`"
        assert page.read_text(encoding="utf-8") == text, f"{page} is stale: run `make docs`"
