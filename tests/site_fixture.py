"""A small incident repository for the site tests, with XSS payloads planted in it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import REPO_ROOT, case_text, incident_text, postmortem_text, write

XSS_TITLE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
XSS_TAG = "<img src=x onerror=alert(4)>"
SEARCH_WORD = "zebrafishmarker"
# Plain text that HTML escaping changes: it must reach the page escaped exactly once.
QUOTE_TITLE = 'Agent showed another customer\'s email & a "quoted" name'
XSS_BODY = f"""
## What happened

The agent leaked a {SEARCH_WORD} token.

<script>alert(5)</script>
<img src=x onerror=alert(6)>
[click me](javascript:alert(7))
<a href="javascript:alert(8)">raw link</a>
"""


def make_site_repo(root: Path) -> Path:
    """Three incidents (XSS payloads in one, quotes in another), a post-mortem, cases, docs."""
    xss = incident_text(
        id="INC-2026-0001",
        severity="S1",
        body=XSS_BODY,
        extra=f"tags: [payments, '{XSS_TAG}']\napproximate: [started_at]\n",
    ).replace("title: Support agent quoted a superseded refund window", f"title: '{XSS_TITLE}'")
    write(root, "incidents/INC-2026-0001-xss.md", xss)
    write(
        root,
        "incidents/INC-2026-0002-uncovered.md",
        incident_text(
            id="INC-2026-0002", severity="S2", status="open", detected_at="2026-05-02T10:00:00Z"
        ),
    )
    write(
        root,
        "incidents/INC-2026-0003-minor.md",
        incident_text(
            id="INC-2026-0003",
            severity="S3",
            status="closed",
            detected_at="2026-03-01T20:00:00Z",
            extra="related_incidents: [INC-2026-0001]\n",
        ).replace(
            "title: Support agent quoted a superseded refund window",
            f"title: {json.dumps(QUOTE_TITLE)}",  # a JSON string is a YAML scalar
        ),
    )
    write(
        root,
        "postmortems/PM-2026-0001-xss.md",
        postmortem_text(
            action_items=(
                "action_items:\n"
                "  - id: A1\n"
                "    description: Re-index the policy pages on every change\n"
                '    owner: "@asha-r"\n'
                '    due: "2026-04-01"\n'
                "    status: open\n"
                "    kind: fix\n"
                "  - id: A2\n"
                "    description: Add a monitor\n"
                '    owner: "@tomas-b"\n'
                '    due: "2027-04-01"\n'
                "    status: done\n"
                "    kind: monitoring\n"
            )
        ),
    )
    write(
        root,
        "evals/regression/refund-window.yaml",
        case_text(
            extra=(
                "gap: stale-test-data\n"
                "verification:\n"
                "  fails_on: support-agent@1.4.0\n"
                "  passes_on: support-agent@1.4.1\n"
            )
        ),
    )
    write(root, "docs/benchmarks.md", "# Benchmarks\n\nHand-written page.\n")
    write(root, "pyproject.toml", "[tool.incidentkit]\n")
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root
