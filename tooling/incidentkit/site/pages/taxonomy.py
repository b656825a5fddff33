"""`/taxonomy/` and one page per value: `/severity/<S>/`, `/failure-modes/<mode>/`,
`/detection/<channel>/`, `/root-causes/<category>/`, `/tags/` and `/tags/<tag>/`."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from incidentkit import metrics
from incidentkit.records.model import Incident
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading
from incidentkit.site.html import text
from incidentkit.site.pages.incidents import COLUMNS, SHORT, short_row
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
        # category -> incident ID -> incident: insertion-ordered and deduplicated by
        # ID (a list membership test here made the taxonomy quadratic in incidents).
        found: dict[str, dict[str, Incident]] = {}
        for pm in site.postmortems:
            for category in dict.fromkeys(c.category for c in pm.root_causes):
                for incident_id in pm.incidents:
                    incident = site.incidents_by_id.get(incident_id)
                    bucket = found.setdefault(category, {})
                    if incident is not None:
                        bucket.setdefault(incident.id, incident)
        counts = metrics.root_cause_counts(site.postmortems)
        return {k: list(found[k].values()) for k in counts if k in found}
    grouped = metrics.group_by_field(site.incidents, dimension)
    grouped.pop("(none)", None)
    return grouped


def by_slug(values: dict[str, list[Incident]], dimension: str) -> dict[str, list[str]]:
    """Page path -> the values that share it (tags `a b` and `a-b` share a page)."""
    pages: dict[str, list[str]] = {}
    for value in values:
        pages.setdefault(urls.taxonomy_value(dimension, value), []).append(value)
    return pages


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    all_groups = {d: groups(site, d) for d in TITLES}
    yield urls.TAXONOMY, index(site, all_groups)
    yield urls.TAGS, tags_index(site, all_groups["tag"])
    for dimension, values in all_groups.items():
        for path, names in by_slug(values, dimension).items():
            incidents = list(dict.fromkeys(i for n in names for i in values[n]))
            yield path, value_page(site, path, dimension, names, incidents)


def index(site: SiteData, all_groups: dict[str, dict[str, list[Incident]]]) -> GeneratedPage:
    here = site.here(urls.TAXONOMY)
    page = GeneratedPage("Taxonomy")
    for dimension, values in all_groups.items():
        if dimension == "tag":
            continue
        page.add(
            Heading(TITLES[dimension]),
            table(
                (TITLES[dimension], "Incidents"),
                (
                    [here.link(urls.taxonomy_value(dimension, v), v), str(len(group))]
                    for v, group in values.items()
                ),
            ),
        )
    return page.add(
        Markup("<p>{}{}.</p>").format(text("Free tags: "), here.link(urls.TAGS, "all tags"))
    )


def tags_index(site: SiteData, values: dict[str, list[Incident]]) -> GeneratedPage:
    here = site.here(urls.TAGS)
    return GeneratedPage("Tags").add(
        table(
            ("Tag", "Incidents"),
            (
                [here.link(urls.taxonomy_value("tag", t), t), str(len(group))]
                for t, group in sorted(values.items())
            ),
        )
    )


def value_page(
    site: SiteData, path: str, dimension: str, names: list[str], incidents: list[Incident]
) -> GeneratedPage:
    here = site.here(path)
    title = f"{TITLES[dimension]}: {' / '.join(names)}"
    incidents = sorted(incidents, key=lambda i: i.id, reverse=True)
    return GeneratedPage(title).add(
        Markup("<p>{}{}.</p>").format(
            text(f"{len(incidents)} incidents. "), here.link(urls.TAXONOMY, "Whole taxonomy")
        ),
        table(COLUMNS[:SHORT], (short_row(here, i) for i in incidents)),
    )
