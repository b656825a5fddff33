"""`/trends/`: by quarter, incidents by failure mode and severity, MTTD/MTTR medians, gap types.

The charts are SVG files generated next to the page (`/trends/<name>.svg`);
every number comes from `incidentkit.metrics`, and the same numbers are
printed in tables under the charts so they can be searched and copied.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from incidentkit import metrics
from incidentkit.config import SEVERITIES
from incidentkit.records.model import Incident
from incidentkit.site import charts, urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading
from incidentkit.site.html import fmt_hours
from incidentkit.site.widgets import table


@dataclass(frozen=True)
class QuarterRow:
    quarter: str
    incidents: int
    mttd: metrics.DurationSummary
    mttr: metrics.DurationSummary


def quarter_rows(incidents: list[Incident]) -> list[QuarterRow]:
    return [
        QuarterRow(q, len(group), metrics.mttd(group), metrics.mttr(group))
        for q, group in metrics.quarter_series(incidents).items()
    ]


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.TRENDS, page(site)


def chart_files(site: SiteData) -> Iterator[tuple[str, bytes]]:
    """The SVG charts the trends page shows."""
    series = metrics.quarter_series(site.incidents)
    quarters = list(series)
    modes = metrics.count_by(site.incidents, lambda i: i.failure_modes)
    yield (
        urls.chart("failure-modes"),
        charts.stacked_bars(
            "Incidents by failure mode",
            quarters,
            {m: [sum(m in i.failure_modes for i in g) for g in series.values()] for m in modes},
            "incidents",
        ),
    )
    severities = [s for s in SEVERITIES if any(i.severity == s for i in site.incidents)]
    yield (
        urls.chart("severity"),
        charts.stacked_bars(
            "Incidents by severity",
            quarters,
            {s: [sum(i.severity == s for i in g) for g in series.values()] for s in severities},
            "incidents",
        ),
    )
    rows = quarter_rows(site.incidents)
    yield (
        urls.chart("mttd-mttr"),
        charts.lines(
            "Median time to detection and to resolution",
            quarters,
            {
                "MTTD (h)": [r.mttd.median_hours for r in rows],
                "MTTR (h)": [r.mttr.median_hours for r in rows],
            },
            "hours",
        ),
    )
    yield (
        urls.chart("gap-types"),
        charts.horizontal_bars(
            "Evaluation gaps by type", metrics.evaluation_gap_counts(site.postmortems)
        ),
    )


def page(site: SiteData) -> GeneratedPage:
    here = site.here(urls.TRENDS)
    rows = quarter_rows(site.incidents)

    def img(name: str, alt: str) -> Markup:
        # The chart is a file of this site: no request leaves it.
        return Markup("<p>{}</p>").format(
            Markup('<img src="{}" alt="{}" class="ik-chart">').format(
                here.href(urls.chart(name)), alt
            )
        )

    modes = metrics.count_by(site.incidents, lambda i: i.failure_modes)
    gaps = metrics.evaluation_gap_counts(site.postmortems)
    causes = metrics.root_cause_counts(site.postmortems)
    detection = metrics.count_by(site.incidents, lambda i: i.detection)
    return GeneratedPage("Trends").add(
        "Quarters are calendar quarters of detected_at in UTC.",
        Heading("Time to detection and resolution"),
        img("mttd-mttr", "Median MTTD and MTTR by quarter"),
        table(
            ("Quarter", "Incidents", "MTTD median", "MTTD p90", "MTTR median", "MTTR p90"),
            (
                [
                    r.quarter,
                    str(r.incidents),
                    fmt_hours(r.mttd.median_hours),
                    fmt_hours(r.mttd.p90_hours),
                    fmt_hours(r.mttr.median_hours),
                    fmt_hours(r.mttr.p90_hours),
                ]
                for r in rows
            ),
            table_id="quarters",
        ),
        Heading("Failure modes"),
        img("failure-modes", "Incidents by failure mode and quarter"),
        table(
            ("Failure mode", "Incidents"),
            (
                [here.link(urls.taxonomy_value("failure_mode", m), m), str(n)]
                for m, n in modes.items()
            ),
        ),
        Heading("Severity"),
        img("severity", "Incidents by severity and quarter"),
        Heading("Detection channels"),
        table(("Detection", "Incidents"), ([d, str(n)] for d, n in detection.items())),
        Heading("Evaluation gaps and root causes"),
        img("gap-types", "Evaluation gaps by type"),
        table(("Gap type", "Gaps"), ([t, str(n)] for t, n in gaps.items())),
        table(("Root cause", "Causes"), ([c, str(n)] for c, n in causes.items())),
    )
