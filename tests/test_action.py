"""`action.yml` installs its own checkout by default, so `uses: ...@<sha>` pins the code that runs."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT


def _install_step() -> dict[str, object]:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["inputs"]["version"]["default"] == ""
    (step,) = [s for s in action["runs"]["steps"] if s.get("name") == "Install incidentkit"]
    assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    return dict(step)


@pytest.mark.parametrize(
    ("version", "installed"),
    [("", "/runner/_actions/incidentkit/incidentkit/0123abc"), ("incidentkit==1.2.0", None)],
)
def test_the_install_step_installs_the_action_checkout_unless_told_otherwise(
    tmp_path: Path, version: str, installed: str | None
) -> None:
    step = _install_step()
    # A stand-in `python` records what the step asks pip to install.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD"\n', encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    record = tmp_path / "args"
    env = {
        "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}",
        "VERSION": version,
        "ACTION_PATH": "/runner/_actions/incidentkit/incidentkit/0123abc",
        "RECORD": str(record),
    }
    subprocess.run(["bash", "-e", "-c", str(step["run"])], env=env, check=True)
    args = record.read_text(encoding="utf-8").split()
    assert args[:3] == ["-m", "pip", "install"]
    assert args[-1] == (installed or version)
