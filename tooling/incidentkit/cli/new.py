"""`incidentkit new incident|postmortem|eval`: create a record from the templates."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

import click

from incidentkit import clock, ids, traces
from incidentkit.authoring import from_trace
from incidentkit.authoring.eval_case import create_eval
from incidentkit.authoring.from_trace import FromTrace, TraceRequest
from incidentkit.authoring.incident import (
    IncidentDraft,
    choice_meanings,
    create_incident,
    field_description,
    missing_fields,
)
from incidentkit.authoring.postmortem import create_postmortem
from incidentkit.authoring.render import Created, check_choice, schema_enum_meanings
from incidentkit.cli import SuggestingGroup
from incidentkit.cli.common import config_from
from incidentkit.config import Config
from incidentkit.errors import IncidentkitError, UsageError
from incidentkit.records.timestamps import is_timestamp
from incidentkit.traces import Selection

_JSON_HELP = 'Print {"id": ..., "path": ...} as JSON instead of the path.'
F = TypeVar("F", bound=Callable[..., Any])


def _trace_options(fn: F) -> F:
    """--from-trace and the options that choose inside it, shared by `new eval` and `new incident`."""
    options = [
        click.option(
            "--from-trace",
            "trace_file",
            type=click.Path(dir_okay=False, path_type=Path),
            help="A production trace to take the conversation from: OTLP JSON, OpenTelemetry "
            "console JSON, Langfuse, LangSmith or a chat JSON/JSONL transcript.",
        ),
        click.option(
            "--trace-format",
            type=click.Choice(traces.NAMES, case_sensitive=False),
            help="The trace's format, when detecting it from the content is not wanted.",
        ),
        click.option("--trace-id", help="The trace to use, in a file holding several."),
        click.option(
            "--span-id",
            help="The failing LLM call (span, observation or run); default: the last one.",
        ),
        click.option("--conversation-id", help="The conversation (session, thread) to use."),
        click.option(
            "--no-redact",
            is_flag=True,
            help="Keep personal data and secrets from the trace (they are redacted by default).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _trace_request(options: dict[str, Any]) -> TraceRequest | None:
    """The --from-trace request in the options (removed from them), or None without it."""
    path = options.pop("trace_file")
    chosen = {k: options.pop(k) for k in ("trace_format", "trace_id", "span_id", "conversation_id")}
    no_redact = options.pop("no_redact")
    if path is None:
        given = [f"--{k.replace('_', '-')}" for k, v in chosen.items() if v] + (
            ["--no-redact"] if no_redact else []
        )
        if given:
            raise UsageError(f"{', '.join(given)} only applies with --from-trace FILE")
        return None
    return TraceRequest(
        path=path,
        format_name=chosen["trace_format"],
        selection=Selection(chosen["trace_id"], chosen["span_id"], chosen["conversation_id"]),
        redact=not no_redact,
    )


def _report_trace(trace: FromTrace) -> None:
    """What was taken from the trace and what was redacted, on stderr."""
    conversation = trace.conversation
    source = trace.data["source"]  # as written: redacted like the rest
    where = f" span {source['span_id']}" if source.get("span_id") else ""
    click.echo(
        f"read {source['format']} trace {source.get('file')}: {len(conversation.messages)} "
        f"message(s) up to the failing reply{where}, {len(conversation.tool_results)} tool "
        "result(s)",
        err=True,
    )
    if not trace.redacted:
        click.secho(
            "not redacted (--no-redact): personal data and secrets from the trace are in the "
            "file; lint reports them, `incidentkit redact` replaces them",
            fg="yellow",
            err=True,
        )
    else:
        click.echo(f"redacted: {trace.report.describe()}", err=True)


class _IncidentCommand(click.Command):
    """`new incident`, whose help lists the allowed values of the repository's schema."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        for field, values in choice_meanings(_help_config(ctx)).items():
            with formatter.section(f"{_LABELS[field]} ({_flag(field)})"):
                formatter.write_dl([(value, meaning) for value, meaning in values])


class _EvalCommand(click.Command):
    """`new eval`, whose help lists the tiers of the repository's eval-case schema."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        tiers = schema_enum_meanings(_help_config(ctx), "eval", "properties", "tier")
        with formatter.section("Tiers (--tier), one folder each under evals/"):
            formatter.write_dl(list(tiers))


def _help_config(ctx: click.Context) -> Config:
    """The repository's config for help text; outside one, the packaged schemas."""
    try:
        return config_from(ctx)
    except IncidentkitError:
        return Config(root=Path(tempfile.gettempdir()) / "incidentkit-no-repository")


@click.group(cls=SuggestingGroup)
def new() -> None:
    """Create an incident, post-mortem or eval case from the templates.

    Incidents and post-mortems get the next free ID: free in the working tree
    and on every local and remote-tracking branch (run `git fetch` first to see
    your team's latest branches). A file is never overwritten. Prints the new
    file's path.
    """


@new.command("incident", cls=_IncidentCommand)
@click.option("--title", help="One-line summary of the failure.")
@click.option(
    "--severity", help="How bad it was, rated by actual harm (listed below; any case: s2 is S2)."
)
@click.option(
    "--failure-mode",
    "failure_modes",
    multiple=True,
    help="A failure-taxonomy category (listed below); repeat for several.",
)
@click.option("--detection", help="The channel that surfaced it (listed below).")
@click.option("--agent", help="The agent or service that failed.")
@click.option("--agent-version", help="The version that failed.")
@click.option("--started-at", help="Onset of the failure, ISO 8601 with a time zone.")
@click.option(
    "--detected-at",
    help="When it was detected (default: now; asked on a terminal); its year is the ID's.",
)
@click.option(
    "--resolved-at", help="When the fix was deployed; needed for --status resolved/closed."
)
@click.option("--status", default="open", show_default=True, help="Lifecycle state (listed below).")
@click.option("--tag", "tags", multiple=True, help="A free tag; repeat for several.")
@click.option("--slug", help="File-name slug (default: from the title).")
@_trace_options
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def incident(ctx: click.Context, as_json: bool, **fields: Any) -> None:
    """Write incidents/INC-YYYY-NNNN-<slug>.md.

    Required fields missing from the flags are asked for when standard input
    is a terminal (with --detected-at, defaulting to now); otherwise the
    command exits 2 naming the missing flags. The allowed values below come
    from the repository's schemas/incident.schema.json (enum and
    enumDescriptions) and are matched without regard to case.

    With --from-trace FILE, the agent, its version, started_at (the failing
    reply's time) and the minimal-reproduction block come from the trace,
    redacted; flags given win over the trace.
    """
    config = config_from(ctx)
    request = _trace_request(fields)
    draft = IncidentDraft(
        **{k: v for k, v in fields.items() if k not in ("failure_modes", "tags")},
        failure_modes=tuple(fields["failure_modes"]),
        tags=tuple(fields["tags"]),
    )
    if request is not None:
        trace = from_trace.load(config, request)
        _report_trace(trace)
        draft = from_trace.incident_draft(draft, trace)
    missing = missing_fields(config, draft)
    if missing:
        if draft.detected_at is None:
            missing.append("detected_at")  # asked with the others, defaulting to now
        draft = _ask_incident(config, draft, missing)
    scan = _scan(config)
    _report(create_incident(config, draft, taken=scan.taken), as_json)


@new.command("postmortem")
@click.argument("incident_ids", metavar="INC-...", nargs=-1)
@click.option("--author", "authors", multiple=True, help="An author's handle; repeat for several.")
@click.option("--lightweight", is_flag=True, help="One-paragraph format, for S3/S4 incidents only.")
@click.option("--title", help="One-line title (default: the first incident's title).")
@click.option("--slug", help="File-name slug (default: from the title).")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def postmortem(
    ctx: click.Context,
    incident_ids: tuple[str, ...],
    authors: tuple[str, ...],
    lightweight: bool,
    title: str | None,
    slug: str | None,
    as_json: bool,
) -> None:
    """Write postmortems/PM-YYYY-NNNN-<slug>.md for one or more incidents.

    Prefilled with the incidents, the six required sections with guidance and
    one action item whose owner and due date lint reports until filled in.
    The incident IDs and an author are asked for on a terminal when missing.
    """
    config = config_from(ctx)
    if not incident_ids:
        if not _interactive():
            raise UsageError(_missing_message(["INC-... (the incident IDs)"]))
        answer = click.prompt("Incidents it analyses (IDs such as INC-2026-0001)", err=True)
        incident_ids = tuple(answer.replace(",", " ").split())
    if not authors:
        if not _interactive():
            raise UsageError(_missing_message(["--author"]))
        authors = (click.prompt("Author (a handle such as @asha-r)", err=True),)
    scan = _scan(config)
    created = create_postmortem(
        config,
        incident_ids,
        authors=authors,
        lightweight=lightweight,
        title=title,
        slug=slug,
        taken=scan.taken,
    )
    _report(created, as_json)


@new.command("eval", cls=_EvalCommand)
@click.option(
    "--incident",
    "incident_id",
    help="The incident the case guards against (required; asked on a terminal when missing).",
)
@click.option(
    "--tier",
    default="regression",
    show_default=True,
    help="Tier folder under evals/ (listed below; any case).",
)
@click.option("--id", "case_id", help="Case id and file name (default: the incident's slug).")
@_trace_options
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP)
@click.pass_context
def eval_case(
    ctx: click.Context,
    incident_id: str | None,
    tier: str,
    case_id: str | None,
    as_json: bool,
    **trace_options: Any,
) -> None:
    """Write evals/<tier>/<case-id>.yaml for an incident.

    The input comes from the incident's ```yaml title="minimal reproduction"```
    block when it has one; otherwise it is a placeholder to fill in.

    With --from-trace FILE, the input is the traced conversation up to the
    failing reply (system instructions, turns, tool calls and results), its
    tool results go to input.context.tool_responses for the agent adapter to
    replay, and the failing reply and its provenance are kept as `observed`
    and `source`. Personal data and secrets are redacted unless --no-redact.
    The format is detected from the content; a file holding several traces
    needs --trace-id, --span-id or --conversation-id. `expected` starts as
    the template's placeholder: replace it with the suggested check, or your
    own.
    """
    config = config_from(ctx)
    if not incident_id:
        if not _interactive():
            raise UsageError(_missing_message(["--incident"]))
        incident_id = click.prompt(
            "Incident it guards against (an ID such as INC-2026-0001)", err=True
        ).strip()
    request = _trace_request(trace_options)
    if request is None:
        _report(create_eval(config, incident_id, tier, case_id), as_json)
        return
    made = from_trace.create_eval_from_trace(config, request, incident_id, tier, case_id)
    _report_trace(made.trace)
    if made.suggestion is not None:
        ((kind, value),) = made.suggestion.items()
        click.echo(
            f"suggested check (it fails on the observed reply): - {kind}: {json.dumps(value, ensure_ascii=False)}",
            err=True,
        )
    version = made.trace.data.get("agent_version")
    where = made.created.path
    if where.is_relative_to(Path.cwd()):
        where = where.relative_to(Path.cwd())
    click.echo(
        "next: replace the placeholder in `expected` with a check, then "
        f"`incidentkit reproduce {where}" + (f" --agent-version {version}`" if version else "`"),
        err=True,
    )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "id": made.created.id,
                    "path": str(made.created.path),
                    "redacted": dict(made.trace.report.kinds) if made.trace.redacted else None,
                    "suggested_check": made.suggestion,
                    "source": made.trace.data["source"],
                }
            )
        )
        return
    _report(made.created, False)


def _interactive() -> bool:
    return sys.stdin.isatty()


def _flag(field: str) -> str:
    return "--failure-mode" if field == "failure_modes" else "--" + field.replace("_", "-")


def _missing_message(flags: list[str]) -> str:
    return (
        f"missing {', '.join(flags)}: standard input is not a terminal, so pass "
        f"{'it' if len(flags) == 1 else 'them'} as flags"
    )


# How prompts name the incident fields (the schema's names are for files, not people).
_LABELS = {
    "title": "Title",
    "severity": "Severity",
    "failure_modes": "Failure modes",
    "detection": "Detection channel",
    "agent": "Agent",
    "status": "Status",
    "started_at": "Started at",
    "detected_at": "Detected at",
}
_TIMESTAMP_HINT = "ISO 8601 with a time zone, e.g. 2026-03-04T10:15:00Z"


def _ask_incident(config: Config, draft: IncidentDraft, missing: list[str]) -> IncidentDraft:
    """Ask for the missing fields on a terminal; prompts go to stderr so stdout stays the path."""
    if not _interactive():
        raise UsageError(_missing_message([_flag(f) for f in missing if f != "detected_at"]))
    meanings = choice_meanings(config)
    asked: dict[str, Any] = {}
    for field in missing:
        label = _LABELS.get(field, field.replace("_", " ").capitalize())
        described = field_description(config, field)
        if field in meanings:
            values = [value for value, _ in meanings[field]]
            _show_choices(label, described, meanings[field])
            many = field == "failure_modes"
            asked[field] = click.prompt(
                f"{label}{' (numbers or names, comma-separated)' if many else ''}",
                value_proc=_choices_of(values) if many else _one_of(values),
                err=True,
            )
        elif field.endswith("_at"):
            default = _now_text() if field == "detected_at" else None
            asked[field] = click.prompt(
                f"{label} ({_first_sentence(described)}{_TIMESTAMP_HINT})",
                default=default,
                value_proc=_timestamp,
                err=True,
            )
        else:
            hint = _first_sentence(described).removesuffix("; ")
            asked[field] = click.prompt(f"{label} ({hint})" if hint else label, err=True)
    return replace(draft, **asked)


def _first_sentence(text: str) -> str:
    """`When an alert fired. More.` -> `when an alert fired; `, for a prompt's hint."""
    first = _sentence(text)
    return f"{first[:1].lower()}{first[1:]}; " if first else ""


def _sentence(text: str) -> str:
    """The first sentence, without its full stop ("e.g." does not end one)."""
    return re.split(r"(?<!\be\.g)(?<!\bi\.e)\.(?:\s|$)", text.strip(), maxsplit=1)[0]


def _show_choices(label: str, described: str, values: tuple[tuple[str, str], ...]) -> None:
    first = _sentence(described)
    click.echo(f"\n{label}: {first}" if first else f"\n{label}:", err=True)
    width = max(len(value) for value, _ in values)
    for number, (value, meaning) in enumerate(values, start=1):
        click.echo(f"  {number:>2}. {value:<{width}}  {meaning}".rstrip(), err=True)


def _pick(item: str, allowed: list[str]) -> str:
    """A choice by its number in the list shown, or by name in any case."""
    text = item.strip()
    if text.isdigit() and 1 <= int(text) <= len(allowed):
        return allowed[int(text) - 1]
    try:
        return check_choice(text, allowed, "")
    except UsageError:
        raise click.BadParameter(f"{text!r}: choose from {', '.join(allowed)}") from None


def _one_of(allowed: list[str]) -> Callable[[str], str]:
    return lambda value: _pick(value, allowed)


def _choices_of(allowed: list[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        items = tuple(_pick(v, allowed) for v in value.split(",") if v.strip())
        if not items:
            raise click.BadParameter(f"choose one or more of: {', '.join(allowed)}")
        return tuple(dict.fromkeys(items))

    return parse


def _now_text() -> str:
    return clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timestamp(value: str) -> str:
    if not is_timestamp(value.strip()):
        raise click.BadParameter("not an ISO 8601 timestamp with a time zone")
    return value.strip()


def _scan(config: Config) -> ids.IdScan:
    scan = ids.scan(config)
    for warning in scan.warnings:
        click.secho(f"incidentkit: warning: {warning}", fg="yellow", err=True)
    return scan


def _report(created: Created, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"id": created.id, "path": str(created.path)}))
        return
    try:
        shown = created.path.relative_to(Path.cwd())
    except ValueError:
        shown = created.path
    click.echo(str(shown))
