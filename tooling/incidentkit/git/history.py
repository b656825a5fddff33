"""When each incident first got an eval case: one `git log` pass over `evals/`.

For every incident ID, the committer time of the earliest commit that added a
line mentioning that ID to a case file (YAML, or a Python test) under the
evals folder. This is the end point of the turnaround metric.

Why added lines and not file creation times: a case that links an incident
later (an `incidents:` entry added to an existing case), a file holding
several cases, and a case moved between tier folders all come out right
without rename detection, which is the slow part of `git log -M` on large
histories. A move re-adds the lines in a later commit; the minimum keeps
the original time. The cost is one `git log -p --unified=0` that git streams
and this module scans for the ID pattern without decoding.

Only YAML files and Python tests count (by suffix; README files under evals/
do not). A mention in a comment counts as a link; a case deleted later still
counts when it was the first (the caller only asks about incidents that have
cases now). Uncommitted cases have no time. Merge commits add no lines of
their own (their parents' commits did). History is HEAD's, first parents and
merged branches alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from incidentkit.config import Config
from incidentkit.git.repo import GitRepo, open_repo

# A line of our --format: \x01 and the committer time in Unix seconds.
_COMMIT_MARK = b"\x01"
_CASE_SUFFIXES = (b".yaml", b".yml", b".py")  # YAML cases and Python tests


def id_pattern(prefix: str) -> re.Pattern[bytes]:
    """`INC-2026-0042` exactly: not inside a longer word, not a prefix of `INC-2026-00421`."""
    return re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(prefix.encode()) + rb"-\d{4}-\d{4}(?!\d)")


def first_case_times(config: Config) -> dict[str, datetime]:
    """Incident ID -> UTC time of the first commit adding a line that mentions it under evals/.

    Raises `GitError` when `config.root` is not in a git repository.
    """
    with open_repo(config.root) as repo:
        return scan_history(repo, config.evals_dir, config.incident_prefix)


def scan_history(
    repo: GitRepo, evals_dir: str, incident_prefix: str, exclude: str | None = None
) -> dict[str, datetime]:
    """`first_case_times` over HEAD's history; with `exclude`, only commits not reachable from it."""
    if not repo.has_commits():
        return {}
    lines = repo.stream(
        "log",
        "--no-renames",  # a move re-adds its lines; the minimum below keeps the first add
        "--no-ext-diff",
        "--no-textconv",
        "--no-show-signature",
        "--no-color",
        "--format=%x01%ct",
        "-p",
        "--unified=0",
        "HEAD",
        *([f"^{exclude}"] if exclude else []),
        "--",
        # A plain folder, not `:(glob)evals/**/*.yaml`: git matches glob
        # pathspecs entry by entry in every tree it diffs, which made this
        # pass 8x slower on 30k cases. Case files are picked by suffix below.
        repo.git_path(evals_dir) + "/",
    )
    return _first_mentions(lines, id_pattern(incident_prefix), incident_prefix.encode())


def _first_mentions(
    lines: Iterable[bytes], pattern: re.Pattern[bytes], needle: bytes
) -> dict[str, datetime]:
    earliest: dict[bytes, int] = {}
    when = 0
    in_header = in_case = False
    for line in lines:
        first = line[:1]
        if first == _COMMIT_MARK:
            when = int(line[1:])
            in_header = in_case = False
        elif first == b"d" and line.startswith(b"diff --git "):
            # Until the first hunk: `+++ b/path` is not an added line. The new
            # path ends the line (quoted when it has special characters).
            in_header = True
            in_case = line.rstrip(b"\r\n").rstrip(b'"').endswith(_CASE_SUFFIXES)
        elif first == b"@":
            in_header = False
        elif first == b"+" and in_case and not in_header and needle in line:
            for found in pattern.findall(line):
                seen = earliest.get(found)
                if seen is None or when < seen:
                    earliest[found] = when
    return {
        key.decode("ascii"): datetime.fromtimestamp(stamp, UTC)
        for key, stamp in sorted(earliest.items())
    }
