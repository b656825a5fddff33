"""`/taxonomy/` and one page per value: `/severity/<S>/`, `/failure-modes/<mode>/`,
`/detection/<channel>/`, `/root-causes/<category>/`, `/tags/` and `/tags/<tag>/`."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit import metrics
from incidentkit.records.model import Incident
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import md
from incidentkit.site.pages.incidents import row as incident_row
from incidentkit.site.widgets import table

TITLES = {
    "severity": "Severity",
    "failure_mode": "Failure mode",
    "detection": "Detection channel",
    "root_cause": "Root-cause category",
    "tag": "Tag",
}


def groups(site: SiteData, dimension: str) -> dict[str, list[Incident]]:
    """Value -> incidents, for one taxonomy dimension (root causes via post-mortems)."""
    if dimension == "root_cause":
        found: dict[str, list[Incident]] = {}
        for pm in site.postmortems:
            for category in dict.fromkeys(c.category for c in pm.root_causes):
                for incident_id in pm.incidents:
                    incident = site.incidents_by_id.get(incident_id)
                    bucket = found.setdefault(category, [])
                    if incident is not None and incident not in bucket:
                        bucket.append(incident)
        counts = metrics.root_cause_counts(site.postmortems)
        return {k: found[k] for k in counts if k in found}
    grouped = metrics.group_by_field(site.incidents, dimension)
    grouped.pop("(none)", None)
    return grouped


def by_slug(values: dict[str, list[Incident]], dimension: str) -> dict[str, list[str]]:
    """Page path -> the values that share it (tags `a b` and `a-b` share a page)."""
    pages: dict[str, list[str]] = {}
    for value in values:
        pages.setdefault(urls.taxonomy_value(dimension, value), []).append(value)
    return pages


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    all_groups = {d: groups(site, d) for d in TITLES}
    yield urls.TAXONOMY, index(all_groups)
    yield urls.TAGS, tags_index(all_groups["tag"])
    for dimension, values in all_groups.items():
        for path, names in by_slug(values, dimension).items():
            incidents = list(dict.fromkeys(i for n in names for i in values[n]))
            yield path, value_page(site, path, dimension, names, incidents)


def index(all_groups: dict[str, dict[str, list[Incident]]]) -> str:
    here = urls.TAXONOMY
    parts = ["# Taxonomy", ""]
    for dimension, values in all_groups.items():
        if dimension == "tag":
            continue
        parts += [f"## {md(TITLES[dimension])}", ""]
        parts.append(
            table(
                (TITLES[dimension], "Incidents"),
                (
                    [urls.link(here, urls.taxonomy_value(dimension, v), v), str(len(group))]
                    for v, group in values.items()
                ),
            )
        )
        parts.append("")
    parts.append(f"Free tags: {urls.link(here, urls.TAGS, 'all tags')}.")
    return "\n".join(parts)


def tags_index(values: dict[str, list[Incident]]) -> str:
    here = urls.TAGS
    return "\n".join(
        [
            "# Tags",
            "",
            table(
                ("Tag", "Incidents"),
                (
                    [urls.link(here, urls.taxonomy_value("tag", t), t), str(len(group))]
                    for t, group in sorted(values.items())
                ),
            ),
        ]
    )


def value_page(
    site: SiteData, here: str, dimension: str, names: list[str], incidents: list[Incident]
) -> str:
    title = f"{TITLES[dimension]}: {' / '.join(names)}"
    incidents = sorted(incidents, key=lambda i: i.id, reverse=True)
    return "\n".join(
        [
            f"# {md(title)}",
            "",
            f"{len(incidents)} incidents. {urls.link(here, urls.TAXONOMY, 'Whole taxonomy')}.",
            "",
            table(
                ("ID", "Title", "Severity", "Failure modes", "Status", "Detected"),
                (incident_row(site, here, i)[:6] for i in incidents),
            ),
        ]
    )
