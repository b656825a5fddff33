"""Every file in the record folders: a record, a Python test module, or a `stray-file` finding.

Records are found recursively (teams file incidents by year:
`incidents/2026/INC-...md`). A file that would silently not be read, a
`.MD`, `.markdown`, `_INC-...md`, an unknown suffix, a file in a hidden
folder, is a finding with the fix, never skipped in silence. `README.md` and
`index.md` may sit at the top of a folder; dotfiles that do not look like
records (`.gitkeep`) are left alone.

Nothing here opens a file: entries are judged by `lstat`/`stat`, so a FIFO,
a device or a socket in a record folder is a finding and is never read (a
FIFO must not hang lint), and a symlink loop is a finding, not an error. A
git submodule (a folder holding `.git`, as checked out or as the gate lays a
commit out) is a finding too: its files are another repository's.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

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
    records: list[tuple[Path, Kind]] = field(default_factory=list)
    python: list[Path] = field(default_factory=list)
    strays: list[Finding] = field(default_factory=list)


def scan_folders(config: Config) -> FolderScan:
    """Walk the incident, post-mortem and eval folders once, in a stable order."""
    scan = FolderScan()
    root = config.root
    for folder, kind in (
        (config.incidents_dir, "incident"),
        (config.postmortems_dir, "postmortem"),
        (config.evals_dir, "eval"),
    ):
        top = root / folder
        if top.is_dir() and not top.is_symlink() and os.path.lexists(top / ".git"):
            scan.strays.append(_submodule(root, top))
        elif top.is_dir() and not top.is_symlink():
            _walk(root, top, kind, scan)  # type: ignore[arg-type]
    return scan


def _walk(root: Path, top: Path, kind: Kind, scan: FolderScan) -> None:
    real_root = os.path.realpath(root)
    for current, dirs, files in os.walk(top, followlinks=False):
        here = Path(current)
        dirs.sort()
        for name in list(dirs):
            path = here / name
            if name == "__pycache__" and kind == "eval":
                dirs.remove(name)
            elif os.path.lexists(path / ".git") and not path.is_symlink():
                dirs.remove(name)  # another repository's files: not this one's history
                scan.strays.append(_submodule(root, path))
            elif name.endswith(".yaml" if kind == "eval" else ".md") and not path.is_symlink():
                dirs.remove(name)  # read as a record, it is reported as a folder named like one
                scan.records.append((path, kind))
            elif path.is_symlink():
                dirs.remove(name)  # os.walk would not descend; say so rather than skip
                scan.strays.append(
                    _stray(
                        root,
                        path,
                        "a symlinked folder: its files are not read as records",
                        "move the records into this folder instead of linking a folder",
                    )
                )
        for name in sorted(files):
            _entry(root, real_root, top, here / name, kind, scan)


def _entry(root: Path, real_root: str, top: Path, path: Path, kind: Kind, scan: FolderScan) -> None:
    try:
        info: os.stat_result | None = path.lstat()
    except OSError:
        return  # gone since the folder was listed
    if info is not None and stat.S_ISLNK(info.st_mode):
        try:
            info = path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                scan.strays.append(
                    _stray(
                        root,
                        path,
                        "a symlink loop: the link points, in the end, at itself",
                        "replace the link with the file it should point at, or delete it",
                    )
                )
                return
            # a broken link named like a record is read, and reported, as one
            info = None
        else:
            target = os.path.realpath(path)
            if os.path.commonpath([target, real_root]) != real_root:
                what = _classify(root, top, path, kind)
                if what == "record" and stat.S_ISREG(info.st_mode):
                    # named like a record: read as one, and the reader reports the link
                    scan.records.append((path, kind))
                elif what is not None:
                    scan.strays.append(
                        _stray(
                            root,
                            path,
                            "a symlink that points outside the repository",
                            "copy the file into the repository instead of linking to it",
                        )
                    )
                return
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            return  # reached only through a symlink, reported above
        for test, what in _NOT_REGULAR:
            if test(info.st_mode):
                scan.strays.append(
                    _stray(
                        root,
                        path,
                        f"{what}, not a regular file; it is never read",
                        "remove it from the record folder",
                    )
                )
                return
    what = _classify(root, top, path, kind)
    if what == "record":
        scan.records.append((path, kind))
    elif what == "python":
        scan.python.append(path)
    elif isinstance(what, Finding):
        scan.strays.append(what)


def _classify(root: Path, top: Path, path: Path, kind: Kind) -> str | Finding | None:
    """'record', 'python', a stray-file finding, or None for a file that is fine to skip."""
    rel = PurePosixPath(path.relative_to(top).as_posix())
    name = rel.name
    lower = name.lower()
    hidden = [p for p in rel.parts[:-1] if p.startswith((".", "_")) and p != "__pycache__"]
    suffix = PurePosixPath(lower).suffix
    if name.startswith(".") and suffix not in (*_MARKDOWN, *_YAML, ".py"):
        return None  # .gitkeep, .DS_Store: not records and not meant to be
    if (len(rel.parts) == 1 and lower in _FOLDER_NOTES) or (
        kind == "eval" and lower in _PYTEST_CONFIG
    ):
        return None  # a folder's own README; pytest's config beside the tests
    if hidden:
        return _stray(
            root,
            path,
            f"sits in the folder '{hidden[0]}', which nothing reads",
            f"move it out of '{hidden[0]}/' (a leading '.' or '_' hides a folder)",
        )
    if name.startswith((".", "_")) and not (kind == "eval" and suffix == ".py"):
        return _stray(
            root,
            path,
            f"the leading '{name[0]}' hides it: it is not read as a record",
            f"rename it to {name.lstrip('._')} (keep drafts on a branch, not hidden)",
        )
    if kind == "eval":
        return _classify_eval(root, path, name, suffix)
    return _classify_markdown(root, path, name, suffix, kind)


def _classify_markdown(root: Path, path: Path, name: str, suffix: str, kind: Kind) -> str | Finding:
    if name.endswith(".md"):
        return "record"
    if suffix in _MARKDOWN:
        return _stray(
            root,
            path,
            f"'{name}' is not read as a{'n' if kind == 'incident' else ''} "
            f"{kind}: only files ending in .md (lower case) are records",
            f"rename it to {name[: -len(suffix)]}.md",
        )
    return _stray(
        root,
        path,
        f"'{name}' is not a record ({kind}s are .md files)",
        "move it out of the record folder (link attachments from the record), "
        "or rename it to .md if it is a record",
    )


def _classify_eval(root: Path, path: Path, name: str, suffix: str) -> str | Finding:
    if name.endswith(_YAML):
        return "record"
    if name.endswith(".py"):
        return "python"
    if suffix in (*_YAML, ".py"):
        return _stray(
            root,
            path,
            f"'{name}' is not read: cases are .yaml/.yml and tests .py files (lower case)",
            f"rename it to {name[: -len(suffix)]}{suffix}",
        )
    return _stray(
        root,
        path,
        f"'{name}' is neither an eval case (.yaml, .yml) nor a test module (.py)",
        "move it out of the evals folder, or rename it if it is a case",
    )


def _submodule(root: Path, path: Path) -> Finding:
    return _stray(
        root,
        path,
        "a git submodule (or a nested repository): its files are not part of this "
        "repository, so they are not read as records",
        "commit the records into this repository instead of a submodule",
    )


def _stray(root: Path, path: Path, message: str, hint: str) -> Finding:
    rel = path.relative_to(root).as_posix()
    return Finding(rel, 1, 1, STRAY_FILE, Level.ERROR, message, hint)
