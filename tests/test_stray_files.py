"""Every file in a record folder is a record or a finding: nested folders, stray names,
FIFOs, devices, symlink loops; lint never hangs or crashes on them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunCli, incident_text

INC = "incidents/INC-2026-0001-stale-refund-window.md"


def lint_json(run_cli: RunCli, root: Path, expect: int | None = 1) -> list[dict[str, object]]:
    result = run_cli("-C", root, "lint", "--format", "json", expect=expect)
    data = json.loads(result.stdout)
    return list(data["findings"] if isinstance(data, dict) else data)


def strays(findings: list[dict[str, object]]) -> dict[object, object]:
    return {f["path"]: f["message"] for f in findings if f["rule"] == "stray-file"}


def test_records_are_found_recursively(make_repo: Callable[..., Path], run_cli: RunCli) -> None:
    nested = "incidents/2026/03/INC-2026-0002-nested.md"
    root = make_repo({nested: incident_text(id="INC-2026-0002", severity="S1")})
    coverage = json.loads(run_cli("-C", root, "coverage", "--format", "json").stdout)
    assert {i["id"]: i["path"] for i in coverage["incidents"]}["INC-2026-0002"] == nested


@pytest.mark.parametrize(
    ("rel", "says", "fix"),
    [
        (
            "incidents/INC-2026-0002-x.MD",
            "only files ending in .md",
            "rename it to INC-2026-0002-x.md",
        ),
        (
            "incidents/INC-2026-0002-x.markdown",
            "only files ending in .md",
            "rename it to INC-2026-0002-x.md",
        ),
        (
            "incidents/_INC-2026-0002-x.md",
            "the leading '_' hides it",
            "rename it to INC-2026-0002-x.md",
        ),
        (
            "incidents/.INC-2026-0002-x.md",
            "the leading '.' hides it",
            "rename it to INC-2026-0002-x.md",
        ),
        ("incidents/INC-2026-0002-x.txt", "is not a record", "move it out of the record folder"),
        (
            "incidents/drafts/_old/INC-2026-0002-x.md",
            "sits in the folder '_old'",
            "move it out of '_old/'",
        ),
        (
            "postmortems/PM-2026-0001-x.Md",
            "only files ending in .md",
            "rename it to PM-2026-0001-x.md",
        ),
        ("evals/regression/case.YAML", "cases are .yaml/.yml", "rename it to case.yaml"),
        ("evals/regression/_case.yaml", "the leading '_' hides it", "rename it to case.yaml"),
        ("evals/regression/case.json", "neither an eval case", "move it out of the evals folder"),
    ],
)
def test_stray_files_are_findings_with_the_fix(
    make_repo: Callable[..., Path], run_cli: RunCli, rel: str, says: str, fix: str
) -> None:
    root = make_repo({rel: incident_text(id="INC-2026-0002", severity="S1")})
    found = lint_json(run_cli, root)
    finding = next(f for f in found if f["rule"] == "stray-file")
    assert finding["path"] == rel
    assert says in str(finding["message"])
    assert fix in str(finding["hint"])


def test_allowed_non_records_are_left_alone(
    make_repo: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_repo(
        {
            "incidents/README.md": "# Incidents\n",
            "incidents/.gitkeep": "",
            "postmortems/index.md": "# Post-mortems\n",
            "evals/README.md": "# Evals\n",
            "evals/regression/conftest.py": "import pytest\n",
            "evals/regression/helpers.py": "X = 1\n",
            "evals/pytest.ini": "[pytest]\n",
        }
    )
    (root / "evals" / "regression" / "__pycache__").mkdir()
    (root / "evals" / "regression" / "__pycache__" / "helpers.cpython-311.pyc").write_bytes(b"\0")
    assert lint_json(run_cli, root, expect=0) == []


def test_a_fifo_in_a_record_folder_is_a_finding_and_never_opened(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    for rel in (
        "incidents/INC-2026-0009-pipe.md",
        "evals/regression/pipe.yaml",
        "evals/regression/test_pipe.py",
        "incidents/notes.fifo",
    ):
        os.mkfifo(root / rel)
    # a real process with a deadline: a FIFO opened for reading would block it forever
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from incidentkit.cli import main; main()",
            "-C",
            str(root),
            "lint",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "INCIDENTKIT_NOW": "2026-11-26T12:00:00+00:00"},
    )
    assert done.returncode == 1, done.stderr
    found = json.loads(done.stdout)
    found = found["findings"] if isinstance(found, dict) else found
    messages = {f["path"]: f["message"] for f in found if f["rule"] == "stray-file"}
    assert messages == dict.fromkeys(
        (
            "incidents/INC-2026-0009-pipe.md",
            "evals/regression/pipe.yaml",
            "evals/regression/test_pipe.py",
            "incidents/notes.fifo",
        ),
        "a FIFO (named pipe), not a regular file; it is never read",
    )


def test_a_socket_and_symlink_loops_are_findings(
    make_repo: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_repo()
    loop = root / "incidents" / "INC-2026-0003-loop.md"
    loop.symlink_to(loop.name)
    (root / "incidents" / "a.md").symlink_to("b.md")
    (root / "incidents" / "b.md").symlink_to("a.md")
    short = Path("/tmp") / f"ik-{os.getpid()}.sock"  # AF_UNIX paths are short
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(short))
        (root / "evals" / "regression" / "sock.yaml").symlink_to(short)
        found = strays(lint_json(run_cli, root))
    finally:
        server.close()
        short.unlink()
    assert found["incidents/INC-2026-0003-loop.md"].startswith("a symlink loop")
    assert found["incidents/a.md"].startswith("a symlink loop")
    assert "outside the repository" in str(found["evals/regression/sock.yaml"])


def test_symlinked_folder_is_a_finding(make_repo: Callable[..., Path], run_cli: RunCli) -> None:
    root = make_repo()
    (root / "archive").mkdir()
    (root / "archive" / "INC-2026-0004-old.md").write_text(
        incident_text(id="INC-2026-0004"), encoding="utf-8"
    )
    (root / "incidents" / "archive").symlink_to(root / "archive")
    assert "a symlinked folder" in str(strays(lint_json(run_cli, root))["incidents/archive"])


def test_new_takes_ids_filed_in_nested_folders_into_account(
    make_repo: Callable[..., Path], run_cli: RunCli
) -> None:
    root = make_repo({"incidents/2026/INC-2026-0007-nested.md": incident_text(id="INC-2026-0007")})
    made = run_cli(
        "-C",
        root,
        "new",
        "incident",
        "--title",
        "Another one",
        "--severity",
        "S3",
        "--failure-mode",
        "tool-misuse",
        "--detection",
        "user-report",
        "--agent",
        "a",
        "--started-at",
        "2026-03-01T08:00:00Z",
        "--detected-at",
        "2026-03-02T08:00:00Z",
    )
    assert "INC-2026-0008" in made.stdout
