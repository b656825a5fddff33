"""`new incident`: a draft from flags, checked against the schema, written from the template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from incidentkit import clock
from incidentkit.authoring.render import (
    Created,
    check_choice,
    check_slug,
    fill_template,
    flow_list,
    in_quotes,
    quoted,
    schema_enum,
    schema_required,
    slugify,
    write_new,
)
from incidentkit.config import Config
from incidentkit.errors import UsageError
from incidentkit.ids import reserve
from incidentkit.records.timestamps import parse_timestamp, timestamp_problem, utc

TEMPLATE = "incident.md"
# Required by the schema but never asked for: allocated, or defaulted.
_DEFAULTED = {"id", "status", "detected_at"}


@dataclass(frozen=True)
class IncidentDraft:
    """What the user gave; None or empty means not given."""

    title: str | None = None
    severity: str | None = None
    failure_modes: tuple[str, ...] = ()
    detection: str | None = None
    agent: str | None = None
    agent_version: str | None = None
    started_at: str | None = None
    detected_at: str | None = None  # default: now
    resolved_at: str | None = None
    status: str = "open"
    tags: tuple[str, ...] = ()
    slug: str | None = None  # default: from the title


@dataclass(frozen=True)
class Choices:
    """The enums of the incident schema: the team's taxonomy, never a copy in code."""

    severity: tuple[str, ...]
    status: tuple[str, ...]
    detection: tuple[str, ...]
    failure_modes: tuple[str, ...]


def choices(config: Config) -> Choices:
    return Choices(
        severity=schema_enum(config, "incident", "properties", "severity"),
        status=schema_enum(config, "incident", "properties", "status"),
        detection=schema_enum(config, "incident", "properties", "detection"),
        failure_modes=schema_enum(config, "incident", "properties", "failure_modes", "items"),
    )


def missing_fields(config: Config, draft: IncidentDraft) -> list[str]:
    """The schema's required fields the draft lacks, in schema order."""
    given = {
        "title": draft.title,
        "severity": draft.severity,
        "failure_modes": draft.failure_modes,
        "detection": draft.detection,
        "agent": draft.agent,
        "started_at": draft.started_at,
    }
    return [
        name
        for name in schema_required(config, "incident")
        if name not in _DEFAULTED and name in given and not given[name]
    ]


def create_incident(
    config: Config, draft: IncidentDraft, *, taken: Mapping[str, str] | None = None
) -> Created:
    """Validate the draft, allocate the next ID for `detected_at`'s year, write the file."""
    missing = missing_fields(config, draft)
    if missing:
        raise UsageError(f"missing required fields: {', '.join(missing)}")
    allowed = choices(config)
    title = _one_line(draft.title or "", "--title")
    agent = _one_line(draft.agent or "", "--agent")
    check_choice(draft.severity or "", allowed.severity, "--severity")
    check_choice(draft.status, allowed.status, "--status")
    check_choice(draft.detection or "", allowed.detection, "--detection")
    for mode in draft.failure_modes:
        check_choice(mode, allowed.failure_modes, "--failure-mode")
    started = _timestamp(draft.started_at or "", "--started-at")
    detected_text = (draft.detected_at or "").strip() or _format(clock.now())
    detected = _timestamp(detected_text, "--detected-at")
    if started > detected:
        raise UsageError("--started-at is after --detected-at: a failure starts before it is seen")
    resolved_line = (
        '# resolved_at: "YYYY-MM-DDTHH:MM:SS+00:00"  # required once status is resolved or closed'
    )
    if draft.resolved_at:
        resolved = _timestamp(draft.resolved_at, "--resolved-at")
        if resolved < detected:
            raise UsageError("--resolved-at is before --detected-at")
        resolved_line = f"resolved_at: {quoted(draft.resolved_at.strip())}"
    elif draft.status in ("resolved", "closed"):
        raise UsageError(f"--status {draft.status} needs --resolved-at (when the fix was deployed)")
    version_line = '# agent_version: "1.0.0"  # the version that failed'
    if draft.agent_version:
        version_line = f"agent_version: {quoted(_one_line(draft.agent_version, '--agent-version'))}"
    slug = check_slug(draft.slug) if draft.slug else slugify(title)
    # The ID's year is detected_at's year in UTC, like every other calendar bucket
    # (quarters), and as the id-filename rule reads it.
    # one step with the write: a concurrent `new` cannot take the same number
    with reserve(config, "incident", utc(detected).year, taken=taken) as record_id:
        text = fill_template(
            config,
            TEMPLATE,
            {
                "id": record_id,
                "title": in_quotes(title),
                "status": draft.status,
                "severity": draft.severity or "",
                "failure_modes": flow_list(dict.fromkeys(draft.failure_modes)),
                "started_at": in_quotes((draft.started_at or "").strip()),
                "detected_at": in_quotes(detected_text),
                "resolved_at": resolved_line,
                "detection": draft.detection or "",
                "agent": in_quotes(agent),
                "agent_version": version_line,
                "tags": flow_list(
                    dict.fromkeys(t.strip() for t in draft.tags if t.strip()), quote=True
                ),
            },
        )
        return write_new(config, f"{config.incidents_dir}/{record_id}-{slug}.md", text, record_id)


def _one_line(value: str, flag: str) -> str:
    text = value.strip()
    if not text or "\n" in text or "\r" in text:
        raise UsageError(f"{flag} must be one non-empty line")
    return text


def _timestamp(value: str, flag: str) -> datetime:
    moment = parse_timestamp(value.strip())
    if moment is None:
        raise UsageError(
            f"{flag} {value!r} {timestamp_problem(value.strip())}, e.g. 2026-03-04T10:15:00Z"
        )
    return moment


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
