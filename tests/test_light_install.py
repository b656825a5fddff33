"""`pip install incidentkit` is the light core: what the pre-commit hook and CI install.

A fresh virtual environment gets the wheel built from this checkout, without
the `site` extra, exactly as pre-commit's `additional_dependencies` or
`.github/requirements.txt` would install it. The environment stays under
60 MB, the core commands work in it, and the site commands say how to get
the extra instead of failing with a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT

pytest.importorskip("hatchling", reason="hatchling (a dev extra) builds the wheel")

LIMIT_MB = 60
SITE_ONLY = ("mkdocs", "material", "nh3", "matplotlib", "numpy", "markdown", "pymdownx")


@pytest.fixture(scope="module")
def light_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("light")
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if installed.returncode != 0:
        lines = installed.stderr.strip().splitlines()
        pytest.skip(f"cannot install the core's dependencies here: {lines[-1] if lines else ''}")
    return venv


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
    _run(light_venv, "init", "team", "--example", cwd=tmp_path)
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
