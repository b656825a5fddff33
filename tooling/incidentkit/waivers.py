"""Waivers a pull request adds or changes, and whether they are reviewable.

A `regression_waiver` exempts an incident from the regression policy, so the
gate treats one as a change to review: it lists every waiver the PR adds or
changes (in the job summary), refuses one whose `approved_by` is not a
valid handle (`@` and a GitHub login), and, under GitHub Actions, one approved by the PR's own author (read
from the event payload at `GITHUB_EVENT_PATH`: `pull_request.user.login`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentkit.findings import Finding, Level
from incidentkit.git.diff import Change
from incidentkit.records.model import Incident, Waiver
from incidentkit.records.repository import RecordSet

WAIVER_REFUSED = "gate-waiver-refused"
# A GitHub login after `@`: 1-39 letters, digits or single hyphens, no hyphen first or last.
HANDLE = re.compile(r"@(?!.{40})[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*")
_VERB = {"added": "adds", "changed": "changes"}


@dataclass(frozen=True)
class WaiverChange:
    incident: Incident
    change: str  # "added" or "changed"
    before: Waiver | None


def waiver_changes(
    records: RecordSet, at_merge_base: Mapping[str, Incident], changes: list[Change]
) -> list[WaiverChange]:
    """Every waiver on an incident file the PR touches that the merge base did not have."""
    base_path = {c.head_path: c.base_path for c in changes if c.head_path}
    found: list[WaiverChange] = []
    for incident in sorted(records.incidents, key=lambda i: i.path):
        if incident.path not in base_path or incident.waiver is None:
            continue
        old_path = base_path[incident.path]
        before = at_merge_base.get(old_path) if old_path else None
        old = before.waiver if before is not None else None
        if old != incident.waiver:
            found.append(WaiverChange(incident, "added" if old is None else "changed", old))
    return found


def pr_author(env: Mapping[str, str]) -> str | None:
    """The pull request's author under GitHub Actions, from the event payload; else None."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return None
    try:
        event: Any = json.loads(Path(path).read_text(encoding="utf-8"))
        login = event["pull_request"]["user"]["login"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a push or merge_group event has no PR author
    return login if isinstance(login, str) and login else None


def waiver_findings(waivers: list[WaiverChange], env: Mapping[str, str]) -> list[Finding]:
    author = pr_author(env)
    found: list[Finding] = []
    for w in waivers:
        waiver = w.incident.waiver
        assert waiver is not None
        approver = waiver.approved_by.strip()
        problem = None
        if not HANDLE.fullmatch(approver):
            problem = (
                f"its approved_by {approver!r} is not a valid handle: @ and a GitHub login "
                "(1-39 letters, digits or single hyphens, not starting or ending with a hyphen)",
                'name the reviewer who approved it by handle: approved_by: "@maria-k"',
            )
        elif author is not None and approver[1:].lower() == author.lower():
            problem = (
                f"it is approved by {approver}, the author of this pull request",
                "a waiver needs a second person: ask a reviewer to approve it and put their "
                "handle in approved_by",
            )
        if problem is not None:
            line, column = w.incident.doc.at(("regression_waiver", "approved_by"))
            found.append(
                Finding(
                    w.incident.path,
                    line,
                    column,
                    WAIVER_REFUSED,
                    Level.ERROR,
                    f"the regression_waiver this PR {_VERB[w.change]} on {w.incident.id} is "
                    f"refused: {problem[0]}",
                    problem[1],
                )
            )
    return found
