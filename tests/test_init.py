"""`incidentkit init`: the laid-out repository, refusals, --force, pyproject merging."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT, RunCli
from incidentkit.layout import planned_files, requirement
from incidentkit.resources import data_dir, scaffold_dir


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_into_an_empty_folder_lints_clean(run_cli: RunCli, tmp_path: Path) -> None:
    root = tmp_path / "new-repo"
    run_cli("init", root)
    files = _files(root)
    for expected in (
        "incidents/.gitkeep",
        "postmortems/.gitkeep",
        "evals/regression/.gitkeep",
        "evals/pre-deployment/.gitkeep",
        "evals/safety-critical/.gitkeep",
        "schemas/incident.schema.json",
        "templates/incident.md",
        "pyproject.toml",
        "mkdocs.yml",
        ".github/workflows/pr.yml",
        ".github/workflows/pages.yml",
        ".github/pull_request_template.md",
        ".pre-commit-config.yaml",
        "README.md",
    ):
        assert expected in files
    assert not any(name.endswith(".tmpl") or "dot-" in name for name in files)
    result = run_cli("-C", root, "lint")
    assert "0 error(s)" in result.stdout
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["incidentkit"]["policy"]["regression_severities"] == ["S1", "S2"]


def test_init_defaults_to_the_working_directory(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "here").mkdir()
    run_cli("-C", tmp_path / "here", "init")
    assert (tmp_path / "here" / "mkdocs.yml").is_file()


def test_schemas_and_templates_are_the_packaged_ones(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path)
    for kind in ("schemas", "templates"):
        source = data_dir(kind)
        for file in source.iterdir():
            assert (tmp_path / kind / file.name).read_bytes() == file.read_bytes()


def test_mkdocs_config(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path)
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False  # no request to Google Fonts
    assert config["plugins"] == ["search", "tags", "incidentkit"]
    assert config["strict"] is True
    # What init writes is what this project recommends (its own mkdocs.yml).
    ours = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    ours.pop("site_description")
    assert config == ours


def test_existing_mkdocs_yml_is_refused_and_named(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    result = run_cli("init", tmp_path, expect=1)
    assert "mkdocs.yml" in result.stderr
    assert "--force" in result.stderr
    assert _files(tmp_path) == {"mkdocs.yml"}  # nothing written
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"


def test_force_replaces_only_the_named_file(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Ours\n", encoding="utf-8")
    result = run_cli("init", tmp_path, "--force", "mkdocs.yml", expect=1)
    assert "README.md" in result.stderr and "mkdocs.yml" not in result.stderr
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"

    (tmp_path / "README.md").unlink()
    result = run_cli("init", tmp_path, "--force", "mkdocs.yml")
    assert "replaced mkdocs.yml" in result.stdout
    assert (tmp_path / "mkdocs.yml").read_bytes() == (scaffold_dir() / "mkdocs.yml").read_bytes()


def test_force_of_a_file_init_does_not_write_is_a_usage_error(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("init", tmp_path, "--force", "setup.cfg", expect=2)
    assert "setup.cfg" in result.stderr
    result = run_cli("init", tmp_path, "--force", "pyproject.toml", expect=2)
    assert "never replaced" in result.stderr
    assert _files(tmp_path) == set()


def test_running_init_again_changes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    run_cli("init", tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in _files(tmp_path)}
    result = run_cli("init", tmp_path)
    assert result.stdout == ""
    assert {name: (tmp_path / name).read_bytes() for name in _files(tmp_path)} == before


EXISTING_PYPROJECT = """\
# Our project.
[project]
name = "agents"   # keep this comment
version = "1.0"
dependencies = ["httpx"]

[tool.ruff]
line-length = 120

[tool.ruff.lint]
select = ["E"]
"""


def test_merges_into_an_existing_pyproject_keeping_its_tables(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(EXISTING_PYPROJECT, encoding="utf-8")
    result = run_cli("init", tmp_path)
    assert "merged [tool.incidentkit] into pyproject.toml" in result.stdout
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(EXISTING_PYPROJECT)  # every byte of the original kept
    data = tomllib.loads(text)
    original = tomllib.loads(EXISTING_PYPROJECT)
    assert data["project"] == original["project"]
    assert data["tool"]["ruff"] == original["tool"]["ruff"]
    assert "incidentkit" in data["tool"]
    run_cli("-C", tmp_path, "lint")


def test_pyproject_with_the_table_is_left_alone(run_cli: RunCli, tmp_path: Path) -> None:
    own = '[tool.incidentkit.policy]\nsince = "2025-01-01"\n'
    (tmp_path / "pyproject.toml").write_text(own, encoding="utf-8")
    run_cli("init", tmp_path)
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == own


def test_pyproject_that_cannot_take_the_table_is_refused(run_cli: RunCli, tmp_path: Path) -> None:
    inline = "tool = { ruff = { line-length = 100 } }\n"
    (tmp_path / "pyproject.toml").write_text(inline, encoding="utf-8")
    result = run_cli("init", tmp_path, expect=2)
    assert "add this table by hand" in result.stderr
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == inline


def test_existing_record_folders_need_no_gitkeep(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "incidents").mkdir()
    run_cli("init", tmp_path)
    assert not (tmp_path / "incidents" / ".gitkeep").exists()


def test_the_pr_template_has_one_source() -> None:
    """This repository's PR template is the one `init` lays out: the two must not drift."""
    ours = REPO_ROOT / ".github" / "pull_request_template.md"
    shipped = scaffold_dir() / "dot-github" / "pull_request_template.md"
    assert shipped.read_bytes() == ours.read_bytes(), (
        f"{shipped} and {ours} differ: edit one, then copy it over the other"
    )


def test_the_pre_commit_hook_matches_the_published_hook() -> None:
    published = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in published if h["id"] == "incidentkit-lint")
    laid_out = {f.rel: f.text for f in planned_files()}
    config = yaml.safe_load(laid_out[".pre-commit-config.yaml"])
    local = config["repos"][0]["hooks"][0]
    for key in ("id", "name", "entry", "language", "pass_filenames", "always_run", "files"):
        assert local.get(key) == hook.get(key), key
    assert local["require_serial"] == hook["require_serial"]
    assert local["additional_dependencies"] == [requirement()]
    pins = [
        line
        for line in laid_out[".github/requirements.txt"].splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert pins == [requirement("site")]  # CI builds the site too; the hook stays light


def test_laid_out_workflows_pass_check_workflows(run_cli: RunCli, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    if not all((bin_dir / tool).exists() for tool in ("zizmor", "check-jsonschema")):
        pytest.skip("zizmor and check-jsonschema are not installed next to this Python")
    if shutil.which("bash") is None:
        pytest.skip("bash is needed to run .ci/check-workflows")
    run_cli("init", tmp_path)
    env = {**os.environ, "PATH": f"{bin_dir.resolve()}{os.pathsep}{os.environ.get('PATH', '')}"}
    completed = subprocess.run(
        [str(REPO_ROOT / ".ci" / "check-workflows"), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
