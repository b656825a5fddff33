"""`/incidents/` (the sortable, filterable table) and `/incidents/<ID>/` (one incident)."""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit import metrics
from incidentkit.config import SEVERITIES
from incidentkit.records.model import EvalCase, Incident
from incidentkit.site import urls
from incidentkit.site.context import SiteData
from incidentkit.site.html import esc, fmt_hours, fmt_time, md, render_body, sort_key
from incidentkit.site.widgets import (
    facts,
    filters,
    id_link,
    severity_badge,
    status_badge,
    table,
)

STATUSES = ("open", "mitigated", "resolved", "closed")
HEADERS = (
    "ID",
    "Title",
    "Severity",
    "Failure modes",
    "Status",
    "Detected",
    "Time to detection",
    "Time to resolution",
    "Eval cases",
    "Post-mortem",
)


def pages(site: SiteData) -> Iterator[tuple[str, str]]:
    yield urls.INCIDENTS, index(site)
    for incident in site.incidents:
        yield urls.incident(incident.id), incident_page(site, incident)


def is_approx(incident: Incident, *fields: str) -> bool:
    return any(f in incident.approximate for f in fields)


def ttd_text(incident: Incident) -> str:
    hours = metrics.time_to_detection(incident)
    text = fmt_hours(hours, is_approx(incident, "started_at", "detected_at"))
    return sort_key(text, "" if hours is None else f"{hours:.4f}")


def ttr_text(incident: Incident) -> str:
    hours = metrics.time_to_resolution(incident)
    text = fmt_hours(hours, is_approx(incident, "detected_at", "resolved_at"))
    return sort_key(text, "" if hours is None else f"{hours:.4f}")


def detected_text(incident: Incident) -> str:
    moment = incident.detected_at
    text = fmt_time(moment, is_approx(incident, "detected_at"))
    return sort_key(text, moment.timestamp() if moment else "")


def row(site: SiteData, here: str, incident: Incident) -> list[str]:
    pms = site.postmortems_for(incident.id)
    return [
        urls.link(here, urls.incident(incident.id), incident.id),
        md(incident.title),
        severity_badge(incident.severity),
        ", ".join(
            urls.link(here, urls.taxonomy_value("failure_mode", m), m)
            for m in incident.failure_modes
        )
        or "—",
        status_badge(incident.status),
        detected_text(incident),
        ttd_text(incident),
        ttr_text(incident),
        str(len(site.cases_for(incident.id))),
        ", ".join(urls.link(here, urls.postmortem(p.id), p.id) for p in pms) or "—",
    ]


def index(site: SiteData) -> str:
    here = urls.INCIDENTS
    modes = sorted({m for i in site.incidents for m in i.failure_modes})
    severities = [s for s in SEVERITIES if any(i.severity == s for i in site.incidents)]
    severities += sorted({i.severity for i in site.incidents if i.severity} - set(severities))
    statuses = [s for s in STATUSES if any(i.status == s for i in site.incidents)]
    return "\n".join(
        [
            "# Incidents",
            "",
            f"{len(site.incidents)} incidents, newest first. Click a column heading to sort; "
            "durations marked ~ come from approximate timestamps.",
            filters(
                "incidents",
                [("Severity", 2, severities), ("Failure mode", 3, modes), ("Status", 4, statuses)],
            ),
            table(HEADERS, (row(site, here, i) for i in site.incidents), table_id="incidents"),
        ]
    )


def incident_page(site: SiteData, incident: Incident) -> str:
    here = urls.incident(incident.id)
    approx = incident.approximate
    title = f"{incident.id}: {incident.title}" if incident.title else incident.id
    fact_rows = [
        ("Severity", severity_badge(incident.severity)),
        ("Status", status_badge(incident.status)),
        ("Near miss", "yes" if incident.near_miss else "no"),
        ("Started", fmt_time(incident.started_at, "started_at" in approx)),
        ("Detected", fmt_time(incident.detected_at, "detected_at" in approx)),
        ("Mitigated", fmt_time(incident.mitigated_at, "mitigated_at" in approx)),
        ("Resolved", fmt_time(incident.resolved_at, "resolved_at" in approx)),
        ("Time to detection", ttd_text(incident)),
        ("Time to resolution", ttr_text(incident)),
        ("Detection", esc(incident.detection or "—")),
        ("Agent", esc(incident.agent or "—")),
        ("Agent version", esc(incident.agent_version or "—")),
        (
            "Affected users",
            esc(incident.affected_users if incident.affected_users is not None else "unknown"),
        ),
    ]
    parts = [f"# {md(title)}", "", facts(fact_rows), ""]
    taxonomy = [
        "Failure modes: "
        + (
            ", ".join(
                urls.link(here, urls.taxonomy_value("failure_mode", m), m)
                for m in incident.failure_modes
            )
            or "—"
        )
    ]
    if incident.detection:
        taxonomy.append(
            "Detected by: "
            + urls.link(
                here, urls.taxonomy_value("detection", incident.detection), incident.detection
            )
        )
    if incident.tags:
        taxonomy.append(
            "Tags: "
            + ", ".join(urls.link(here, urls.taxonomy_value("tag", t), t) for t in incident.tags)
        )
    parts += [f"- {line}" for line in taxonomy] + [""]
    if approx:
        parts += [f"Timestamps marked ~ are approximate: {md(', '.join(approx))}.", ""]
    if incident.waiver:
        parts += [
            '!!! note "Regression waiver"',
            f"    {md(incident.waiver.reason)} (approved by {md(incident.waiver.approved_by)})",
            "",
        ]
    parts += ["## Post-mortem", ""]
    pms = site.postmortems_for(incident.id)
    parts += [
        f"- {urls.link(here, urls.postmortem(p.id), p.id)}: {md(p.title)} ({md(p.status or 'no status')})"
        for p in pms
    ] or ["No post-mortem yet."]
    parts += ["", "## Eval cases", "", cases_table(site.cases_for(incident.id)), ""]
    parts += ["## Related incidents", ""]
    related = related_incidents(site, incident)
    parts += [
        f"- {id_link(here, urls.incident(r) if r in site.incident_ids else None, r)}"
        + (f": {md(site_title(site, r))}" if r in site.incident_ids else "")
        for r in related
    ] or ["None."]
    parts += ["", "## Report", "", render_body(incident.doc.body)]
    return "\n".join(parts)


def site_title(site: SiteData, incident_id: str) -> str:
    found = site.incidents_by_id.get(incident_id)
    return found.title if found else ""


def related_incidents(site: SiteData, incident: Incident) -> list[str]:
    """Incidents this one names as related, and those that name it (recurrences both ways)."""
    found = list(incident.related_incidents)
    found += site.related_to.get(incident.id, [])
    return [r for r in dict.fromkeys(found) if r != incident.id]


def cases_table(cases: list[EvalCase]) -> str:
    rows = []
    for case in cases:
        v = case.verification
        rows.append(
            [
                md(case.id),
                md(case.tier or "—"),
                md(case.path),
                "verified" if case.verified else "not verified",
                md(v.fails_on) if v and v.fails_on else "—",
                md(v.passes_on) if v and v.passes_on else "—",
                reproduced_text(case),
            ]
        )
    return table(
        ("Case", "Tier", "File", "Verification", "Fails on", "Passes on", "Reproduced"), rows
    )


def reproduced_text(case: EvalCase) -> str:
    """`7/20 (35%) on agent@1.4.0`: the recorded `incidentkit reproduce` estimate, or —."""
    counts = metrics.reproduction_counts(case)
    if counts is None:
        return "—"
    failures, runs = counts
    agent = (case.reproduction or {}).get("agent")
    where = f" on {agent}" if isinstance(agent, str) and agent else ""
    return md(f"{failures}/{runs} ({failures / runs:.0%}){where}")
