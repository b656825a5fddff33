"""`/gaps/`: every evaluation gap found, by type, with the cases that close it and those still open."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit import metrics
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import md
from incidentkit.site.pages.postmortems import incident_links
from incidentkit.site.widgets import table


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    yield urls.GAPS, page(site)


def page(site: SiteData) -> str:
    here = urls.GAPS
    report = site.coverage
    gaps = [g for g in report.gaps if g.postmortem.id in site.postmortem_ids]
    counts = metrics.evaluation_gap_counts(site.postmortems)
    parts = [
        "# Evaluation gaps",
        "",
        f"{len(gaps)} gaps named in post-mortems, {sum(not g.closed for g in gaps)} still open. "
        "A gap is closed by an eval case linked to one of the post-mortem's incidents "
        "whose `gap` names the gap's type.",
        "",
        table(("Gap type", "Gaps"), ([md(t), str(n)] for t, n in counts.items())),
    ]
    for gap_type in counts:
        parts += ["", f"## {md(gap_type)}", ""]
        rows = [
            [
                "open" if not g.closed else "closed",
                urls.link(here, urls.postmortem(g.postmortem.id), g.postmortem.id),
                incident_links(site, here, g.postmortem.incidents),
                md(g.gap.description),
                ", ".join(md(c.id) for c in g.cases) or "—",
            ]
            for g in sorted(gaps, key=lambda g: (g.closed, g.postmortem.id))
            if g.gap.type == gap_type
        ]
        parts.append(table(("State", "Post-mortem", "Incidents", "Gap", "Closed by"), rows))
    return "\n".join(parts)
