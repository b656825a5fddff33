"""`/indicators/`: every leading indicator across post-mortems, to check against dashboards."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import md
from incidentkit.site.pages.postmortems import incident_links
from incidentkit.site.widgets import table


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    yield urls.INDICATORS, page(site)


def page(site: SiteData) -> str:
    here = urls.INDICATORS
    rows = [
        [
            md(x.metric),
            md(x.threshold),
            incident_links(site, here, pm.incidents),
            urls.link(here, urls.postmortem(pm.id), pm.id),
            md(x.description),
        ]
        for pm in site.postmortems
        for x in pm.leading_indicators
    ]
    return "\n".join(
        [
            "# Leading indicators",
            "",
            "Signals that, if watched, would have shown each incident 24-48 hours earlier. "
            "Check that every one is on a monitoring dashboard with an alert at its threshold.",
            "",
            table(
                ("Metric", "Threshold", "Would have caught", "Post-mortem", "Evidence"),
                rows,
                table_id="indicators",
            ),
        ]
    )
