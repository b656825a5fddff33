"""Publishing a finished export: a temporary file or folder renamed into place.

A reader sees the old export or the new one, never half of one. Without
`overwrite`, an existing output is never touched; with it, a folder is only
replaced when it holds nothing but files an export writes, so `--force` on a
wrong path cannot delete someone's work; and whatever the flags, an output is
never a named pipe, a device or a socket, nor a folder `output_guard`
protects (see there).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from incidentkit.errors import WriteRefused
from incidentkit.output_guard import check_output_file, check_output_folder, never_empty


def utf8_text(text: str) -> str:
    """`text` as valid UTF-8: undecodable bytes of a file name shown as `\\xff`, like git.

    A file name that is not UTF-8 reaches Python as lone surrogates, which
    no UTF-8 writer (SQLite, CSV, JSON) accepts; a `\\ud800` escape in a YAML
    string gives one too. Both become backslash escapes; other text is unchanged.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def refuse_existing(path: Path, overwrite: bool, *, folder: bool = False) -> None:
    """Fail early, before any work, when `path` exists and may not be replaced."""
    if folder:
        check_output_folder(path)
    else:
        check_output_file(path)
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise WriteRefused(f"{path} already exists; pass --force to replace it")


def temp_path(path: Path, folder: bool = False) -> Path:
    """A fresh temporary file or folder next to `path` (same file system, so rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if folder:
        return Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def publish_file(tmp: Path, path: Path, overwrite: bool) -> None:
    """Move a finished temporary file to `path`."""
    try:
        check_output_file(path)  # again: it may have changed while the export was built
        tmp.chmod(0o644)
        if overwrite:
            tmp.replace(path)
            return
        try:
            os.link(tmp, path)  # fails if a racing writer created it meanwhile
        except FileExistsError:
            raise WriteRefused(f"{path} already exists; pass --force to replace it") from None
    finally:
        tmp.unlink(missing_ok=True)


def publish_folder(tmp: Path, path: Path, overwrite: bool, suffix: str) -> None:
    """Move a finished temporary folder to `path`, replacing an earlier export if allowed."""
    try:
        if path.exists() or path.is_symlink():
            if not overwrite:
                raise WriteRefused(f"{path} already exists; pass --force to replace it")
            check_output_folder(path)
            if not path.is_dir() or path.is_symlink():
                raise WriteRefused(f"{path} is not a folder; not replacing it with one")
            guarded = never_empty(path)
            if guarded is not None:
                raise WriteRefused(f"not replacing {path}: {guarded}; choose another --output")
            foreign = [p.name for p in path.iterdir() if not (p.is_file() and p.suffix == suffix)]
            if foreign:
                raise WriteRefused(
                    f"{path} holds more than {suffix} files ({', '.join(sorted(foreign)[:3])}); "
                    "not replacing it: choose another --output"
                )
            old = path.with_name(f".{path.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            path.rename(old)
            tmp.rename(path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(path)
        path.chmod(0o755)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
