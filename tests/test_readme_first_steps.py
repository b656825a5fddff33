"""The README's "Start your own incident repository" cannot drift: its block runs as written.

The block marked `<!-- first-steps ... -->` is extracted and run line by line
by bash in an empty temporary folder, with this environment's `incidentkit`
first on PATH, as a new user would paste it after installing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT

MARKER = "<!-- first-steps"
MAX_COMMANDS = 6


def first_steps() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    after = readme.split(MARKER, 1)[1]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block is not None, "the first-steps marker is not followed by a ```sh block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_the_first_steps_are_at_most_six_commands() -> None:
    steps = first_steps()
    assert 0 < len(steps) <= MAX_COMMANDS, steps
    assert not any(line.rstrip().endswith("\\") for line in steps), "one command per line"


@pytest.mark.usefixtures("git_env")
def test_the_first_steps_reach_green_lint_gate_and_a_site(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="the site extra builds the site")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    script = "set -euo pipefail\n" + "\n".join(first_steps()) + "\n"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    (repo,) = [p for p in tmp_path.iterdir() if p.is_dir() and p.name != "home"]
    assert len(list((repo / "incidents").glob("INC-*.md"))) == 1
    assert len(list((repo / "postmortems").glob("PM-*.md"))) == 1
    assert len(list((repo / "evals").rglob("*.yaml"))) == 1
    branch = subprocess.run(
        ["git", "branch", "--show-current"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert branch.stdout.strip() not in ("", "main"), "the gate ran on a pull-request branch"
    assert "gate: passed" in done.stdout
    assert (repo / "site" / "index.html").is_file()
    incident_pages = list((repo / "site").rglob("INC-2026-0001*"))
    assert incident_pages, "the site has no page for the incident"
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True
    )
    assert status.stdout == "", f"the build left files git would commit: {status.stdout}"
