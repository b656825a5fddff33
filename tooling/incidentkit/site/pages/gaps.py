"""`/gaps/`: every evaluation gap found, by type, with the cases that close it and those still open."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit import metrics
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage
from incidentkit.site.html import element, join
from incidentkit.site.pages.postmortems import incident_links
from incidentkit.site.widgets import NONE, Column, table


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.GAPS, page(site)


def page(site: SiteData) -> GeneratedPage:
    here = site.here(urls.GAPS)
    report = site.coverage
    gaps = [g for g in report.gaps if g.postmortem.id in site.postmortem_ids]
    counts = metrics.evaluation_gap_counts(site.postmortems)
    result = GeneratedPage("Evaluation gaps").add(
        f"{len(gaps)} gaps named in post-mortems, {sum(not g.closed for g in gaps)} still open. "
        "A gap is closed by an eval case linked to one of the post-mortem's incidents "
        "whose gap names the gap's type.",
        table(("Gap type", "Gaps"), ([t, str(n)] for t, n in counts.items())),
    )
    columns = (
        Column("State"),
        Column("Post-mortem"),
        Column("Incidents", secondary=True),
        Column("Gap", wide=True),
        Column("Closed by", secondary=True),
    )
    for gap_type in counts:
        rows = [
            [
                "open" if not g.closed else "closed",
                here.link(urls.postmortem(g.postmortem.id), g.postmortem.id),
                incident_links(site, here, g.postmortem.incidents),
                g.gap.description,
                join(c.id for c in g.cases) or NONE,
            ]
            for g in sorted(gaps, key=lambda g: (g.closed, g.postmortem.id))
            if g.gap.type == gap_type
        ]
        # A record's text as a heading: built here, not in Markdown (so not in the TOC).
        result.add(element("h2", gap_type), table(columns, rows))
    return result
