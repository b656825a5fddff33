"""Where each generated page lives (its source path in the virtual docs folder) and links.

Generated pages link to each other with Markdown links between source paths,
so MkDocs resolves them and `--strict` fails the build on a broken one.
"""

from __future__ import annotations

import posixpath
import re

from incidentkit.site.html import md

HOME = "index.md"
DASHBOARD_FALLBACK = "dashboard.md"  # the dashboard's place when docs/index.md is hand-written
INCIDENTS = "incidents/index.md"
POSTMORTEMS = "postmortems/index.md"
ACTION_ITEMS = "action-items.md"
INDICATORS = "indicators.md"
GAPS = "gaps.md"
COVERAGE = "coverage.md"
TRENDS = "trends/index.md"
TAXONOMY = "taxonomy.md"
TAGS = "tags/index.md"
ASSETS = "assets/incidentkit"

# Taxonomy dimension -> folder of its value pages.
TAXONOMY_FOLDERS = {
    "severity": "severity",
    "failure_mode": "failure-modes",
    "detection": "detection",
    "root_cause": "root-causes",
    "tag": "tags",
}


def slug(value: str) -> str:
    """A file-name-safe form of an ID or a taxonomy value; never empty, never `..`."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-")
    return cleaned or "unnamed"


def incident(incident_id: str) -> str:
    return f"incidents/{slug(incident_id)}.md"


def postmortem(postmortem_id: str) -> str:
    return f"postmortems/{slug(postmortem_id)}.md"


def taxonomy_value(dimension: str, value: str) -> str:
    name = slug(value.lower())
    # `index` would be the folder's own page (the tag list), so it gets a suffix.
    return (
        f"{TAXONOMY_FOLDERS[dimension]}/{name}-.md"
        if name == "index"
        else f"{TAXONOMY_FOLDERS[dimension]}/{name}.md"
    )


def chart(name: str) -> str:
    return f"trends/{name}.svg"


def rel(from_uri: str, to_uri: str) -> str:
    """The relative path from one generated file to another, as a Markdown link target."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def link(from_uri: str, to_uri: str, text: str) -> str:
    """A Markdown link with `text` escaped."""
    return f"[{md(text)}]({rel(from_uri, to_uri)})"
