"""Every file in the record folders: a record, a Python test module, or a `stray-file` finding.

Records are found recursively (teams file incidents by year:
`incidents/2026/INC-...md`). A file that would silently not be read, a
`.MD`, `.markdown`, `_INC-...md`, an unknown suffix, a file in a hidden
folder, is a finding with the fix, never skipped in silence. `README.md` and
`index.md` may sit at the top of a folder; dotfiles that do not look like
records (`.gitkeep`) are left alone.

Nothing here opens a file: entries are judged by their directory entry's
type and `lstat`/`stat`, so a FIFO, a device or a socket in a record folder
is a finding and is never read (a FIFO must not hang lint), and a symlink
loop is a finding, not an error. A
git submodule (a folder holding `.git`, as checked out or as the gate lays a
commit out) is a finding too: its files are another repository's.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from incidentkit.config import Config
from incidentkit.findings import Finding, Level
from incidentkit.records.document import Kind

STRAY_FILE = "stray-file"
_FOLDER_NOTES = {"readme.md", "index.md"}
_MARKDOWN = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")
_YAML = (".yaml", ".yml")
_PYTEST_CONFIG = {"pytest.toml", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml"}
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@dataclass
class FolderScan:
    """What the walk found, in a stable order.

    Kept as paths relative to the root (forward slashes): a warm lint answers
    every file from the cache by that name and never needs a `Path` of it.
    """

    root: Path
    record_names: list[str] = field(default_factory=list)
    record_kinds: list[Kind] = field(default_factory=list)
    python_names: list[str] = field(default_factory=list)
    strays: list[Finding] = field(default_factory=list)

    @cached_property
    def records(self) -> list[tuple[Path, Kind]]:
        root = self.root
        return [(root / n, k) for n, k in zip(self.record_names, self.record_kinds, strict=True)]

    @cached_property
    def python(self) -> list[Path]:
        return [self.root / n for n in self.python_names]

    def add_record(self, rel: str, kind: Kind) -> None:
        self.record_names.append(rel)
        self.record_kinds.append(kind)


@dataclass(frozen=True)
class _Walk:
    """What every entry of one folder walk shares."""

    root: Path
    real_root: str
    kind: Kind
    scan: FolderScan


def scan_folders(config: Config) -> FolderScan:
    """Walk the incident, post-mortem and eval folders once, in a stable order."""
    scan = FolderScan(config.root)
    root = config.root
    real_root = os.path.realpath(root)
    for folder, kind in (
        (config.incidents_dir, "incident"),
        (config.postmortems_dir, "postmortem"),
        (config.evals_dir, "eval"),
    ):
        top = root / folder
        if top.is_dir() and not top.is_symlink() and os.path.lexists(top / ".git"):
            scan.strays.append(_submodule(_relative(root, top)))
        elif top.is_dir() and not top.is_symlink():
            walk = _Walk(root, real_root, kind, scan)  # type: ignore[arg-type]
            _walk(walk, str(top), _relative(root, top), "")
    return scan


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _walk(walk: _Walk, here: str, from_root: str, from_top: str) -> None:
    """One folder, top-down like `os.walk`: its folders, its files, then each folder.

    Plain strings and `DirEntry` types (no `stat` for a regular file): a walk
    runs on every lint, over tens of thousands of files.
    """
    try:
        with os.scandir(here) as listing:
            entries = list(listing)
    except OSError:
        return  # unreadable, or gone since its parent was listed (os.walk skips it too)
    folders: list[os.DirEntry[str]] = []
    files: list[os.DirEntry[str]] = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()  # follows a symlink, as os.walk does
        except OSError:
            is_folder = False
        (folders if is_folder else files).append(entry)
    folders.sort(key=lambda e: e.name)
    files.sort(key=lambda e: e.name)
    descend = []
    kind, scan = walk.kind, walk.scan
    for entry in folders:
        name = entry.name
        rel = f"{from_root}/{name}"
        symlink = entry.is_symlink()
        if name == "__pycache__" and kind == "eval":
            continue
        if not symlink and os.path.lexists(f"{entry.path}/.git"):
            # another repository's files: not this one's history
            scan.strays.append(_submodule(rel))
        elif name.endswith(".yaml" if kind == "eval" else ".md") and not symlink:
            # read as a record, it is reported as a folder named like one
            scan.add_record(rel, kind)
        elif symlink:  # os.walk would not descend; say so rather than skip
            scan.strays.append(
                _stray(
                    rel,
                    "a symlinked folder: its files are not read as records",
                    "move the records into this folder instead of linking a folder",
                )
            )
        else:
            descend.append(name)
    prefix = f"{from_top}/" if from_top else ""
    for entry in files:
        _entry(walk, entry, f"{from_root}/{entry.name}", prefix + entry.name)
    for name in descend:
        _walk(walk, f"{here}/{name}", f"{from_root}/{name}", prefix + name)


def _entry(walk: _Walk, entry: os.DirEntry[str], rel: str, from_top: str) -> None:
    scan = walk.scan
    if entry.is_symlink():
        _symlink(walk, entry, rel, from_top)
        return
    try:
        regular = entry.is_file(follow_symlinks=False)
        mode = 0 if regular else entry.stat(follow_symlinks=False).st_mode
    except OSError:
        return  # gone since the folder was listed
    if not regular and _not_regular(mode, rel, scan):
        return
    _add(walk, rel, from_top)


def _symlink(walk: _Walk, entry: os.DirEntry[str], rel: str, from_top: str) -> None:
    scan = walk.scan
    try:
        info = entry.stat()  # follows the link
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            scan.strays.append(
                _stray(
                    rel,
                    "a symlink loop: the link points, in the end, at itself",
                    "replace the link with the file it should point at, or delete it",
                )
            )
            return
        # a broken link named like a record is read, and reported, as one
        _add(walk, rel, from_top)
        return
    target = os.path.realpath(entry.path)
    if os.path.commonpath([target, walk.real_root]) != walk.real_root:
        what = _classify(rel, from_top, walk.kind)
        if what == "record" and stat.S_ISREG(info.st_mode):
            # named like a record: read as one, and the reader reports the link
            scan.add_record(rel, walk.kind)
        elif what is not None:
            scan.strays.append(
                _stray(
                    rel,
                    "a symlink that points outside the repository",
                    "copy the file into the repository instead of linking to it",
                )
            )
        return
    if stat.S_ISDIR(info.st_mode):
        return  # reported with the folders
    if not stat.S_ISREG(info.st_mode) and _not_regular(info.st_mode, rel, scan):
        return
    _add(walk, rel, from_top)


def _not_regular(mode: int, rel: str, scan: FolderScan) -> bool:
    """A FIFO, device or socket is a finding, and never opened."""
    for test, what in _NOT_REGULAR:
        if test(mode):
            scan.strays.append(
                _stray(
                    rel,
                    f"{what}, not a regular file; it is never read",
                    "remove it from the record folder",
                )
            )
            return True
    return stat.S_ISDIR(mode)


def _add(walk: _Walk, rel: str, from_top: str) -> None:
    scan = walk.scan
    what = _classify(rel, from_top, walk.kind)
    if what == "record":
        scan.add_record(rel, walk.kind)
    elif what == "python":
        scan.python_names.append(rel)
    elif isinstance(what, Finding):
        scan.strays.append(what)


def _suffix(name: str) -> str:
    """`PurePosixPath(name).suffix`, without the object."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _classify(rel: str, from_top: str, kind: Kind) -> str | Finding | None:
    """'record', 'python', a stray-file finding, or None for a file that is fine to skip.

    `rel`: the path from the repository root; `from_top`: from the record folder.
    """
    folders, _, name = from_top.rpartition("/")
    lower = name.lower()
    hidden = (
        [p for p in folders.split("/") if p.startswith((".", "_")) and p != "__pycache__"]
        if folders
        else []
    )
    suffix = _suffix(lower)
    if name.startswith(".") and suffix not in (*_MARKDOWN, *_YAML, ".py"):
        return None  # .gitkeep, .DS_Store: not records and not meant to be
    if (not folders and lower in _FOLDER_NOTES) or (kind == "eval" and lower in _PYTEST_CONFIG):
        return None  # a folder's own README; pytest's config beside the tests
    if hidden:
        return _stray(
            rel,
            f"sits in the folder '{hidden[0]}', which nothing reads",
            f"move it out of '{hidden[0]}/' (a leading '.' or '_' hides a folder)",
        )
    if name.startswith((".", "_")) and not (kind == "eval" and suffix == ".py"):
        return _stray(
            rel,
            f"the leading '{name[0]}' hides it: it is not read as a record",
            f"rename it to {name.lstrip('._')} (keep drafts on a branch, not hidden)",
        )
    if kind == "eval":
        return _classify_eval(rel, name, suffix)
    return _classify_markdown(rel, name, suffix, kind)


def _classify_markdown(rel: str, name: str, suffix: str, kind: Kind) -> str | Finding:
    if name.endswith(".md"):
        return "record"
    if suffix in _MARKDOWN:
        return _stray(
            rel,
            f"'{name}' is not read as a{'n' if kind == 'incident' else ''} "
            f"{kind}: only files ending in .md (lower case) are records",
            f"rename it to {name[: -len(suffix)]}.md",
        )
    return _stray(
        rel,
        f"'{name}' is not a record ({kind}s are .md files)",
        "move it out of the record folder (link attachments from the record), "
        "or rename it to .md if it is a record",
    )


def _classify_eval(rel: str, name: str, suffix: str) -> str | Finding:
    if name.endswith(_YAML):
        return "record"
    if name.endswith(".py"):
        return "python"
    if suffix in (*_YAML, ".py"):
        return _stray(
            rel,
            f"'{name}' is not read: cases are .yaml/.yml and tests .py files (lower case)",
            f"rename it to {name[: -len(suffix)]}{suffix}",
        )
    return _stray(
        rel,
        f"'{name}' is neither an eval case (.yaml, .yml) nor a test module (.py)",
        "move it out of the evals folder, or rename it if it is a case",
    )


def _submodule(rel: str) -> Finding:
    return _stray(
        rel,
        "a git submodule (or a nested repository): its files are not part of this "
        "repository, so they are not read as records",
        "commit the records into this repository instead of a submodule",
    )


def _stray(rel: str, message: str, hint: str) -> Finding:
    return Finding(rel, 1, 1, STRAY_FILE, Level.ERROR, message, hint)
