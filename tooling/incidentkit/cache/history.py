"""Coverage's git-history pass, made incremental with the cache.

The first time each incident got a case is a minimum over the commits
reachable from HEAD. When the cache holds the answer for an ancestor X of
HEAD, the commits reachable from HEAD are those reachable from X plus
`HEAD ^X`, so the answer is the minimum of X's answer and a scan of `HEAD ^X`
only: one commit's diff instead of the whole history after a pull. The
answers are kept per HEAD for the last few HEADs (branch switches, rebases)
and per shallow boundary (deepening a shallow clone adds old history under
an unchanged HEAD). Outside the cache, `git.history.first_case_times`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from incidentkit.cache.store import LintCache
from incidentkit.config import Config
from incidentkit.errors import GitError
from incidentkit.git.history import first_case_times as uncached_first_case_times
from incidentkit.git.history import scan_history
from incidentkit.git.repo import GitRepo, open_repo

TRIED_ANCESTORS = 3  # cached HEADs tried as a starting point before a full scan


def first_case_times(config: Config, cache: LintCache | None) -> dict[str, datetime]:
    """Incident ID -> first commit time of a case mentioning it; see `git.history`."""
    if cache is None:
        return uncached_first_case_times(config)
    with open_repo(config.root) as repo:
        if not repo.has_commits():
            return {}
        head = repo.resolve("HEAD")
        shallow = _shallow_key(repo)
        known = cache.histories(shallow)
        stamps = next((times for commit, times in known if commit == head), None)
        if stamps is None:
            stamps = _scan(repo, config, known[:TRIED_ANCESTORS], head)
            cache.remember_history(head, shallow, stamps)
    return {key: datetime.fromtimestamp(stamp, UTC) for key, stamp in sorted(stamps.items())}


def _scan(
    repo: GitRepo, config: Config, known: list[tuple[str, dict[str, int]]], head: str
) -> dict[str, int]:
    for commit, times in known:
        if _is_ancestor(repo, commit, head):
            newer = _stamps(scan_history(repo, config.evals_dir, config.incident_prefix, commit))
            merged = dict(times)
            for key, stamp in newer.items():
                if key not in merged or stamp < merged[key]:
                    merged[key] = stamp
            return merged
    return _stamps(scan_history(repo, config.evals_dir, config.incident_prefix))


def _stamps(times: dict[str, datetime]) -> dict[str, int]:
    return {key: int(when.timestamp()) for key, when in times.items()}


def _is_ancestor(repo: GitRepo, commit: str, head: str) -> bool:
    try:
        repo.run("merge-base", "--is-ancestor", commit, head)
    except GitError:
        return False  # not an ancestor, or a commit that is gone
    return True


def _shallow_key(repo: GitRepo) -> str:
    """What marks the history's cut in a shallow clone (empty when the clone is whole)."""
    try:
        file = repo.toplevel / repo.run("rev-parse", "--git-path", "shallow").strip()
        return hashlib.blake2b(file.read_bytes(), digest_size=16).hexdigest()
    except FileNotFoundError:
        return ""  # not shallow
    except (GitError, OSError):
        return "unknown"
