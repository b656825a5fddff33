"""`new postmortem`: a full or lightweight post-mortem skeleton for existing incidents.

The skeleton is prefilled with the incidents, the six required sections with
guidance, and one action item whose owner (`@TODO`) and due date
(`YYYY-MM-DD`) lint reports until someone fills them in.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from incidentkit import clock
from incidentkit.authoring.render import (
    Created,
    check_slug,
    fill_template,
    flow_list,
    handle,
    in_quotes,
    slugify,
    write_new,
)
from incidentkit.config import Config
from incidentkit.errors import UsageError
from incidentkit.ids import reserve
from incidentkit.records.model import Incident
from incidentkit.records.repository import load_repository

FULL_TEMPLATE = "postmortem.md"
LIGHTWEIGHT_TEMPLATE = "postmortem-lightweight.md"
SEVERE = ("S1", "S2")  # as the lightweight-severity rule reads it


def create_postmortem(
    config: Config,
    incident_ids: Sequence[str],
    *,
    authors: Sequence[str],
    lightweight: bool = False,
    title: str | None = None,
    slug: str | None = None,
    taken: Mapping[str, str] | None = None,
) -> Created:
    """Write a post-mortem for `incident_ids` (each must exist) with the next free PM ID."""
    if not incident_ids:
        raise UsageError(
            "name at least one incident, e.g. incidentkit new postmortem INC-2026-0042"
        )
    if not authors:
        raise UsageError("missing --author (a handle such as @asha-r)")
    incidents = _incidents(config, list(dict.fromkeys(incident_ids)))
    if lightweight:
        severe = [f"{i.id} ({i.severity})" for i in incidents if i.severity in SEVERE]
        if severe:
            raise UsageError(
                f"--lightweight is for S3/S4 incidents only; {', '.join(severe)} needs the full post-mortem"
            )
    handles = list(dict.fromkeys(handle(a, "--author") for a in authors))
    heading = (title or incidents[0].title or incidents[0].id).strip()
    if "\n" in heading or "\r" in heading:
        raise UsageError("--title must be one line")
    slug = check_slug(slug) if slug else slugify(heading)
    today = clock.today()
    # A post-mortem's ID year is the year it was written.
    # one step with the write: a concurrent `new` cannot take the same number
    with reserve(config, "postmortem", today.year, taken=taken) as record_id:
        text = fill_template(
            config,
            LIGHTWEIGHT_TEMPLATE if lightweight else FULL_TEMPLATE,
            {
                "id": record_id,
                "title": in_quotes(heading),
                "incidents": flow_list(i.id for i in incidents),
                "authors": flow_list(handles, quote=True),
                "today": today.isoformat(),
            },
        )
        return write_new(config, f"{config.postmortems_dir}/{record_id}-{slug}.md", text, record_id)


def _incidents(config: Config, ids: list[str]) -> list[Incident]:
    known = load_repository(config).incidents_by_id
    found = []
    for incident_id in ids:
        incident = known.get(incident_id)
        if incident is None:
            close = difflib.get_close_matches(incident_id, list(known), n=1, cutoff=0.8)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise UsageError(f"incident {incident_id} does not exist{hint}")
        found.append(incident)
    return found
