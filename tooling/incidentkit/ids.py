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
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from incidentkit.config import Config
from incidentkit.errors import GitError

Kind = Literal["incident", "postmortem"]


@dataclass(frozen=True)
class IdScan:
    """The IDs taken (ID -> where it was first seen) and what limited the scan."""

    taken: dict[str, str]
    warnings: tuple[str, ...] = ()


def scan(config: Config) -> IdScan:
    """IDs taken in the working tree and on every local and remote-tracking branch."""
    pattern = _id_pattern(config)
    folders = (config.incidents_dir, config.postmortems_dir)
    taken: dict[str, str] = {}
    for folder in folders:
        base = config.root / folder
        if not base.is_dir():
            continue
        # records are found recursively (incidents/2026/...), so their IDs are too
        for file in sorted(base.rglob("*")):
            match = pattern.match(file.name)
            if match:
                taken.setdefault(match.group(1), file.relative_to(config.root).as_posix())
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
