"""`init` makes a working repository: git on main with the layout committed, .gitignore,
the CODEOWNERS example, and a "Next" that prints commands that exist."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from conftest import RunCli
from incidentkit.cli.init import NEXT_STEPS

pytestmark = pytest.mark.usefixtures("git_env")


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_init_makes_a_git_repository_on_main_with_the_layout_committed(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = tmp_path / "team"
    result = run_cli("init", root)
    assert (root / ".git").is_dir()
    assert _git(root, "branch", "--show-current") == "main"
    assert _git(root, "rev-list", "--count", "HEAD") == "1"
    assert _git(root, "status", "--porcelain") == ""  # everything laid out is committed
    tracked = set(_git(root, "ls-files").splitlines())
    assert {".gitignore", ".github/CODEOWNERS", "pyproject.toml", "incidents/.gitkeep"} <= tracked
    assert "branch main" in result.stderr


def test_the_gitignore_keeps_site_venvs_and_caches_out(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "team"
    run_cli("init", root)
    ignored = [
        "site/index.html",
        ".venv/bin/python",
        "venv/bin/python",
        "evals/__pycache__/x.cpython-311.pyc",
        ".pytest_cache/v/cache",
        ".mypy_cache/x",
        ".ruff_cache/x",
        ".incidentkit/cache/x",
        ".incidentkit-cache/lint.db",
    ]
    for rel in ignored:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    assert _git(root, "status", "--porcelain") == "", "an ignored path shows as untracked"
    # Records and docs are never ignored, whatever folder they sit in.
    for rel in ("incidents/2026/INC-2026-0001-x.md", "docs/site/notes.md", "evals/site/c.yaml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
        assert rel in _git(root, "status", "--porcelain", "-uall"), rel


def test_codeowners_example_names_what_judges_the_records(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path / "team")
    text = (tmp_path / "team" / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    # Commented: an owner that does not exist would make GitHub flag the file.
    assert all(line.startswith("#") or not line.strip() for line in text.splitlines())
    for path in ("/pyproject.toml", "/schemas/", "/.github/"):
        assert re.search(rf"^# {re.escape(path)}\s+@", text, re.M), path


def test_inside_an_existing_git_repository_no_second_repository(
    run_cli: RunCli, tmp_path: Path
) -> None:
    outer = tmp_path / "mono"
    outer.mkdir()
    _git(outer, "init", "-q")
    result = run_cli("init", outer / "incidents-db")
    assert not (outer / "incidents-db" / ".git").exists()
    assert _git(outer, "rev-list", "--all") == ""  # nothing committed on the team's behalf
    assert "inside the git repository" in result.stderr


def test_no_git_skips_git(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path / "plain", "--no-git")
    assert (tmp_path / "plain" / "pyproject.toml").is_file()
    assert not (tmp_path / "plain" / ".git").exists()


def test_a_refused_init_does_not_make_a_repository(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    run_cli("init", tmp_path, expect=1)
    assert not (tmp_path / ".git").exists()


def test_a_commit_git_refuses_leaves_the_files_and_says_what_to_run(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No identity anywhere, and git told not to guess one: the first commit fails.
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
    ):
        monkeypatch.delenv(name)
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tuseConfigOnly = true\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    root = tmp_path / "team"
    result = run_cli("init", root)
    assert (root / ".git").is_dir() and (root / "pyproject.toml").is_file()
    assert "git add -A && git commit" in result.stderr


def test_an_existing_gitignore_gains_only_what_it_lacks(run_cli: RunCli, tmp_path: Path) -> None:
    own = "# ours\nnode_modules/\n.venv/\n"
    (tmp_path / ".gitignore").write_text(own, encoding="utf-8")
    result = run_cli("init", tmp_path, "--no-git")
    text = (tmp_path / ".gitignore").read_text(encoding="utf-8")
    assert text.startswith(own)
    assert text.count(".venv/") == 1
    assert "/site/" in text[len(own) :]
    assert "added the missing patterns to .gitignore" in result.stdout
    again = run_cli("init", tmp_path, "--no-git")
    assert again.stdout == ""
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == text


def test_a_teams_own_codeowners_is_kept(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "CODEOWNERS").write_text("* @our-org/all\n", encoding="utf-8")
    run_cli("init", tmp_path, "--no-git")
    assert not (tmp_path / ".github" / "CODEOWNERS").exists()
    assert (tmp_path / "CODEOWNERS").read_text(encoding="utf-8") == "* @our-org/all\n"


def test_next_prints_the_loop_in_order(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("-C", tmp_path, "init", "my team", "--no-git")
    shown = [line.split("  ")[1] for line in result.stderr.splitlines() if line.startswith("  ")]
    words = ["new incident", "new eval", "reproduce", "new postmortem", "lint", "gate", "serve"]
    assert [next(w for w in words if f"incidentkit {w}" in s) for s in shown] == words
    assert "cd 'my team'" in result.stderr  # as it can be pasted into a shell


@pytest.mark.parametrize(("command", "what"), NEXT_STEPS)
def test_every_suggested_command_and_option_exists(
    run_cli: RunCli, command: str, what: str
) -> None:
    words = shlex.split(command)[1:]
    names = [w for w in words if re.fullmatch(r"[a-z]+", w)]
    options = [w for w in words if w.startswith("--")]
    help_text = run_cli(*names, "--help").stdout
    for option in options:
        assert option in help_text, f"`{command}`: {option} is not an option"


@pytest.mark.parametrize(
    ("origin", "core", "site"),
    [
        (None, "incidentkit==0.1.0", "incidentkit[site]==0.1.0"),
        (
            {
                "url": "https://github.com/acme/incidentkit-fork",
                "vcs_info": {"vcs": "git", "commit_id": "0123abc" * 5 + "01234"},
            },
            "incidentkit @ git+https://github.com/acme/incidentkit-fork@" + "0123abc" * 5 + "01234",
            "incidentkit[site] @ git+https://github.com/acme/incidentkit-fork@"
            + "0123abc" * 5
            + "01234",
        ),
        (
            {"url": "file:///home/me/incidentkit", "dir_info": {"editable": True}},
            "incidentkit @ git+https://github.com/incidentkit/incidentkit@v0.1.0",
            "incidentkit[site] @ git+https://github.com/incidentkit/incidentkit@v0.1.0",
        ),
    ],
)
def test_the_pin_follows_where_incidentkit_was_installed_from(
    monkeypatch: pytest.MonkeyPatch, origin: dict[str, object] | None, core: str, site: str
) -> None:
    """From an index: ==version; from a git URL: that commit; from a clone: the release tag."""
    from incidentkit import layout

    monkeypatch.setattr(layout, "__version__", "0.1.0")
    monkeypatch.setattr(layout, "_installed_from", lambda: origin)
    assert layout.requirement() == core
    assert layout.requirement("site") == site
    files = {f.rel: f.text for f in layout.planned_files()}
    assert site in files[".github/requirements.txt"].splitlines()
    assert f'additional_dependencies: ["{core}"]' in files[".pre-commit-config.yaml"]


def test_the_example_is_left_for_the_first_pull_request(run_cli: RunCli, tmp_path: Path) -> None:
    from incidentkit.layout import example_files

    root = tmp_path / "team"
    run_cli("init", root, "--example")
    untracked = {line[3:] for line in _git(root, "status", "--porcelain", "-uall").splitlines()}
    assert untracked == set(example_files())
    assert {"incidents", "postmortems", "evals"} == {rel.split("/")[0] for rel in untracked}
    assert "0 error(s), 0 warning(s)" in run_cli("-C", root, "lint").stdout
    # Without --example, none of it is laid out.
    run_cli("init", tmp_path / "plain")
    assert not any((tmp_path / "plain" / rel).exists() for rel in example_files())


def test_the_first_commit_holds_only_what_init_laid_out(run_cli: RunCli, tmp_path: Path) -> None:
    """A folder's other files are the user's to add: init never commits them."""
    root = tmp_path / "team"
    root.mkdir()
    (root / "notes.txt").write_text("private\n", encoding="utf-8")
    (root / "incidents").mkdir()
    (root / "incidents" / "draft.md").write_text("not yet\n", encoding="utf-8")
    result = run_cli("init", root)
    assert "with the layout committed" in result.stderr
    tracked = set(_git(root, "ls-files").splitlines())
    assert "notes.txt" not in tracked and "incidents/draft.md" not in tracked
    assert {"pyproject.toml", ".gitignore", "schemas/incident.schema.json"} <= tracked
    assert "?? notes.txt" in _git(root, "status", "--porcelain")


def test_outside_git_the_gate_and_new_say_how_to_make_a_repository(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = tmp_path / "plain"
    run_cli("init", root, "--no-git")
    assert "git init -b main" in run_cli("-C", root, "gate", "--base", "main", expect=2).stderr
    made = run_cli("-C", root, "new", "incident", "--title", "x", "--severity", "S4",
                   "--failure-mode", "tool-misuse", "--detection", "other",
                   "--agent", "a", "--started-at", "2026-11-20T08:00:00Z")  # fmt: skip
    assert "git init -b main" in made.stderr
