"""Named pipes, devices, sockets and symlink loops named like records: findings, never a hang.

Each command runs in its own process with a timeout, so a regression shows
as a failure instead of a suite that never ends. Everything lives in the
test's temporary folder; the character device is a symlink to /dev/zero (or,
as root, a device node made in the folder), which only a broken reader would
read, and reading it changes nothing.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

MakeRepo = Callable[..., Path]
INC = "incidents/INC-2026-0002-special.md"
CASE = "evals/regression/special.yaml"
SECONDS = 90


def incidentkit(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process; a hang fails the test after SECONDS."""
    env = {**os.environ, "INCIDENTKIT_NOW": "2026-11-26T12:00:00+00:00", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from incidentkit.cli import main; main()", "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        env=env,
        check=False,
    )


@pytest.fixture(params=["fifo", "socket", "char-device", "self-loop", "loop-pair", "dir-loop"])
def special(request: pytest.FixtureRequest, make_repo: MakeRepo) -> Iterator[tuple[Path, str]]:
    root = make_repo()
    kind = request.param
    servers: list[socket.socket] = []
    for rel in (INC, CASE):
        path = root / rel
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "socket":
            sock = socket.socket(socket.AF_UNIX)
            try:
                sock.bind(str(path))
            except OSError as exc:  # a path longer than a socket address allows
                sock.close()
                pytest.skip(f"cannot bind a socket here: {exc}")
            servers.append(sock)
        elif kind == "char-device":
            if os.geteuid() == 0:
                try:
                    os.mknod(path, 0o444 | stat.S_IFCHR, os.makedev(1, 5))
                    continue
                except OSError:
                    pass
            path.symlink_to("/dev/zero")
        elif kind == "self-loop":
            path.symlink_to(path.name)
        elif kind == "loop-pair":
            other = path.with_name("other-" + path.name)
            path.symlink_to(other.name)
            other.symlink_to(path.name)
        else:
            path.parent.joinpath("loop").symlink_to(".", target_is_directory=True)
            break
    yield root, kind
    for server in servers:
        server.close()


def test_every_read_only_command_finishes_with_a_finding(
    special: tuple[Path, str], tmp_path: Path
) -> None:
    root, kind = special
    lint = incidentkit(root, "lint", "--format", "json")
    assert lint.returncode in (0, 1), lint.stderr
    found = json.loads(lint.stdout)["findings"]
    if kind != "dir-loop":
        paths = {f["path"] for f in found}
        assert INC in paths and CASE in paths, found
    else:
        assert lint.returncode in (0, 1)
    for args in (
        ["coverage"],
        ["stats"],
        ["review", "--quarter", "2026Q1"],
        ["export", "--format", "json", "-o", str(tmp_path / "out.json")],
        ["export", "--format", "sqlite", "-o", str(tmp_path / "out.sqlite")],
        ["redact", "incidents", "evals"],
    ):
        done = incidentkit(root, *args)
        assert done.returncode in (0, 1, 2), (args, done.stderr)
        assert "internal error" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    if kind == "fifo":
        assert stat.S_ISFIFO((root / INC).lstat().st_mode)  # never replaced or removed


@pytest.mark.parametrize("kind", ["self-loop", "fifo"])
def test_the_site_build_reports_it_without_a_traceback(
    make_repo: MakeRepo, tmp_path: Path, kind: str
) -> None:
    root = make_repo()
    path = root / INC
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(path.name)
    strict = incidentkit(root, "build", "--site-dir", str(tmp_path / "site"))
    assert strict.returncode == 1, strict.stderr  # strict: the finding fails the build
    assert "Traceback" not in strict.stderr and "internal error" not in strict.stderr
    loose = incidentkit(root, "build", "--no-strict", "--site-dir", str(tmp_path / "site"))
    assert loose.returncode == 0, loose.stderr
    assert (tmp_path / "site" / "index.html").is_file()
