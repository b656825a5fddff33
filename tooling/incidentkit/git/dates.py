"""When each record file last changed: one `git log --name-only` pass over the folders of pages.

The site shows a record page's date as its file's last commit (not the build
time), and the sitemap's `lastmod` follows it. Uncommitted files and builds
outside git have no date. Paths are as the repository's records name them.
Only incidents and post-mortems have pages: `evals/` is left out of the pass,
whose wide trees were more than half of git's work at 10k incidents.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from incidentkit.config import Config
from incidentkit.git.repo import open_repo

_COMMIT_MARK = b"\x01"


def last_commit_dates(config: Config) -> dict[str, date]:
    """Incident and post-mortem path -> UTC date of the newest commit touching it.

    Raises `GitError` outside git.
    """
    folders = [config.incidents_dir, config.postmortems_dir]
    with open_repo(config.root) as repo:
        if not repo.has_commits():
            return {}
        lines = repo.stream(
            "log",
            "--no-renames",
            "--no-color",
            "--format=%x01%ct",
            "--name-only",
            "-z",
            "HEAD",
            "--",
            *(repo.git_path(f) + "/" for f in folders),
        )
        found: dict[str, date] = {}
        when: date | None = None
        for line in lines:
            for field in line.split(b"\x00"):
                field = field.strip(b"\n")
                if field.startswith(_COMMIT_MARK):
                    stamp = int(field[1:].strip() or 0)
                    when = datetime.fromtimestamp(stamp, UTC).date()
                elif field and when is not None:
                    rel = repo.rel_path(field.decode("utf-8", "surrogateescape"))
                    if rel is not None and rel not in found:  # newest first: keep the first
                        found[rel] = when
        return found
