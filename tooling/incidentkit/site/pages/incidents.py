"""`/incidents/` (the sortable, filterable table) and `/incidents/<ID>/` (one incident)."""

from __future__ import annotations

from collections.abc import Iterator

from markupsafe import Markup

from incidentkit import metrics
from incidentkit.config import SEVERITIES
from incidentkit.records.model import EvalCase, Incident
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.generated import GeneratedPage, Heading, Here
from incidentkit.site.html import element, fmt_hours, fmt_time, join, render_body, sort_key, text
from incidentkit.site.widgets import (
    NONE,
    Column,
    facts,
    filters,
    listing,
    notice,
    severity_badge,
    status_badge,
    table,
)

STATUSES = ("open", "mitigated", "resolved", "closed")
COLUMNS = (
    Column("ID", key=True),
    Column("Title", wide=True),
    Column("Severity"),
    Column("Failure modes", secondary=True),
    Column("Status"),
    Column("Detected", secondary=True),
    Column("Time to detection", secondary=True),
    Column("Time to resolution", secondary=True),
    Column("Eval cases", secondary=True),
    Column("Post-mortem", secondary=True),
)
SHORT = 6  # the first columns, for the dashboard and taxonomy pages
NOTICE_LINES = 50  # files named in the left-out notice; `incidentkit lint` lists them all


def pages(site: SiteData) -> Iterator[tuple[str, GeneratedPage]]:
    yield urls.INCIDENTS, index(site)
    for incident in site.incidents:
        yield urls.incident(incident.id), incident_page(site, incident)


def left_out_notice(site: SiteData) -> Markup:
    """The visible list of records a non-strict build leaves out."""
    shown = site.left_out[:NOTICE_LINES]
    more = len(site.left_out) - len(shown)
    return notice(
        f"{len(site.left_out)} records are not shown: they have lint errors (run incidentkit lint)",
        shown + ([f"... and {more} more"] if more > 0 else []),
    )


def is_approx(incident: Incident, *fields: str) -> bool:
    return any(f in incident.approximate for f in fields)


def ttd_text(incident: Incident) -> Markup:
    hours = metrics.time_to_detection(incident)
    shown = fmt_hours(hours, is_approx(incident, "started_at", "detected_at"))
    return sort_key(shown, "" if hours is None else f"{hours:.4f}")


def ttr_text(incident: Incident) -> Markup:
    hours = metrics.time_to_resolution(incident)
    shown = fmt_hours(hours, is_approx(incident, "detected_at", "resolved_at"))
    return sort_key(shown, "" if hours is None else f"{hours:.4f}")


def detected_text(incident: Incident) -> Markup:
    moment = incident.detected_at
    shown = fmt_time(moment, is_approx(incident, "detected_at"))
    return sort_key(shown, moment.timestamp() if moment else "")


def taxonomy_links(here: Here, dimension: str, values: tuple[str, ...]) -> Markup:
    return join(here.link(urls.taxonomy_value(dimension, v), v) for v in values) or NONE


def row(site: SiteData, here: Here, incident: Incident) -> list[object]:
    pms = site.postmortems_for(incident.id)
    return [
        *short_row(here, incident),
        ttd_text(incident),
        ttr_text(incident),
        str(len(site.cases_for(incident.id))),
        join(here.link(urls.postmortem(p.id), p.id) for p in pms) or NONE,
    ]


def short_row(here: Here, incident: Incident) -> list[object]:
    """The first `SHORT` cells of `row`: the dashboard's and taxonomy pages' tables.

    Built on their own because taxonomy pages list every incident several times.
    """
    return [
        here.link(urls.incident(incident.id), incident.id),
        incident.title,
        severity_badge(incident.severity),
        taxonomy_links(here, "failure_mode", incident.failure_modes),
        status_badge(incident.status),
        detected_text(incident),
    ]


def index(site: SiteData) -> GeneratedPage:
    here = site.here(urls.INCIDENTS)
    modes = sorted({m for i in site.incidents for m in i.failure_modes})
    severities = [s for s in SEVERITIES if any(i.severity == s for i in site.incidents)]
    severities += sorted({i.severity for i in site.incidents if i.severity} - set(severities))
    statuses = [s for s in STATUSES if any(i.status == s for i in site.incidents)]
    return GeneratedPage("Incidents", wide=True).add(
        left_out_notice(site),
        f"{len(site.incidents)} incidents, newest first. Click a column heading to sort; "
        "durations marked ~ come from approximate timestamps.",
        filters(
            "incidents",
            [("Severity", 2, severities), ("Failure mode", 3, modes), ("Status", 4, statuses)],
        ),
        table(COLUMNS, (row(site, here, i) for i in site.incidents), table_id="incidents"),
    )


def incident_page(site: SiteData, incident: Incident) -> GeneratedPage:
    here = site.here(urls.incident(incident.id))
    approx = incident.approximate
    title = f"{incident.id}: {incident.title}" if incident.title else incident.id
    fact_rows: list[tuple[str, object]] = [
        ("Severity", severity_badge(incident.severity)),
        ("Status", status_badge(incident.status)),
        ("Near miss", "yes" if incident.near_miss else "no"),
        ("Started", fmt_time(incident.started_at, "started_at" in approx)),
        ("Detected", fmt_time(incident.detected_at, "detected_at" in approx)),
        ("Mitigated", fmt_time(incident.mitigated_at, "mitigated_at" in approx)),
        ("Resolved", fmt_time(incident.resolved_at, "resolved_at" in approx)),
        ("Time to detection", ttd_text(incident)),
        ("Time to resolution", ttr_text(incident)),
        ("Detection", incident.detection or "—"),
        ("Agent", incident.agent or "—"),
        ("Agent version", incident.agent_version or "—"),
        (
            "Affected users",
            incident.affected_users if incident.affected_users is not None else "unknown",
        ),
    ]
    taxonomy = [
        text("Failure modes: ") + taxonomy_links(here, "failure_mode", incident.failure_modes)
    ]
    if incident.detection:
        taxonomy.append(
            text("Detected by: ")
            + here.link(urls.taxonomy_value("detection", incident.detection), incident.detection)
        )
    if incident.tags:
        taxonomy.append(text("Tags: ") + taxonomy_links(here, "tag", incident.tags))
    page = GeneratedPage(title, tags=incident.tags, record=incident.path)
    page.add(facts(fact_rows), listing(taxonomy))
    if approx:
        page.add(f"Timestamps marked ~ are approximate: {', '.join(approx)}.")
    if incident.waiver:
        page.add(
            notice(
                "Regression waiver",
                [f"{incident.waiver.reason} (approved by {incident.waiver.approved_by})"],
            )
        )
    pms = site.postmortems_for(incident.id)
    page.add(
        Heading("Post-mortem"),
        listing(
            (
                here.link(urls.postmortem(p.id), p.id)
                + text(f": {p.title} ({p.status or 'no status'})")
                for p in pms
            ),
            empty="No post-mortem yet.",
        ),
        Heading("Eval cases"),
        cases_table(site.cases_for(incident.id)),
        Heading("Related incidents"),
        listing(
            (
                here.link(urls.incident(r) if r in site.incident_ids else None, r)
                + (text(f": {site_title(site, r)}") if r in site.incident_ids else Markup(""))
                for r in related_incidents(site, incident)
            ),
            empty="None.",
        ),
        Heading("Report"),
        render_body(incident.doc.body),
    )
    return page


def site_title(site: SiteData, incident_id: str) -> str:
    found = site.incidents_by_id.get(incident_id)
    return found.title if found else ""


def related_incidents(site: SiteData, incident: Incident) -> list[str]:
    """Incidents this one names as related, and those that name it (recurrences both ways)."""
    found = list(incident.related_incidents)
    found += site.related_to.get(incident.id, [])
    return [r for r in dict.fromkeys(found) if r != incident.id]


def cases_table(cases: list[EvalCase]) -> Markup:
    rows = []
    for case in cases:
        v = case.verification
        rows.append(
            [
                case.id,
                case.tier or "—",
                element("code", case.path),
                "verified" if case.verified else "not verified",
                v.fails_on if v and v.fails_on else "—",
                v.passes_on if v and v.passes_on else "—",
                reproduced_text(case),
            ]
        )
    columns = (
        Column("Case"),
        Column("Tier"),
        Column("File", secondary=True),
        Column("Verification"),
        Column("Fails on", secondary=True),
        Column("Passes on", secondary=True),
        Column("Reproduced", secondary=True),
    )
    return table(columns, rows)


def reproduced_text(case: EvalCase) -> str:
    """`7/20 (35%) on agent@1.4.0`: the recorded `incidentkit reproduce` estimate, or —."""
    counts = metrics.reproduction_counts(case)
    if counts is None:
        return "—"
    failures, runs = counts
    agent = (case.reproduction or {}).get("agent")
    where = f" on {agent}" if isinstance(agent, str) and agent else ""
    return f"{failures}/{runs} ({failures / runs:.0%}){where}"
