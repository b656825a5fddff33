"""Atomic file writes: a temporary file in the same folder, then a rename.

Either the old content or the new one is on disk, never half of each; and a
file that must not be clobbered is created with link(), which fails when the
target exists, so a racing writer is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from incidentkit.errors import WriteRefused


def atomic_write_text(path: Path, text: str, *, overwrite: bool) -> None:
    """Write `text` to `path` atomically; refuse when it exists and not `overwrite`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_file():
        raise WriteRefused(f"{path} exists and is not a file")
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
        if overwrite:
            tmp.replace(path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise WriteRefused(f"{path} already exists; not overwriting it") from None
    finally:
        tmp.unlink(missing_ok=True)
