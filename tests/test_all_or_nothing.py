"""All-or-nothing writes: init checks every target first; an interrupted write leaves nothing read.

`init` into a folder where a target cannot be written (a `.github` that is a
file, a dangling template symlink, a named pipe) refuses before the first
file. A write killed with SIGKILL leaves a temporary file `.<name>.<random>.tmp`:
hidden, so lint, exports and the site never read it, and removed by the next
write into that folder once it is an hour old.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import RunCli, write

MakeRepo = Callable[..., Path]


def listing(folder: Path) -> dict[str, str]:
    """Every entry under `folder` (not following symlinks) and what it is."""
    out = {}
    for path in sorted(folder.rglob("*")):
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        out[path.relative_to(folder).as_posix()] = kind
    return out


# --- init checks every target before the first write -------------------------------------


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda root: write(root, ".github", "not a folder\n"), ".github is a file, not a folder"),
        (
            lambda root: (
                (root / "templates").mkdir()
                or (root / "templates" / "eval.yaml").symlink_to(root / "nowhere.yaml")
            ),
            "templates/eval.yaml is a dangling symlink",
        ),
        (
            lambda root: (root / "docs").symlink_to(root / "no-such-folder"),
            "docs is a dangling symlink, not a folder",
        ),
        (lambda root: os.mkfifo(root / "mkdocs.yml"), "mkdocs.yml is a named pipe"),
        (lambda root: os.mkfifo(root / "pyproject.toml"), "pyproject.toml is a named pipe"),
        (lambda root: (root / "README.md").mkdir(), "README.md is a folder"),
    ],
    ids=["github-file", "dangling-template", "dangling-folder", "fifo", "fifo-pyproject", "dir"],
)
def test_init_writes_nothing_when_any_target_cannot_be_written(
    run_cli: RunCli, tmp_path: Path, prepare: Callable[[Path], object], reason: str
) -> None:
    root = tmp_path / "team"
    root.mkdir()
    prepare(root)
    before = listing(root)
    result = run_cli("init", root, expect=1)  # a FIFO would hang init if it were opened
    assert reason in result.stderr and "Nothing was written" in result.stderr
    assert listing(root) == before


def test_init_refused_into_a_new_folder_leaves_no_folder(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incidentkit.layout

    root = tmp_path / "brand-new"
    monkeypatch.setattr(incidentkit.layout, "_blocked", lambda root, rel: "a test refusal")
    run_cli("init", root, expect=1)
    assert not root.exists()


def test_a_write_failing_half_way_removes_what_init_created(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk on the tenth file: the nine before it go again, and their new folders."""
    import incidentkit.layout

    real = incidentkit.layout.atomic_write_text
    calls = []

    def disk_full_on_the_tenth(path: Path, text: str, *, overwrite: bool) -> None:
        calls.append(path)
        if len(calls) == 10:
            raise OSError(28, "No space left on device", str(path))
        real(path, text, overwrite=overwrite)

    monkeypatch.setattr(incidentkit.layout, "atomic_write_text", disk_full_on_the_tenth)
    root = tmp_path / "team"
    write(root, "notes.txt", "mine\n")
    result = run_cli("init", root, expect=2)
    assert "No space left" in result.stderr
    assert listing(root) == {"notes.txt": "file"}


# --- interrupted writes -------------------------------------------------------------------

# A real write, killed with SIGKILL while its temporary file is on disk (fsync blocks).
_KILLED_WRITER = """
import os, sys, time
from pathlib import Path
from incidentkit.atomic import atomic_write_text
os.fsync = lambda fd: (print("writing", flush=True), time.sleep(120))
atomic_write_text(Path(sys.argv[1]), Path(sys.argv[1]).read_text() + "# changed\\n", overwrite=True)
"""


def kill_during_write(path: Path) -> list[Path]:
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert path.read_bytes() == before  # the record itself is untouched
    return [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.")]


def test_a_killed_write_leaves_a_hidden_temporary_file_nothing_reads(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_repo()
    case = root / "evals" / "regression" / "refund-window.yaml"
    incident = next((root / "incidents").glob("INC-*.md"))
    leftovers = kill_during_write(case) + kill_during_write(incident)
    assert len(leftovers) == 2 and all(p.name.endswith(".tmp") for p in leftovers)
    result = run_cli("-C", root, "lint", "--format", "json")
    assert '"findings": []' in result.stdout
    out = tmp_path / "export.json"
    run_cli("-C", root, "export", "--format", "json", "-o", out)
    assert ".tmp" not in out.read_text(encoding="utf-8")
    run_cli("-C", root, "stats")


def test_the_next_write_removes_stale_temporary_files_only(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    """Older than an hour: left by a killed writer. Younger ones may belong to a live one."""
    root = make_repo()
    incident = next((root / "incidents").glob("INC-*.md"))
    stale = kill_during_write(incident)[0]
    an_hour_ago = time.time() - 3700
    os.utime(stale, (an_hour_ago, an_hour_ago))
    fresh = write(root, f"incidents/.{incident.name}.abcd1234.tmp", "a writer still running\n")
    unrelated = write(root, "incidents/.notes.tmp", "not ours\n")  # no random part
    os.utime(unrelated, (an_hour_ago, an_hour_ago))
    run_cli(
        "-C", root, "new", "incident", "--title", "Next", "--severity", "S3",
        "--failure-mode", "tool-misuse", "--detection", "user-report", "--agent", "a",
        "--started-at", "2026-03-01T08:00:00Z", "--detected-at", "2026-03-02T10:00:00Z",
    )  # fmt: skip
    assert not stale.exists()
    assert fresh.exists() and unrelated.exists()
