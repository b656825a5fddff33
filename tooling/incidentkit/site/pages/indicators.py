"""`/indicators/`: every leading indicator across post-mortems, to check against dashboards."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage
from incidentkit.site.pages.postmortems import incident_links
from incidentkit.site.widgets import Column, table


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.INDICATORS, page(site)


def page(site: SiteData) -> GeneratedPage:
    here = site.here(urls.INDICATORS)
    rows = [
        [
            x.metric,
            x.threshold,
            incident_links(site, here, pm.incidents),
            here.link(urls.postmortem(pm.id), pm.id),
            x.description,
        ]
        for pm in site.postmortems
        for x in pm.leading_indicators
    ]
    columns = (
        Column("Metric"),
        Column("Threshold"),
        Column("Would have caught", secondary=True),
        Column("Post-mortem", secondary=True),
        Column("Evidence", wide=True),
    )
    return GeneratedPage("Leading indicators").add(
        "Signals that, if watched, would have shown each incident 24-48 hours earlier. "
        "Check that every one is on a monitoring dashboard with an alert at its threshold.",
        table(columns, rows, table_id="indicators"),
    )
