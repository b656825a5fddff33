"""`new incident`: a draft from flags, checked against the schema, written from the template."""

from __future__ import annotations

import re
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
    schema_description,
    schema_enum,
    schema_enum_meanings,
    schema_required,
    slugify,
    write_new,
)
from incidentkit.config import Config
from incidentkit.errors import UsageError
from incidentkit.ids import reserve
from incidentkit.records.markdown import fences
from incidentkit.records.timestamps import parse_timestamp, timestamp_problem, utc

TEMPLATE = "incident.md"
_REPRODUCTION = re.compile(r"""\btitle\s*=\s*["']minimal reproduction["']""", re.IGNORECASE)
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
    reproduction: str | None = None  # YAML for the minimal-reproduction block (from a trace)


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


# The incident fields whose allowed values `new incident` lists: field -> schema path.
CHOICE_FIELDS = {
    "severity": ("properties", "severity"),
    "failure_modes": ("properties", "failure_modes", "items"),
    "detection": ("properties", "detection"),
    "status": ("properties", "status"),
}


def choice_meanings(config: Config) -> dict[str, tuple[tuple[str, str], ...]]:
    """Each choice field's (value, meaning) pairs, from the repository's incident schema."""
    return {
        field: schema_enum_meanings(config, "incident", *path)
        for field, path in CHOICE_FIELDS.items()
    }


def field_description(config: Config, field: str) -> str:
    """The schema's description of an incident field (one source for prompts and help)."""
    return schema_description(config, "incident", "properties", field)


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
    # Choices are matched without regard to case and written as the schema spells them.
    severity = check_choice(draft.severity or "", allowed.severity, "--severity")
    status = check_choice(draft.status, allowed.status, "--status")
    detection = check_choice(draft.detection or "", allowed.detection, "--detection")
    failure_modes = [
        check_choice(m, allowed.failure_modes, "--failure-mode") for m in draft.failure_modes
    ]
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
    elif status in ("resolved", "closed"):
        raise UsageError(f"--status {status} needs --resolved-at (when the fix was deployed)")
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
                "status": status,
                "severity": severity,
                "failure_modes": flow_list(dict.fromkeys(failure_modes)),
                "started_at": in_quotes((draft.started_at or "").strip()),
                "detected_at": in_quotes(detected_text),
                "resolved_at": resolved_line,
                "detection": detection,
                "agent": in_quotes(agent),
                "agent_version": version_line,
                "tags": flow_list(
                    dict.fromkeys(t.strip() for t in draft.tags if t.strip()), quote=True
                ),
            },
        )
        if draft.reproduction:
            text = with_reproduction(text, draft.reproduction)
        return write_new(config, f"{config.incidents_dir}/{record_id}-{slug}.md", text, record_id)


def with_reproduction(text: str, reproduction: str) -> str:
    """The incident text with `reproduction` as its minimal-reproduction block's content
    (a section is appended when the template has no such block)."""
    body = reproduction.rstrip("\n") + "\n"
    for block in fences(text):
        words = block.info.split(maxsplit=1)
        is_yaml = bool(words) and words[0].lower() in ("yaml", "yml")
        if block.closed and is_yaml and _REPRODUCTION.search(block.info):
            return text[: block.content_start] + body + text[block.content_end :]
    return (
        text.rstrip("\n")
        + '\n\n## Minimal reproduction\n\n```yaml title="minimal reproduction"\n'
        + body
        + "```\n"
    )


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
