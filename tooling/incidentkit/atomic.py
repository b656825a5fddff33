"""Atomic file writes: a temporary file in the same folder, then a rename.

Either the old content or the new one is on disk, never half of each; and a
file that must not be clobbered is created with link(), which fails when the
target exists, so a racing writer is never overwritten.

A write killed half-way (`kill -9`, a power cut) can leave its temporary file
behind. Temporary files are named `.<name>.<random>.tmp`: hidden and not
ending in a record suffix, so no record walk (lint, the site, exports) reads
them; the next write of the same file removes the ones older than an hour
(younger ones may belong to a writer still running).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from incidentkit.errors import WriteRefused
from incidentkit.output_guard import check_output_file

TEMP_SUFFIX = ".tmp"
STALE_AFTER_SECONDS = 3600.0
# `.<name>.<8 random characters from tempfile>.tmp`
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_cleaned: set[str] = set()


def temp_prefix(path: Path) -> str:
    """The start of every temporary file name written on the way to `path`."""
    return f".{path.name}."


def is_temp_name(name: str) -> bool:
    """True for the name of a temporary file an atomic write creates (or left behind)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def atomic_write_text(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` to `path` atomically; refuse when it exists and not `overwrite`.

    Never writes onto anything but a regular file: a FIFO, device or socket
    at `path` is refused, not replaced.
    """
    check_output_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path), suffix=TEMP_SUFFIX)
    tmp = Path(name)
    try:
        # backslashreplace: a file name that is not UTF-8 (lone surrogates in `text`)
        # is written as `\udcff`, where strict UTF-8 would fail the whole write
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        if overwrite:
            check_output_file(path)  # again, just before the rename
            tmp.replace(path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise WriteRefused(f"{path} already exists; not overwriting it") from None
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temps(folder: Path, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete temporary files that interrupted writes left in `folder`; returns them.

    Looks at each folder once per process: a command that writes many files
    into one folder (verify --write) lists it once, not once per file.
    """
    key = str(folder.absolute())
    if key in _cleaned:
        return []
    _cleaned.add(key)
    cutoff = time.time() - older_than
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _TEMP_NAME.match(entry.name):
            continue
        try:
            if (
                entry.is_file(follow_symlinks=False)
                and entry.stat(follow_symlinks=False).st_mtime < cutoff
            ):
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to delete
    return removed
