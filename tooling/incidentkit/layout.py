"""`init`: laying out a new incident repository from the installed package.

Everything comes from the package, never from a hand-kept copy: the schemas
and templates from `resources.data_dir`, the rest from `scaffold/` (a
`dot-` prefix there stands for a leading dot, so no packaging tool drops the
file; a `.tmpl` suffix means the file is a `string.Template` filled with the
pinned requirement). `pyproject.toml` is merged: its other tables are never
touched; a team's `.gitignore` gains only the patterns it lacks, and a team's
own CODEOWNERS keeps the place of the commented example. Nothing is
overwritten unless the caller names the file; a conflict writes nothing at
all. Making the git repository is `git/init.py`'s, after the files are down.
"""

from __future__ import annotations

import contextlib
import json
import re
import string
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from incidentkit import __version__
from incidentkit.atomic import atomic_write_text
from incidentkit.config import TIERS
from incidentkit.errors import ConfigError, UsageError, WriteRefused
from incidentkit.output_guard import kind_of
from incidentkit.resources import data_dir, scaffold_dir

PYPROJECT = "pyproject.toml"
SOURCE_REPOSITORY = "https://github.com/incidentkit/incidentkit"
PYPROJECT_TABLE = "pyproject-table.toml"  # in scaffold/: the [tool.incidentkit] table
GITIGNORE = ".gitignore"  # merged: the patterns a team's own file lacks are appended
CODEOWNERS = ".github/CODEOWNERS"  # an example; a team's own CODEOWNERS anywhere wins
EXAMPLE = "example"  # in scaffold/: the worked example, laid out only by `init --example`
EMPTY_FOLDERS = ("incidents", "postmortems", *(f"evals/{tier}" for tier in TIERS), "docs")


@dataclass(frozen=True)
class Planned:
    rel: str  # POSIX path relative to the new repository
    text: str


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # pyproject.toml gained the table
    unchanged: list[str] = field(default_factory=list)  # already there, same content


def requirement(extra: str = "") -> str:
    """What CI (`extra="site"`) and the pre-commit hook install: the code running now, pinned.

    Installed from a package index: `incidentkit==X`. Installed from a git URL:
    that URL at the exact commit pip recorded (PEP 610 `direct_url.json`), so
    it works before the package is published. From a local checkout: the
    project's repository at this version's release tag.
    """
    name = f"incidentkit[{extra}]" if extra else "incidentkit"
    released = re.fullmatch(r"\d+(\.\d+)*", __version__) is not None
    origin = _installed_from()
    if origin is None:
        return f"{name}=={__version__}" if released else name
    vcs = origin.get("vcs_info")
    url = origin.get("url")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and isinstance(url, str):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        if isinstance(commit, str) and re.fullmatch(r"[0-9A-Za-z._/-]+", commit):
            return f"{name} @ git+{url.removeprefix('git+')}@{commit}"
    return f"{name} @ git+{SOURCE_REPOSITORY}@v{__version__}"


def _installed_from() -> dict[str, Any] | None:
    """PEP 610's record of where pip got this install from; None for a package index."""
    from importlib import metadata

    try:
        text = metadata.distribution("incidentkit").read_text("direct_url.json")
        data = json.loads(text) if text else None
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None
    return data if isinstance(data, dict) else None


def planned_files(example: bool = False) -> list[Planned]:
    """Every file `init` lays out except pyproject.toml, from the installed package.

    `example`: with the worked example of `scaffold/example/` (an incident, its
    post-mortem and its regression case), at their places in the repository.
    """
    files = [Planned(f"{folder}/.gitkeep", "") for folder in EMPTY_FOLDERS]
    for kind in ("schemas", "templates"):
        source = data_dir(kind)
        files += [
            Planned(f"{kind}/{f.name}", f.read_text(encoding="utf-8"))
            for f in sorted(source.iterdir())
            if f.is_file() and not f.name.startswith(".")
        ]
    base = scaffold_dir()
    values = {"requirement": requirement(), "site_requirement": requirement("site")}
    for file in sorted(base.rglob("*")):
        rel = file.relative_to(base)
        if not file.is_file() or rel.as_posix() == PYPROJECT_TABLE or "__pycache__" in rel.parts:
            continue
        if rel.parts[0] == EXAMPLE:
            if example:
                files.append(
                    Planned(PurePosixPath(*rel.parts[1:]).as_posix(), file.read_text("utf-8"))
                )
            continue
        text = file.read_text(encoding="utf-8")
        if file.name.endswith(".tmpl"):
            text = string.Template(text).substitute(values)
        files.append(Planned(_target(rel), text))
    return files


def example_files() -> list[str]:
    """Where `init --example` puts the worked example, relative to the repository."""
    base = scaffold_dir() / EXAMPLE
    return sorted(f.relative_to(base).as_posix() for f in base.rglob("*") if f.is_file())


def init_repository(root: Path, force: Iterable[str] = (), example: bool = False) -> InitResult:
    """Lay out an incident repository in `root`, replacing only the files in `force`.

    Raises `WriteRefused` (listing the files) when any other file would be
    overwritten, or any target cannot be written, before writing anything; a
    write that fails half-way removes what this run created.
    """
    created_root = not root.exists()
    try:
        return _lay_out(root, force, example)
    except BaseException:
        if created_root:  # nothing of this run may stay, not even the empty folder
            with contextlib.suppress(OSError):
                root.rmdir()
        raise


def _lay_out(root: Path, force: Iterable[str], example: bool) -> InitResult:
    root.mkdir(parents=True, exist_ok=True)
    files = planned_files(example)
    known = {f.rel for f in files}
    forced = {_normal(name) for name in force}
    if PYPROJECT in forced:
        raise UsageError(
            "pyproject.toml is never replaced: init adds [tool.incidentkit] to it when it lacks "
            "the table and leaves it alone otherwise"
        )
    unknown = sorted(forced - known)
    if unknown:
        raise UsageError(f"--force {', '.join(unknown)}: init does not write such a file")
    result = InitResult(root)
    to_write: list[tuple[Planned, bool]] = []
    conflicts: list[str] = []
    blocked = [b for b in (_blocked(root, rel) for rel in [*known, PYPROJECT]) if b]
    if blocked:
        raise WriteRefused(
            "init cannot write: " + "; ".join(sorted(set(blocked))) + ". Nothing was written; "
            "move those out of the way and run init again."
        )
    for planned in files:
        path = root / planned.rel
        if planned.rel.endswith("/.gitkeep") and path.parent.is_dir():
            continue  # the folder exists already; git needs no placeholder
        if planned.rel == CODEOWNERS and _has_codeowners(root):
            result.unchanged.append(planned.rel)  # the team's own owners file stays the one
            continue
        if planned.rel == GITIGNORE and path.is_file() and planned.rel not in forced:
            planned = _merged_gitignore(path, planned)
            if planned.text == path.read_text(encoding="utf-8"):
                result.unchanged.append(planned.rel)
            else:
                to_write.append((planned, True))
            continue
        if not path.exists():
            to_write.append((planned, False))
        elif path.is_file() and _same(path, planned.text):
            result.unchanged.append(planned.rel)
        elif planned.rel in forced and path.is_file():
            to_write.append((planned, True))
        else:
            conflicts.append(planned.rel)
    pyproject = _pyproject(root / PYPROJECT)
    if conflicts:
        raise WriteRefused(
            "init would overwrite: "
            + ", ".join(conflicts)
            + ". Nothing was written; pass --force FILE for each file it may replace."
        )
    folders_before = _missing_folders(root, [p.rel for p, _ in to_write])
    try:
        for planned, overwrite in to_write:
            atomic_write_text(root / planned.rel, planned.text, overwrite=overwrite)
            merged = overwrite and planned.rel not in forced
            (result.merged if merged else result.replaced if overwrite else result.created).append(
                planned.rel
            )
        if pyproject is None:
            result.unchanged.append(PYPROJECT)
        else:
            text, existed = pyproject
            atomic_write_text(root / PYPROJECT, text, overwrite=existed)
            (result.merged if existed else result.created).append(PYPROJECT)
    except BaseException:
        # all or nothing: what this run created goes again (a full disk, Ctrl+C)
        _undo(root, result.created, folders_before)
        raise
    return result


def _blocked(root: Path, rel: str) -> str | None:
    """Why `rel` cannot be written under `root`, found before anything is written; or None.

    A folder on the way that is a file or a dangling symlink, or a target that
    is a folder, a dangling symlink, a named pipe or a device, would otherwise
    stop init half-way, after other files were written.
    """
    path = root
    for part in PurePosixPath(rel).parts[:-1]:
        path = path / part
        if path.is_symlink() and not path.exists():
            return f"{path.relative_to(root).as_posix()} is a dangling symlink, not a folder"
        if path.exists() and not path.is_dir():
            return f"{path.relative_to(root).as_posix()} is a file, not a folder"
    target = root / rel
    if target.is_symlink() and not target.exists():
        return f"{rel} is a dangling symlink"
    odd = kind_of(target)
    if odd is not None:
        return f"{rel} is {odd}"
    if target.is_dir():
        return f"{rel} is a folder"
    return None


def _missing_folders(root: Path, rels: list[str]) -> list[Path]:
    """The folders that writing `rels` will create, deepest first."""
    missing = {
        folder
        for rel in rels
        for folder in (root / rel).parents
        if folder.is_relative_to(root) and folder != root and not folder.exists()
    }
    return sorted(missing, key=lambda f: len(f.parts), reverse=True)


def _undo(root: Path, created: list[str], folders: list[Path]) -> None:
    for rel in created:
        (root / rel).unlink(missing_ok=True)
    for folder in folders:
        with contextlib.suppress(OSError):  # not empty: something else is in it now
            folder.rmdir()


def _has_codeowners(root: Path) -> bool:
    # GitHub reads the first of these it finds; a second file would be ignored or confusing.
    return any((root / where).exists() for where in ("CODEOWNERS", CODEOWNERS, "docs/CODEOWNERS"))


def _merged_gitignore(path: Path, planned: Planned) -> Planned:
    """The team's .gitignore with the patterns it lacks appended; its own lines stay as they are."""
    try:
        current = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc}); fix it, then run init again") from exc
    have = {line.strip() for line in current.splitlines()}
    wanted = [
        line
        for line in planned.text.splitlines()
        if line.strip() and not line.startswith("#") and line.strip() not in have
    ]
    if not wanted:
        return Planned(planned.rel, current)
    separator = "" if current.endswith("\n") or not current else "\n"
    block = "\n# Added by incidentkit init\n" + "\n".join(wanted) + "\n"
    return Planned(planned.rel, current + separator + block)


def _pyproject(path: Path) -> tuple[str, bool] | None:
    """The pyproject.toml text to write and whether it exists; None when it has the table."""
    table = (scaffold_dir() / PYPROJECT_TABLE).read_text(encoding="utf-8")
    if not path.exists():
        return table, False
    try:
        current = path.read_text(encoding="utf-8")
        before = tomllib.loads(current)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot read it as TOML ({exc}); fix it, then run init again"
        ) from exc
    if "incidentkit" in before.get("tool", {}):
        return None
    # Appending keeps every byte of the file as it was; the result is checked,
    # because TOML can define `tool` in ways a new [tool.*] header conflicts with.
    merged = current + ("" if current.endswith("\n") or not current else "\n") + "\n" + table
    try:
        after = tomllib.loads(merged)
    except tomllib.TOMLDecodeError:
        after = None
    if after is None or _without_table(after, had_tool="tool" in before) != before:
        raise ConfigError(
            f"{path}: cannot add [tool.incidentkit] to it safely; add this table by hand:\n{table}"
        )
    return merged, True


def _without_table(data: dict[str, Any], *, had_tool: bool) -> dict[str, Any]:
    tool = {k: v for k, v in data.get("tool", {}).items() if k != "incidentkit"}
    rest = {k: v for k, v in data.items() if k != "tool"}
    return {**rest, "tool": tool} if tool or had_tool else rest


def _target(rel: PurePosixPath | Path) -> str:
    parts = [p.replace("dot-", ".", 1) if p.startswith("dot-") else p for p in rel.parts]
    name = parts[-1]
    parts[-1] = name.removesuffix(".tmpl")
    return "/".join(parts)


def _normal(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).as_posix().removeprefix("./")


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False
