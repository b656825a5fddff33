"""Where each generated page lives (its source path in the virtual docs folder) and links.

Generated pages link to each other with HTML anchors whose relative URLs are
computed here the way MkDocs computes them (`use_directory_urls` or not).
"""

from __future__ import annotations

import re
from functools import cache

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

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


# One entry per generated file: a bounded cache smaller than the site (4,096
# once) was evicted on every page of a 10k-incident build.
@cache
def page_url(src_path: str, directory_urls: bool) -> str:
    """The URL MkDocs gives a generated file (`incidents/X/` or `incidents/X.html`)."""
    return File(src_path, None, "", directory_urls).url


def href(from_src: str, to_src: str, directory_urls: bool) -> str:
    """A relative link from one generated page to another generated file."""
    return get_relative_url(page_url(to_src, directory_urls), page_url(from_src, directory_urls))
