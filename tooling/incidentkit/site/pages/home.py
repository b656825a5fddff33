"""`/`: the dashboard. Open incidents by severity, uncovered S1/S2 incidents, overdue
action items, headline MTTD/MTTR with their trend, the latest incidents."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from incidentkit import metrics
from incidentkit.config import SEVERITIES
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading
from incidentkit.site.html import fmt_date, fmt_hours, text
from incidentkit.site.pages.incidents import COLUMNS, SHORT, left_out_notice, short_row
from incidentkit.site.widgets import Column, figure, figures, severity_badge, table

LATEST = 10
OPEN_STATUSES = ("open", "mitigated")


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield site.home, page(site)


def trend_note(current: float | None, previous: float | None, quarter: str) -> Markup:
    """How a quarter's median compares with the quarter before (lower is better)."""
    if current is None or previous is None:
        return text(f"{quarter}: no comparison")
    arrow = "▼" if current < previous else "▲" if current > previous else "="
    return text(f"{quarter}: ") + fmt_hours(current) + text(f" {arrow} from ") + fmt_hours(previous)


def page(site: SiteData) -> GeneratedPage:
    here = site.here(site.home)
    today = site.today
    open_incidents = [i for i in site.incidents if i.status in OPEN_STATUSES]
    open_counts = metrics.count_by(open_incidents, lambda i: i.severity)
    overdue = metrics.overdue(site.action_items, today)
    uncovered = [
        e
        for e in site.coverage.unmet
        if e.incident.id in site.incident_ids
        and e.incident.severity in site.records.config.policy.regression_severities
    ]
    mttd = metrics.mttd(site.incidents)
    mttr = metrics.mttr(site.incidents)
    series = metrics.quarter_series(site.incidents)
    quarters = list(series)
    last, before = (quarters[-1], quarters[-2]) if len(quarters) >= 2 else (None, None)
    mttd_note = mttr_note = text(f"median of {len(site.incidents)} incidents")
    if last and before:
        mttd_note = trend_note(
            metrics.mttd(series[last]).median_hours, metrics.mttd(series[before]).median_hours, last
        )
        mttr_note = trend_note(
            metrics.mttr(series[last]).median_hours, metrics.mttr(series[before]).median_hours, last
        )
    severity_figures = [
        figure(f"Open {s}", str(open_counts.get(s, 0)), klass=f"ik-sev-{s.lower()}")
        for s in SEVERITIES
    ]
    more = (
        text("More: ")
        + here.link(urls.TRENDS, "trends by quarter")
        + text(", ")
        + here.link(urls.COVERAGE, "eval coverage")
        + text(", ")
        + here.link(urls.ACTION_ITEMS, "all action items")
        + text(".")
    )
    return GeneratedPage(site.records.config.site_title).add(
        left_out_notice(site),
        f"{len(site.incidents)} incidents, {len(site.postmortems)} post-mortems, "
        f"{len(site.records.cases)} eval cases. As of {today.isoformat()}.",
        figures(
            [
                *severity_figures,
                figure("Uncovered S1/S2", str(len(uncovered)), klass="ik-fig-uncovered"),
                figure("Overdue action items", str(len(overdue)), klass="ik-fig-overdue"),
                figure("MTTD (median)", fmt_hours(mttd.median_hours), mttd_note, "ik-fig-mttd"),
                figure("MTTR (median)", fmt_hours(mttr.median_hours), mttr_note, "ik-fig-mttr"),
            ]
        ),
        Markup("<p>{}</p>").format(more),
        Heading("Uncovered S1/S2 incidents"),
        table(
            (Column("Incident", key=True), "Severity", Column("Title", wide=True), "Eval cases"),
            (
                [
                    here.link(urls.incident(e.incident.id), e.incident.id),
                    severity_badge(e.incident.severity),
                    e.incident.title,
                    str(len(e.cases)),
                ]
                for e in uncovered
            ),
        ),
        Heading("Overdue action items"),
        table(
            (Column("Item", key=True), Column("Description", wide=True), "Owner", "Due"),
            (
                [
                    here.link(urls.postmortem(i.postmortem_id), i.global_id),
                    i.description,
                    i.owner or "(unowned)",
                    fmt_date(i.due),
                ]
                for i in overdue
            ),
        ),
        Heading("Latest incidents"),
        table(
            COLUMNS[:SHORT],
            (short_row(here, i) for i in site.incidents[:LATEST]),
        ),
        Markup("<p>{}{}.</p>").format(
            text("All incidents: "), here.link(urls.INCIDENTS, "the incident database")
        ),
    )
