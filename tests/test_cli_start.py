"""The first contact with the command: quick help, whole summaries, typo suggestions,
`python -m incidentkit`, and a clear line when an optional extra is missing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import RunCli
from incidentkit.cli import COMMANDS, EXTRAS, SUMMARIES, cli

HEAVY = ("git", "mkdocs", "matplotlib", "nh3", "jsonschema", "ruamel", "yaml", "referencing")


def _modules_after(*argv: str) -> set[str]:
    code = (
        "import sys\nfrom incidentkit.cli import main\n"
        f"sys.argv = ['incidentkit', *{list(argv)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(done.stderr.rpartition("MODULES ")[2].split())


@pytest.mark.parametrize("argv", [("--help",), ("--version",), ("-h",), ("lnt",)])
def test_the_help_path_imports_no_subcommand_and_nothing_heavy(argv: tuple[str, ...]) -> None:
    loaded = _modules_after(*argv)
    heavy = sorted(m for m in loaded if m.partition(".")[0] in HEAVY)
    assert heavy == [], f"`incidentkit {' '.join(argv)}` imports {heavy}"
    subcommands = sorted(m for m in loaded if m.startswith("incidentkit.cli."))
    assert subcommands == [], f"`incidentkit {' '.join(argv)}` imports {subcommands}"


def test_every_command_has_a_summary_equal_to_its_docstring() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.help
        first_line = command.help.strip().splitlines()[0]
        assert SUMMARIES.get(name) == first_line, (
            f"SUMMARIES[{name!r}] in cli/__init__.py must be the first line of its docstring: "
            f"{first_line!r}"
        )


def test_help_shows_whole_summaries(run_cli: RunCli) -> None:
    out = run_cli("--help").stdout
    flowed = " ".join(out.split())  # wrapped lines are fine; a cut summary is not
    for name, summary in SUMMARIES.items():
        assert f"\n  {name} " in out
        assert f"{name} {summary}" in flowed, f"the summary of {name} is cut"
    assert "..." not in out.partition("Commands:")[2]


@pytest.mark.parametrize(
    ("argv", "suggestion"),
    [
        (("lnt",), "lint"),
        (("gaet",), "gate"),
        (("covrage",), "coverage"),
        (("exprot",), "export"),
        (("new", "incidnet"), "incident"),
        (("new", "postmorten"), "postmortem"),
        (("new", "evl"), "eval"),
    ],
)
def test_a_typo_suggests_the_command(
    run_cli: RunCli, argv: tuple[str, ...], suggestion: str
) -> None:
    result = run_cli(*argv, expect=2)
    assert f"Did you mean '{suggestion}'" in result.stderr


def test_nonsense_gets_no_suggestion_and_options_still_parse(run_cli: RunCli) -> None:
    result = run_cli("zzzzzz", expect=2)
    assert "No such command 'zzzzzz'." in result.stderr and "Did you mean" not in result.stderr
    assert "Usage:" in run_cli("--help").stdout
    assert "No such option" in run_cli("--nope", expect=2).stderr


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "incidentkit", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "incidentkit, version" in done.stdout
    lint = subprocess.run(
        [sys.executable, "-m", "incidentkit", "lnt"], capture_output=True, text=True
    )
    assert lint.returncode == 2 and "Did you mean 'lint'" in lint.stderr


@pytest.mark.parametrize("missing", sorted(m for m, extra in EXTRAS.items() if extra == "site"))
def test_a_missing_site_extra_says_how_to_install_it(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    """As if `pip install incidentkit` without [site]: the module cannot be imported."""
    for name in list(sys.modules):
        if name == missing or name.startswith(missing + "."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ModuleNotFoundError
    code = f"import {missing}"
    with pytest.raises(ModuleNotFoundError):
        exec(code)
    _raise_missing = click.Command(
        "needs-it", callback=lambda: exec(code), help="A command needing the site extra."
    )
    cli.add_command(_raise_missing)
    try:
        result = run_cli("needs-it", expect=2)
    finally:
        cli.commands.pop("needs-it")
    assert "pip install 'incidentkit[site]'" in result.stderr
    assert "incidentkit needs-it" in result.stderr
    assert "internal error" not in result.stderr


def test_build_without_mkdocs_exits_2_with_the_install_line(
    run_cli: RunCli, make_repo: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(make_repo)
    root = make_repo()
    for name in list(sys.modules):
        if name == "mkdocs" or name.startswith("mkdocs."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "mkdocs", None)
    result = run_cli("-C", root, "build", expect=2)
    assert "incidentkit build" in result.stderr
    assert "pip install 'incidentkit[site]'" in result.stderr
    assert not (root / "site").exists()


def test_a_module_missing_for_another_reason_is_still_a_bug(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = click.Command(
        "broken", callback=lambda: exec("import not_a_module_of_ours"), help="Broken on purpose."
    )
    cli.add_command(broken)
    try:
        result = run_cli("broken", expect=3)
    finally:
        cli.commands.pop("broken")
    assert "internal error" in result.stderr


def _next_commands(stderr: str) -> list[str]:
    return [line.split("  ")[1].strip() for line in stderr.splitlines() if line.startswith("  ")]


@pytest.mark.parametrize("on_path", [True, False])
def test_suggested_commands_work_as_printed(tmp_path: Path, on_path: bool) -> None:
    """After `make demo` incidentkit is in .venv/bin, not on PATH: advice must say so."""
    import os
    import shlex

    bin_dir = Path(sys.executable).parent
    program = bin_dir / "incidentkit"
    if not program.exists():
        pytest.skip("incidentkit is not installed as a script next to this Python")
    others = [p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != bin_dir]
    path = os.pathsep.join([str(bin_dir), *others] if on_path else others)
    env = {**os.environ, "PATH": path, "INCIDENTKIT_NOW": "2026-11-26T12:00:00Z"}
    done = subprocess.run(
        [str(program), "init", "team", "--no-git"], cwd=tmp_path, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    commands = _next_commands(done.stderr)
    assert len(commands) == 7
    for command in commands:
        words = shlex.split(command)
        assert (words[0] == "incidentkit") is on_path, command
        # As printed, from inside the new repository (the advice follows a `cd`).
        names = [w for w in words[1:] if w.isalpha() and w.islower()]
        ran = subprocess.run(
            [words[0], *names, "--help"], cwd=tmp_path / "team", env=env, capture_output=True,
            text=True,
        )  # fmt: skip
        assert ran.returncode == 0, f"{command}: {ran.stderr}"


def test_the_demo_recipe_hides_no_failure() -> None:
    """No `-command` (make's "Error 1 (ignored)") and no `|| true` in `make demo`."""
    from conftest import REPO_ROOT

    text = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert not [line for line in recipe.splitlines() if line.startswith("\t-")]
    assert "|| true" not in recipe
    assert "EXPECTED" in recipe


def test_a_command_without_a_summary_still_lists_its_own(
    run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command registered without a SUMMARIES entry is imported for its help, not dropped."""
    import incidentkit.cli as cli_module

    monkeypatch.setitem(cli_module.COMMANDS, "rules-again", "incidentkit.cli.rules:rules")
    out = run_cli("--help").stdout
    assert "rules-again" in out
    assert "List the lint rules: ID, default level and what each checks." in " ".join(out.split())


def test_help_without_enum_descriptions_lists_the_values(run_cli: RunCli, tmp_path: Path) -> None:
    """A repository laid out before enumDescriptions existed still gets the values listed."""
    import json

    run_cli("init", tmp_path / "old", "--no-git")
    path = tmp_path / "old" / "schemas" / "incident.schema.json"
    text = json.loads(path.read_text(encoding="utf-8"))

    def strip(node: object) -> None:
        if isinstance(node, dict):
            node.pop("enumDescriptions", None)
            for value in node.values():
                strip(value)

    strip(text)
    path.write_text(json.dumps(text), encoding="utf-8")
    out = run_cli("-C", tmp_path / "old", "new", "incident", "--help").stdout
    assert "data-exposure" in out and "user-report" in out
    assert "Severity (--severity):" in out
