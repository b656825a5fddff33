"""File names on every local and remote-tracking branch, read from git trees.

ID allocation asks which record files exist on branches that are not checked
out. One pass over the refs, reading tree entries only (never blobs, never a
checkout); a folder tree shared by several branches is read once. GitPython
is imported inside the function so commands that never touch git start fast.
Raises `GitError` when there is no repository to ask; callers decide whether
that is fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from incidentkit.errors import GitError


@dataclass(frozen=True, order=True)
class RefFile:
    """A file directly under one of the asked folders, as seen on one branch."""

    ref: str  # "main", "origin/feature-x"
    path: str  # relative to the root asked about, POSIX: "incidents/INC-2026-0001-x.md"


def files_on_branches(root: Path, folders: Sequence[str]) -> list[RefFile]:
    """Every file directly under `folders` (relative to `root`) on every local and remote branch.

    `root` may be a sub-folder of the git work tree (an incident repository
    inside a monorepo); folders are then looked up under the same prefix.
    """
    repo = _open(root)
    try:
        top = Path(repo.working_tree_dir or "").resolve()
        try:
            prefix = PurePosixPath(root.resolve().relative_to(top).as_posix())
        except ValueError:
            raise GitError(f"{root} is not inside the git work tree {top}") from None
        found: list[RefFile] = []
        seen_commits: set[bytes] = set()
        names_by_tree: dict[bytes, list[str]] = {}
        for ref in _branch_refs(repo):
            try:
                commit = ref.commit
            except ValueError:  # a dangling or non-commit ref: nothing to read
                continue
            if commit.binsha in seen_commits:
                continue
            seen_commits.add(commit.binsha)
            for folder in folders:
                names = _names(commit.tree, (prefix / folder).as_posix(), names_by_tree)
                found.extend(RefFile(ref.name, f"{folder}/{name}") for name in names)
        return sorted(set(found))
    finally:
        repo.close()


def _open(root: Path) -> Any:
    try:
        import git
    except ImportError as exc:  # GitPython refuses to import without a git executable
        raise GitError(f"git is not available: {exc}") from exc
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(
            f"{root} is not inside a git repository (`git init -b main` makes it one)"
        ) from None
    if repo.bare or not repo.working_tree_dir:
        repo.close()
        raise GitError(f"{root} is in a bare git repository")
    return repo


def _branch_refs(repo: Any) -> list[Any]:
    import git

    # Tags are not branches: a number taken only in a tag was released, so it
    # is on a branch too. Symbolic refs such as origin/HEAD repeat a branch.
    return [
        ref
        for ref in repo.references
        if isinstance(ref, git.Head | git.RemoteReference) and not ref.name.endswith("/HEAD")
    ]


def _names(tree: Any, folder: str, cache: dict[bytes, list[str]]) -> list[str]:
    try:
        sub = tree / folder
    except KeyError:
        return []
    if sub.type != "tree":
        return []
    names = cache.get(sub.binsha)
    if names is None:
        names = [blob.name for blob in sub.blobs]
        cache[sub.binsha] = names
    return names
