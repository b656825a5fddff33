"""`pip install incidentkit` is the light core, and installs work before publication.

A fresh virtual environment gets incidentkit from a git URL (a commit of a
copy of this checkout, as `pip install "incidentkit @ git+https://...@<rev>"`
would), without the `site` extra, exactly as pre-commit's
`additional_dependencies` would install it. The environment stays under
60 MB, the core commands work in it, the site commands say how to get the
extra, and the repository `init` lays out from it pins that same commit, so
its pre-commit hook installs with the real `pre-commit` and runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT

LIMIT_MB = 60
SITE_ONLY = ("mkdocs", "material", "nh3", "matplotlib", "numpy", "markdown", "pymdownx")
# What a clone holds that the package build needs.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "tooling", "schemas", "templates")


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def source_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`git+file://...@<commit>` of this checkout's working tree, as a published repository."""
    src = tmp_path_factory.mktemp("incidentkit-src")
    for name in SOURCES:
        origin = REPO_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(origin, src / name)
    env = ["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    _git(src, "init", "-q")
    _git(src, "add", "-A")
    _git(src, *env, "commit", "-q", "-m", "release")
    # file://localhost/...: a PEP 508 URL needs a host, and git accepts this one.
    return f"git+file://localhost{src.as_posix()}@{_git(src, 'rev-parse', 'HEAD')}"


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory: pytest.TempPathFactory, source_url: str) -> Path:
    venv = tmp_path_factory.mktemp("light") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         f"incidentkit @ {source_url}"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if installed.returncode != 0:
        if _offline(installed.stderr):
            pytest.skip(f"no package index here: {installed.stderr.strip().splitlines()[-1]}")
        raise AssertionError(installed.stderr)
    return venv


def _offline(stderr: str) -> bool:
    """pip failed for want of a package index, not because of incidentkit."""
    signs = ("No matching distribution", "Could not find a version", "NewConnectionError")
    return any(sign in stderr for sign in signs)


def _size_mb(root: Path) -> float:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total / 1_000_000


def _run(venv: Path, *args: str, cwd: Path, expect: int = 0) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "INCIDENTKIT_NOW": "2026-11-26T12:00:00Z",
    }
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(venv / "bin" / "incidentkit"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == expect, f"incidentkit {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def test_the_core_environment_is_small_and_has_no_site_dependencies(light_venv: Path) -> None:
    size = _size_mb(light_venv)
    assert size < LIMIT_MB, f"the core install takes {size:.0f} MB (limit {LIMIT_MB} MB)"
    site_packages = next(light_venv.glob("lib/python*/site-packages"))
    present = sorted(p.name for p in site_packages.iterdir() if p.name.lower() in SITE_ONLY)
    assert present == [], f"the core pulls in site dependencies: {present}"


@pytest.mark.usefixtures("git_env")
def test_the_core_commands_work_without_the_site_extra(light_venv: Path, tmp_path: Path) -> None:
    laid_out = _run(light_venv, "init", "team", "--example", cwd=tmp_path)
    # Its "Next" says what `serve` needs in a core install.
    assert "pip install 'incidentkit[site]'" in laid_out.stderr
    repo = tmp_path / "team"
    subprocess.run(["git", "switch", "-q", "-c", "pr"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "INC"], cwd=repo, check=True)
    _run(light_venv, "lint", cwd=repo)
    _run(light_venv, "gate", "--base", "main", cwd=repo)
    _run(light_venv, "coverage", cwd=repo)
    _run(light_venv, "stats", cwd=repo)
    _run(light_venv, "export", "--format", "sqlite", "-o", "db.sqlite", cwd=repo)
    _run(light_venv, "export", "--format", "csv", "-o", "tables", cwd=repo)
    _run(light_venv, "verify", "--help", cwd=repo)
    _run(
        light_venv, "new", "incident", "--title", "Agent quoted a superseded refund window",
        "--severity", "s3", "--failure-mode", "factual-hallucination", "--detection",
        "user-report", "--agent", "support-agent", "--started-at", "2026-11-20T08:00:00Z",
        "--detected-at", "2026-11-20T09:30:00Z", cwd=repo,
    )  # fmt: skip
    _run(light_venv, "new", "eval", "--incident", "INC-2026-0002", cwd=repo)


@pytest.mark.parametrize("command", ["build", "serve"])
def test_site_commands_name_the_extra(light_venv: Path, tmp_path: Path, command: str) -> None:
    _run(light_venv, "init", "team", "--no-git", cwd=tmp_path)
    done = _run(light_venv, command, cwd=tmp_path / "team", expect=2)
    assert "pip install 'incidentkit[site]'" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "Usage:" in _run(light_venv, command, "--help", cwd=tmp_path).stdout


@pytest.mark.usefixtures("git_env")
def test_init_pins_the_git_commit_and_its_pre_commit_hook_installs_from_it(
    light_venv: Path, source_url: str, tmp_path: Path
) -> None:
    """Installed from a git URL, `init` pins that commit; real pre-commit installs the hook."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit (a dev extra) is not installed")
    _run(light_venv, "init", "team", "--example", cwd=tmp_path)
    repo = tmp_path / "team"
    pins = (repo / ".github" / "requirements.txt").read_text(encoding="utf-8")
    assert f"incidentkit[site] @ {source_url}" in pins.splitlines()
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert hook["additional_dependencies"] == [f"incidentkit @ {source_url}"]
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    home = tmp_path / "pre-commit-home"
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "INCIDENTKIT_NOW": "2026-11-26T12:00:00Z"}
    done = subprocess.run(
        [str(pre_commit), "run", "--color", "never"], cwd=repo, env=env, capture_output=True,
        text=True, timeout=900,
    )  # fmt: skip
    if done.returncode != 0 and _offline(done.stdout + done.stderr):
        pytest.skip("no package index here for the hook's environment")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "incidentkit lint" in done.stdout and "Passed" in done.stdout
    (environment,) = [p for p in home.rglob("py_env-*") if p.is_dir()]
    size = _size_mb(environment)
    assert size < LIMIT_MB, f"the pre-commit hook's environment takes {size:.0f} MB"
