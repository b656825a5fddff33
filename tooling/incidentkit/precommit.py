"""What the pre-commit hook lints: `incidentkit lint --pre-commit FILES`.

pre-commit passes the staged files that exist. The hook reads the configured
folders, so it follows `[tool.incidentkit.paths]` wherever they point, and
widens to the whole repository when a change can break records it was not
given: a record deleted or renamed (a case may still link it), or the
configuration, a schema or a template changed. Otherwise it lints only the
files in record folders among FILES; a commit without any is not linted at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from incidentkit.config import Config
from incidentkit.git.staged import staged_removals

CONFIG_FILES = ("pyproject.toml",)


@dataclass(frozen=True)
class HookScope:
    """`files` None: the whole repository; an empty set: nothing to lint."""

    files: frozenset[str] | None
    reason: str


def hook_scope(config: Config, paths: Iterable[Path]) -> HookScope:
    given = [rel for rel in (_relative(config, p) for p in paths) if rel is not None]
    widen = [rel for rel in given if _configures(config, rel)]
    if widen:
        return HookScope(None, f"{widen[0]} changed: every record is checked against it")
    removed = [rel for rel in staged_removals(config.root) if _in_record_folder(config, rel)]
    if removed:
        return HookScope(None, f"{removed[0]} is deleted or renamed: links to it are checked")
    # Every file in a record folder, record or not: lint reports what is not a record.
    return HookScope(frozenset(r for r in given if _in_record_folder(config, r)), "")


def _relative(config: Config, path: Path) -> str | None:
    try:
        return path.resolve().relative_to(config.root).as_posix()
    except (ValueError, OSError):
        return None  # outside the incident repository (a monorepo's other files)


def _configures(config: Config, rel: str) -> bool:
    return rel in CONFIG_FILES or any(
        rel.startswith(folder.rstrip("/") + "/")
        for folder in (config.schemas_dir, config.templates_dir)
    )


def _in_record_folder(config: Config, rel: str) -> bool:
    return any(
        rel.startswith(folder.rstrip("/") + "/")
        for folder in (config.incidents_dir, config.postmortems_dir, config.evals_dir)
    )
