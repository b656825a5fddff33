"""Allocating the next free incident or post-mortem ID.

A number is taken when a record file named after it exists in the working
tree or on any local or remote-tracking branch. Two branches that both took
"the next number" is the classic failure of file-per-record tools, so the
scan covers work that has not been merged yet. What no scan can see (a branch
never pushed, or not fetched) the merge gate catches when the second branch
merges.

Numbers count per year and are never reused: the next one follows the highest
taken, even when an earlier number is free (a deleted record may still be
referred to).

Allocation and file creation are one step (`reserve`): a file lock in the
repository's git folder (or, outside git, in the temporary folder) is held
from reading the working tree's IDs until the new file exists, so twenty
`incidentkit new incident` started at once get twenty numbers. The lock is
an OS lock (`filelock`): a process killed while holding it releases it.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from filelock import FileLock, Timeout

from incidentkit.config import Config
from incidentkit.errors import GitError, UsageError
from incidentkit.git.location import git_common_dir

Kind = Literal["incident", "postmortem"]


@dataclass(frozen=True)
class IdScan:
    """The IDs taken (ID -> where it was first seen) and what limited the scan."""

    taken: dict[str, str]
    warnings: tuple[str, ...] = ()


# How long `new` waits for another `new` in the same repository to finish.
LOCK_TIMEOUT_SECONDS = 60.0


def working_tree_ids(config: Config) -> dict[str, str]:
    """IDs taken by record files in the working tree: ID -> path."""
    pattern = _id_pattern(config)
    taken: dict[str, str] = {}
    for folder in (config.incidents_dir, config.postmortems_dir):
        base = config.root / folder
        if not base.is_dir():
            continue
        # records are found recursively (incidents/2026/...), so their IDs are too
        for file in sorted(base.rglob("*")):
            match = pattern.match(file.name)
            if match:
                taken.setdefault(match.group(1), file.relative_to(config.root).as_posix())
    return taken


@contextmanager
def reserve(
    config: Config, kind: Kind, year: int, *, taken: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The next free ID, held while the caller creates its file (see the module doc).

    `taken` (from `scan`, with the branches) is merged with the working tree
    as it is once the lock is held, so a file another process created a
    moment ago is seen.
    """
    lock = FileLock(str(lock_path(config)), timeout=LOCK_TIMEOUT_SECONDS)
    try:
        lock.acquire()
    except Timeout:
        raise UsageError(
            f"another `incidentkit new` in this repository has held {lock.lock_file} for "
            f"{LOCK_TIMEOUT_SECONDS:.0f} s; wait for it to finish and run again"
        ) from None
    try:
        current = {**(taken or {}), **working_tree_ids(config)}
        yield next_id(config, kind, year, taken=current)
    finally:
        lock.release()


def lock_path(config: Config) -> Path:
    """The allocation lock: inside the git folder, so it is never a file in the working tree."""
    git = git_common_dir(config.root)
    if git is not None:
        return git / "incidentkit-ids.lock"
    key = hashlib.sha256(str(config.root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return Path(tempfile.gettempdir()) / f"incidentkit-ids-{key[:16]}.lock"


def scan(config: Config) -> IdScan:
    """IDs taken in the working tree and on every local and remote-tracking branch."""
    pattern = _id_pattern(config)
    folders = (config.incidents_dir, config.postmortems_dir)
    taken = working_tree_ids(config)
    try:
        from incidentkit.git.refs import files_on_branches

        on_branches = files_on_branches(config.root, folders)
    except GitError as exc:
        return IdScan(
            taken,
            (f"{exc}: IDs were allocated from the working tree only, not from other branches",),
        )
    for found in on_branches:
        match = pattern.match(found.path.rsplit("/", 1)[-1])
        if match:
            taken.setdefault(match.group(1), f"{found.ref}:{found.path}")
    return IdScan(taken)


def taken_ids(config: Config) -> dict[str, str]:
    """ID -> where it was seen: a working-tree path, or `branch:path`."""
    return scan(config).taken


def prefix_for(config: Config, kind: Kind) -> str:
    return config.incident_prefix if kind == "incident" else config.postmortem_prefix


def next_id(
    config: Config, kind: Kind, year: int, *, taken: Mapping[str, str] | None = None
) -> str:
    """The next free ID of `kind` in `year`, e.g. INC-2026-0043.

    Pass `taken` (from `scan`) to reuse one scan; otherwise the repository is
    scanned now.
    """
    ids = taken if taken is not None else taken_ids(config)
    prefix = prefix_for(config, kind)
    pattern = re.compile(rf"^{re.escape(prefix)}-{year:04d}-(\d+)$")
    numbers = [int(m.group(1)) for m in map(pattern.match, ids) if m]
    return f"{prefix}-{year:04d}-{max(numbers, default=0) + 1:04d}"


def _id_pattern(config: Config) -> re.Pattern[str]:
    prefixes = "|".join(re.escape(p) for p in (config.incident_prefix, config.postmortem_prefix))
    # The ID, then the slug or the extension: INC-2026-004 is not a prefix of INC-2026-0042.
    return re.compile(rf"^((?:{prefixes})-\d{{4}}-\d{{4,}})(?=[-.]|$)")
