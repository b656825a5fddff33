"""Hard limits on what an output path may be, whatever the flags.

Every command that writes a file the user names (`-o`, `--output`,
`--site-dir`) asks here first. A file output must be a regular file, or
not exist yet: a named pipe, a device or a socket is never opened, replaced
or deleted (as root, `-o /dev/null --force` would otherwise swap the device
for a file). A folder that a build empties must be one that holds nothing a
user could not get back: never one that holds a `.git` (at any depth, or a
bare repository), nothing inside a `.git`, never the home folder, `/`, or an
ancestor of the working directory. `--force` lifts none of these limits; it
only lets an unrelated folder be replaced, and the caller says what it
deleted (`describe_contents`).

This module only inspects paths; it never writes, and imports nothing above it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import stat
from pathlib import Path

from incidentkit.errors import WriteRefused

# More entries than this are summarised as "and N more".
_SHOWN = 5
# Where the process was started, before `-C DIR` moved it: protected like the current one.
_STARTED_IN: set[Path] = set()


def remember_working_directory() -> None:
    """Record the working directory before a `-C DIR` changes it (see `never_empty`)."""
    with contextlib.suppress(OSError):  # the folder was deleted under us
        _STARTED_IN.add(Path.cwd().resolve())


def kind_of(path: Path) -> str | None:
    """What `path` is, in words, when it is not a regular file or folder; None otherwise.

    Follows symlinks (a link to /dev/null is as bad as /dev/null); a dangling
    link is fine: writing replaces the link, never its missing target.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        # missing, or unusable (a symlink loop, a path through a file): the write
        # itself then fails with the system's own message
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_output_file(path: Path) -> None:
    """Refuse an output file path that exists and is not a regular file (folders included)."""
    odd = kind_of(path)
    if odd is not None:
        raise WriteRefused(
            f"{path} is {odd}; incidentkit writes only regular files and never replaces "
            "anything else: give the path of a new or regular file"
        )
    if path.is_dir():
        raise WriteRefused(f"{path} is a folder; give a file name")


def check_output_folder(path: Path) -> None:
    """Refuse an output folder path that exists and is not a folder."""
    odd = kind_of(path)
    if odd is not None:
        raise WriteRefused(
            f"{path} is {odd}; incidentkit writes this output as a folder and never "
            "replaces anything else: give the path of a new folder"
        )
    if path.exists() and not path.is_dir():
        raise WriteRefused(f"{path} is a file, not a folder; give the path of a new folder")


def homes() -> set[Path]:
    """The user's home folder: $HOME and the account's home (they can differ)."""
    found = {Path.home()}
    with contextlib.suppress(KeyError, OSError):  # no passwd entry (some containers)
        found.add(Path(pwd.getpwuid(os.getuid()).pw_dir))
    return {h.resolve() for h in found if str(h) not in ("", "/")}


def never_empty(folder: Path) -> str | None:
    """Why emptying `folder` could destroy what a user cannot get back, or None.

    Checked on the resolved path, so a symlink to the home folder is the home
    folder. `--force` never overrides this.
    """
    target = folder.resolve()
    if target == Path(target.anchor):
        return f"{target} is the root of the file system"
    for home in homes():
        if target == home:
            return f"{target} is the home folder"
        if home.is_relative_to(target):
            return f"{target} contains the home folder {home}"
    for cwd in _working_directories():
        if cwd.is_relative_to(target):
            what = "is" if cwd == target else "contains"
            return f"{target} {what} the working directory {cwd}"
    if ".git" in target.parts:
        return f"{target} lies inside a git repository's .git folder"
    repository = _git_inside(target)
    if repository is not None:
        return f"{target} holds a git repository ({repository})"
    return None


def _working_directories() -> set[Path]:
    try:
        return {Path.cwd().resolve(), *_STARTED_IN}
    except OSError:
        return set(_STARTED_IN)


def _git_inside(folder: Path) -> Path | None:
    """The first `.git` (or bare repository) at any depth under `folder`; symlinks not followed."""
    if not folder.is_dir():
        return None
    for current, dirs, files in os.walk(folder, onerror=_ignore):
        here = Path(current)
        if ".git" in dirs or ".git" in files:
            return here / ".git"
        if "HEAD" in files and "objects" in dirs and "refs" in dirs:
            return here  # a bare repository
    return None


def _ignore(_error: OSError) -> None:
    # An unreadable subfolder: os.walk skips it; a build could not delete it either.
    return None


def describe_contents(folder: Path) -> str:
    """The entries of `folder`, summarised for a "deleted ..." message."""
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError:
        return "its contents"
    if not names:
        return "nothing (it was empty)"
    shown = ", ".join(names[:_SHOWN])
    more = f" and {len(names) - _SHOWN} more" if len(names) > _SHOWN else ""
    return f"{len(names)} entr{'y' if len(names) == 1 else 'ies'} ({shown}{more})"


def resolve_inside(path: Path, boundary: Path) -> Path:
    """`path` with its symlinks resolved, refused when that leaves `boundary` or is no file.

    A command that rewrites files in place (redact --write) writes to the
    resolved path, so a symlink inside the repository stays a symlink, and
    a link out of the repository is never followed, for reading or writing.
    """
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        raise WriteRefused(f"{path}: cannot follow it ({exc})") from None
    root = boundary.resolve()
    if not resolved.is_relative_to(root):
        raise WriteRefused(
            f"{path} leads to {resolved}, outside the repository {root}; not following it "
            "(redact the file where it lives)"
        )
    odd = kind_of(resolved)
    if odd is not None:
        raise WriteRefused(f"{path} is {odd}, not a regular file; not reading it")
    return resolved
