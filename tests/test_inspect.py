"""Inspect AI, for real: `export-cases --to inspect`, `inspect eval` with mockllm, `verify`.

The generated task runs offline (`--model mockllm/model`: the solver calls the
example agent, not a model); epochs are repeated runs; both log formats
(`.eval`, `.json`) are read back. The round trip records byte for byte what
the pytest route records.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, RunCli
from evalrepo import EXAMPLE_CASE_FILES, case_yaml, eval_repo, example_repo

pytest.importorskip("inspect_ai", reason="inspect-ai is in the dev extra")
INSPECT = Path(sys.executable).with_name("inspect")


def inspect_eval(folder: Path, version: str, log_format: str) -> Path:
    """Run the exported task against `version`, 3 epochs; the one log it writes."""
    logs = folder / f"logs-{version}-{log_format}"
    done = subprocess.run(
        [str(INSPECT), "eval", "incidentkit_task.py", "--model", "mockllm/model",
         "-T", f"agent_version={version}", "--epochs", "3", "--log-dir", str(logs),
         "--log-format", log_format, "--display", "none"],
        cwd=folder, capture_output=True, text=True, check=False, timeout=600,
        env={**os.environ, "INSPECT_LOG_LEVEL": "warning"},
    )  # fmt: skip
    found = sorted(logs.glob(f"*.{log_format}"))
    assert found, done.stdout + done.stderr
    return found[0]


def test_round_trip_records_what_the_pytest_route_records(tmp_path: Path, run_cli: RunCli) -> None:
    root = example_repo(tmp_path / "example")
    run_cli("-C", root, "export-cases", "--to", "inspect", "-o", "inspect",
            "--incident", "INC-2026-0005")  # fmt: skip
    before = inspect_eval(root / "inspect", "1.4.0", "eval")
    after = inspect_eval(root / "inspect", "1.4.1", "json")
    result = run_cli("-C", root, "verify", "--incident", "INC-2026-0005", "--write",
                     "--before", before, "--after", after)  # fmt: skip
    assert "before: 100% failed (3/3 runs); after: 0% failed (0/3 runs)" in result.stdout
    assert "verified: fails before the fix, passes after it (3):" in result.stdout
    for rel in EXAMPLE_CASE_FILES:
        assert (root / rel).read_bytes() == (REPO_ROOT / rel).read_bytes(), rel


def test_an_agent_error_in_inspect_is_inconclusive(tmp_path: Path, run_cli: RunCli) -> None:
    agent = (
        "def run(input, agent=None, version=None):\n"
        "    if version == '1.0':\n"
        "        raise RuntimeError('upstream 503')\n"
        "    return 'ok'\n"
    )
    root = eval_repo(
        tmp_path / "crash",
        {
            "crash_agent.py": agent,
            "evals/regression/c.yaml": case_yaml("c", [{"contains": "ok"}]),
            "evals/regression/rubric.yaml": case_yaml("rubric", [{"criteria": "Kind."}]),
        },
        agent='callable = "crash_agent:run"',
    )
    run_cli("-C", root, "export-cases", "--to", "inspect", "-o", "task")
    before = inspect_eval(root / "task", "1.0", "json")
    after = inspect_eval(root / "task", "1.1", "eval")
    result = run_cli("-C", root, "verify", "--before", before, "--after", after, expect=1)
    assert "before: no judged run; 3 inconclusive; after: 0% failed (0/3 runs)" in result.stdout
    assert "upstream 503" in result.stdout
    # criteria without a judge: scored N ("skipped"), never a pass or a failure
    assert "never run on one side or both (1):" in result.stdout
    assert "rubric" in result.stdout.split("never run on one side or both")[1]
