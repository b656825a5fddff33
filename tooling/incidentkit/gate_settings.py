"""What a pull request changes in the settings that judge it, said but never obeyed.

The gate judges a PR by its merge base's `[tool.incidentkit]` (policy, rules,
paths, IDs, judge), `schemas/`, `templates/` and pytest config. A PR that
changes any of them gets a notice (a warning, never blocking) that the
changes take effect after merge, so a reviewer sees them and the author is
not surprised.
"""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from incidentkit.config import Config
from incidentkit.findings import Finding, Level
from incidentkit.git.diff import changed_files, read_files
from incidentkit.git.repo import GitRepo

SETTINGS_CHANGED = "gate-settings-changed"
PYPROJECT = "pyproject.toml"
PYTEST_FILES = ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg")
_EFFECT = "this PR is judged by the merge base's settings; the changes take effect after merge"
_HINT = "nothing to fix here: have an owner review the change (CODEOWNERS)"


def settings_changes(
    repo: GitRepo, fork: str, head: str | None, judged: Config, worktree: Path
) -> list[Finding]:
    """Notices for every judging setting that differs between the merge base and the head.

    `head=None` compares with the work tree at `worktree`.
    """
    found = _pyproject(repo, fork, head, worktree)
    folders = [judged.schemas_dir, judged.templates_dir]
    for change in changed_files(repo, fork, head, folders):
        found.append(
            Finding(
                change.path,
                1,
                1,
                SETTINGS_CHANGED,
                Level.WARNING,
                f"this PR changes a schema or template ({change.status}); {_EFFECT}",
                _HINT,
            )
        )
    conftests = [
        c
        for c in changed_files(repo, fork, head, [judged.evals_dir])
        if PurePosixPath(c.path).name == "conftest.py"
    ]
    for change in conftests:
        found.append(
            Finding(
                change.path,
                1,
                1,
                SETTINGS_CHANGED,
                Level.WARNING,
                f"this PR changes a conftest.py ({change.status}): its hooks and collect_ignore "
                "decide which eval tests pytest runs; review it like the policy",
                _HINT,
            )
        )
    for name in (*PYTEST_FILES, "conftest.py"):
        before, after = _read(repo, fork, name, None), _read(repo, head, name, worktree)
        if before != after:
            found.append(
                Finding(
                    name,
                    1,
                    1,
                    SETTINGS_CHANGED,
                    Level.WARNING,
                    f"this PR changes {name}, which decides which tests pytest runs; " + _EFFECT,
                    _HINT,
                )
            )
    return found


def _pyproject(repo: GitRepo, fork: str, head: str | None, worktree: Path) -> list[Finding]:
    before = _tables(_read(repo, fork, PYPROJECT, None))
    after = _tables(_read(repo, head, PYPROJECT, worktree))
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if not changed:
        return []
    return [
        Finding(
            PYPROJECT,
            1,
            1,
            SETTINGS_CHANGED,
            Level.WARNING,
            f"this PR changes {', '.join(changed)}; {_EFFECT}",
            _HINT,
        )
    ]


def _tables(text: bytes | None) -> dict[str, Any]:
    """The judging tables of a pyproject.toml, by name; an unreadable file is one value."""
    if text is None:
        return {}
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {"pyproject.toml (unreadable)": text}
    tool = data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}
    table = tool.get("incidentkit", {})
    found: dict[str, Any] = {}
    if isinstance(table, dict):
        for key, value in table.items():
            name = f"[tool.incidentkit.{key}]" if isinstance(value, dict) else "[tool.incidentkit]"
            found.setdefault(name, {})[key] = value
    else:
        found["[tool.incidentkit]"] = table
    pytest = tool.get("pytest")
    if pytest is not None:
        found["[tool.pytest]"] = pytest
    return found


def _read(repo: GitRepo, commit: str | None, path: str, worktree: Path | None) -> bytes | None:
    if commit is None:
        assert worktree is not None
        file = worktree / path
        try:
            return file.read_bytes() if file.is_file() else None
        except OSError:
            return None
    return read_files(repo, commit, [path]).get(path)
