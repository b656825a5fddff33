"""IDs are unique under concurrency: twenty `incidentkit new` processes at once, twenty IDs.

Real processes, started together from a barrier file, in a real git
repository (the lock lives in .git) and in a folder that is not one (the
lock lives in the temporary folder).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunCli, incident_text
from gitrepo import GitRepo

MakeRepo = Callable[..., Path]
PROCESSES = 20
INCIDENT_ARGS = [
    "new", "incident", "--title", "Parallel", "--severity", "S3",
    "--failure-mode", "tool-misuse", "--detection", "user-report", "--agent", "a",
    "--started-at", "2026-03-01T08:00:00Z", "--detected-at", "2026-03-02T10:00:00Z",
    "--slug", "parallel-{n}",  # a slug each: same-named files cannot hide a shared ID
]  # fmt: skip
# Wait for the start file, then run the CLI: all processes allocate at the same moment.
_STARTER = """
import os, sys, time
start = sys.argv[1]
while not os.path.exists(start):
    time.sleep(0.005)
from incidentkit.cli import main
sys.argv = ["incidentkit", *sys.argv[2:]]
main()
"""


def run_together(
    root: Path, args: list[str], tmp_path: Path, processes: int = PROCESSES
) -> list[subprocess.CompletedProcess[str]]:
    start = tmp_path / f"start-{time.monotonic_ns()}"
    env = {**os.environ, "INCIDENTKIT_NOW": "2026-11-26T12:00:00+00:00"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _STARTER,
                str(start),
                "-C",
                str(root),
                *(a.format(n=n) for a in args),
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(processes)
    ]
    time.sleep(1.0)  # let every interpreter reach the barrier
    start.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        results.append(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


def check_distinct(
    root: Path, folder: str, results: list[subprocess.CompletedProcess[str]]
) -> None:
    processes = len(results)
    failed = [r.stderr for r in results if r.returncode != 0]
    assert failed == [], failed
    ids = [json.loads(r.stdout)["id"] for r in results]
    assert len(set(ids)) == processes, sorted(ids)
    files = list((root / folder).iterdir())
    assert [p.name for p in files if p.name.startswith(".")] == []  # no temporary files
    created = [p for p in files if p.name.startswith(tuple(ids))]
    assert len(created) == processes  # one file per ID, none overwritten
    for file in created:
        text = file.read_text(encoding="utf-8")
        assert text.startswith("---\n") and text.count("\n---\n") >= 1, file  # whole files
        assert f"id: {file.name[: len(ids[0])]}" in text


def test_twenty_concurrent_new_incidents_get_twenty_ids(tmp_path: Path, git_env: None) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("incidents/INC-2026-0001-first.md", incident_text())
    repo.commit("first", "2026-03-04T10:00:00Z")
    results = run_together(repo.root, INCIDENT_ARGS, tmp_path)
    check_distinct(repo.root, "incidents", results)
    names = sorted(p.name for p in (repo.root / "incidents").iterdir())
    assert names[0] == "INC-2026-0001-first.md"
    assert [n[:13] for n in names] == [f"INC-2026-{n:04d}" for n in range(1, PROCESSES + 2)]
    assert (repo.root / ".git" / "incidentkit-ids.lock").exists()
    assert repo.repo.git.status("--porcelain", "--ignored").count("lock") == 0
    repo.close()


def test_twenty_concurrent_new_postmortems_get_twenty_ids(tmp_path: Path, git_env: None) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("incidents/INC-2026-0001-first.md", incident_text())
    repo.commit("first", "2026-03-04T10:00:00Z")
    args = ["new", "postmortem", "INC-2026-0001", "--author", "@asha-r", "--slug", "pm-{n}"]
    results = run_together(repo.root, args, tmp_path)
    check_distinct(repo.root, "postmortems", results)
    ids = sorted(p.name[:12] for p in (repo.root / "postmortems").iterdir())
    assert ids == [f"PM-2026-{n:04d}" for n in range(1, PROCESSES + 1)]
    repo.close()


def test_concurrent_new_outside_git_is_unique_too(make_repo: MakeRepo, tmp_path: Path) -> None:
    root = make_repo()
    results = run_together(root, INCIDENT_ARGS, tmp_path, processes=8)
    check_distinct(root, "incidents", results)
    assert not any(p.name.endswith(".lock") for p in root.rglob("*"))  # nothing in the folder


def test_a_killed_holder_does_not_block_the_next_new(make_repo: MakeRepo, run_cli: RunCli) -> None:
    """An OS lock dies with its process: no stale lock file to delete by hand."""
    from filelock import FileLock, Timeout

    from incidentkit.config import load_config
    from incidentkit.ids import lock_path

    root = make_repo()
    lock = lock_path(load_config(root))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; "
            "l = FileLock(sys.argv[1]); l.acquire(); print('held', flush=True); time.sleep(60)",
            str(lock),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(Timeout):
        FileLock(str(lock), timeout=0.2).acquire()
    holder.kill()
    holder.wait()
    holder.stdout.close()
    run_cli("-C", root, *(a.format(n=0) for a in INCIDENT_ARGS))
    assert len(list((root / "incidents").iterdir())) == 2
