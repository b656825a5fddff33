#!/usr/bin/env python3
"""Write the Markdown body of the "incidentkit: overdue follow-ups" issue.

Reads the output of `incidentkit lint --format json` (the findings of the
rules `overdue-action-item` and `postmortem-deadline`) and of
`incidentkit coverage --format json` (incidents that policy covers and that
have no linked eval case), writes the issue body, and reports how many items
are overdue: on stdout and, under GitHub Actions, as the step output
`overdue`.

An incident without cases counts as overdue when coverage reports
`turnaround_met: false` (the turnaround target has passed). With
`turnaround_met: null` (still within the target, or unknown) it is listed
for information but does not by itself keep the issue open.

Standard library only, and defensive about the JSON shapes: an entry with a
missing or unexpected field is shown with what it has (or skipped and
counted), never a traceback. Input that cannot be read at all (missing file,
invalid JSON, wrong top-level shape) exits 2, so the workflow fails instead
of closing the tracking issue on missing data.

Exit codes: 0 the body was written (whether or not anything is overdue),
2 unusable input or usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OVERDUE_RULES = {
    "overdue-action-item": "Overdue action items",
    "postmortem-deadline": "Post-mortems past their deadline",
}
MARKER = "<!-- incidentkit:overdue-follow-ups -->"
# GitHub rejects issue bodies over 65,536 characters; leave room for the tail.
MAX_BODY = 60_000
MENTION = re.compile(r"(?<![\w`])@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[\w.-]+)?)")


class InputError(Exception):
    """An input file that cannot be used at all."""


def load_json(path: Path, what: str) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the {what} output {path}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise InputError(f"the {what} output {path} is empty")
    try:
        data = json.loads(raw.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the {what} output {path} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise InputError(f"the {what} output {path} is not a JSON object")
    return data


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def required_list(data: dict[str, Any], key: str, what: str, path: Path) -> list[Any]:
    """The top-level list the whole report rests on; without it, no verdict."""
    value = data.get(key)
    if not isinstance(value, list):
        raise InputError(f'the {what} output {path} has no "{key}" list')
    return value


def line_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None


def text(value: Any, default: str = "") -> str:
    if value is None:
        return default
    return value if isinstance(value, str) else str(value)


def cell(value: Any, *, mentions: bool, default: str = "") -> str:
    """One Markdown table cell: one line, pipes escaped, @handles quiet."""
    s = " ".join(text(value, default).split())
    s = s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
    if not mentions:
        # `@handle` in code does not notify anyone; record handles need not
        # be GitHub accounts.
        s = MENTION.sub(lambda m: f"`@{m.group(1)}`", s)
    return s or default


def blob_link(path: str, raw_line: Any) -> str:
    """A link to the file at the commit the run looked at, when known."""
    line = line_number(raw_line)
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    sha = os.environ.get("GITHUB_SHA", "")
    shown = f"{path}:{line}" if line else path
    label = cell(shown, mentions=True)
    if not (server and repo and sha and path) or path.startswith(("/", "..")):
        return f"`{label}`" if label else ""
    anchor = f"#L{line}" if line else ""
    url_path = "/".join(part for part in path.replace("\\", "/").split("/") if part)
    return f"[`{label}`]({server}/{repo}/blob/{sha}/{url_path}{anchor})"


def overdue_findings(findings_in: list[Any]) -> tuple[dict[str, list[dict[str, Any]]], int]:
    grouped: dict[str, list[dict[str, Any]]] = {rule: [] for rule in OVERDUE_RULES}
    skipped = 0
    for finding in findings_in:
        if not isinstance(finding, dict):
            skipped += 1
            continue
        rule = finding.get("rule")
        if rule in grouped:
            grouped[rule].append(finding)
    for findings in grouped.values():
        findings.sort(key=lambda f: (text(f.get("path")), line_number(f.get("line")) or 0))
    return grouped, skipped


def uncovered_incidents(incidents: list[Any]) -> tuple[list[dict[str, Any]], int]:
    """Incidents that policy covers, not waived, with no linked eval case."""
    found: list[dict[str, Any]] = []
    skipped = 0
    for incident in incidents:
        if not isinstance(incident, dict) or not incident.get("id"):
            skipped += 1
            continue
        if incident.get("policy_met") is not False or incident.get("waived") is True:
            continue
        if as_list(incident.get("cases")) or incident.get("turnaround_met") is True:
            # It has cases (policy unmet for another reason, e.g. missing
            # verification): the gate handles that, it is not "no cases".
            continue
        found.append(incident)
    found.sort(key=lambda i: (text(i.get("severity"), "S9"), text(i.get("id"))))
    return found, skipped


def turnaround(incident: dict[str, Any]) -> str:
    met = incident.get("turnaround_met")
    hours = incident.get("turnaround_hours")
    if met is False:
        if isinstance(hours, (int, float)) and not isinstance(hours, bool):
            return f"past target ({hours:.0f} h)"
        return "past target"
    if isinstance(hours, (int, float)) and not isinstance(hours, bool):
        return f"{hours:.0f} h"
    return "no case yet"


def is_overdue(incident: dict[str, Any]) -> bool:
    return incident.get("turnaround_met") is False


def count_overdue(grouped: dict[str, list[dict[str, Any]]], uncovered: list[dict[str, Any]]) -> int:
    return sum(len(v) for v in grouped.values()) + sum(1 for i in uncovered if is_overdue(i))


def render(
    grouped: dict[str, list[dict[str, Any]]],
    uncovered: list[dict[str, Any]],
    *,
    skipped: int,
    mentions: bool,
    now: datetime,
) -> str:
    total = count_overdue(grouped, uncovered)
    out: list[str] = [MARKER, ""]
    stamp = now.strftime("%Y-%m-%d %H:%M UTC")
    if total == 0:
        out += [f"Nothing is overdue as of {stamp}.", ""]
    else:
        out += [
            f"**{total} overdue follow-up{'s' if total != 1 else ''}** as of {stamp}. "
            "This issue is rewritten by the reminders workflow every day and closed "
            "when the list is empty; fix the records, not this issue.",
            "",
        ]
    for rule, title in OVERDUE_RULES.items():
        findings = grouped[rule]
        if not findings:
            continue
        out += [
            f"## {title} ({len(findings)})",
            "",
            "| Where | What | How to fix |",
            "|---|---|---|",
        ]
        for f in findings:
            out.append(
                "| {where} | {msg} | {hint} |".format(
                    where=blob_link(text(f.get("path")), f.get("line")),
                    msg=cell(f.get("message"), mentions=mentions, default="(no message)"),
                    hint=cell(f.get("hint"), mentions=mentions),
                )
            )
        out.append("")
    if uncovered:
        late = sum(1 for i in uncovered if is_overdue(i))
        out += [
            f"## Incidents without regression cases ({late} past the turnaround target)",
            "",
            "Policy requires a linked eval case for these incidents; none exists and none is waived. "
            "Those still within the turnaround target are listed for information.",
            "",
            "| Incident | Severity | Title | Turnaround |",
            "|---|---|---|---|",
        ]
        for i in uncovered:
            out.append(
                "| {id} | {sev} | {title} | {ta} |".format(
                    id=f"`{cell(i.get('id'), mentions=True)}`",
                    sev=cell(i.get("severity"), mentions=True, default="?"),
                    title=cell(i.get("title"), mentions=mentions),
                    ta=cell(turnaround(i), mentions=True),
                )
            )
        out.append("")
    if skipped:
        out += [
            f"_{skipped} entr{'ies' if skipped != 1 else 'y'} in the JSON input could not be read and were skipped._",
            "",
        ]
    out += [
        "<sub>Generated by `.github/scripts/reminders.py` from `incidentkit lint --format json` "
        "and `incidentkit coverage --format json`.</sub>",
        "",
    ]
    body = "\n".join(out)
    if len(body) > MAX_BODY:
        cut = body.rfind("\n", 0, MAX_BODY)
        body = body[: cut if cut > 0 else MAX_BODY] + (
            "\n\n_The list is too long for one issue and was cut; run "
            "`incidentkit lint --format text` for all of it._\n"
        )
    return body


def write_output(name: str, value: str, github_output: str | None) -> None:
    if not github_output:
        return
    with Path(github_output).open("a", encoding="utf-8") as fh:
        fh.write(f"{name}={value}\n")


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lint", type=Path, required=True, help="incidentkit lint --format json output"
    )
    parser.add_argument(
        "--coverage", type=Path, required=True, help="incidentkit coverage --format json output"
    )
    parser.add_argument(
        "--output", type=Path, required=True, help="where to write the Markdown body"
    )
    parser.add_argument(
        "--mention",
        action="store_true",
        help="leave @handles live so GitHub notifies them (off by default: record handles need not be GitHub accounts)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    try:
        lint = load_json(args.lint, "lint")
        coverage = load_json(args.coverage, "coverage")
    except InputError as exc:
        print(f"reminders: {exc}", file=sys.stderr)
        return 2

    try:
        findings = required_list(lint, "findings", "lint", args.lint)
        incidents = required_list(coverage, "incidents", "coverage", args.coverage)
    except InputError as exc:
        print(f"reminders: {exc}", file=sys.stderr)
        return 2

    grouped, skipped_findings = overdue_findings(findings)
    uncovered, skipped_incidents = uncovered_incidents(incidents)
    skipped = skipped_findings + skipped_incidents
    body = render(grouped, uncovered, skipped=skipped, mentions=args.mention, now=datetime.now(UTC))

    tmp = args.output.with_name(args.output.name + ".tmp")
    try:
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(args.output)
    except OSError as exc:
        print(f"reminders: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2

    total = count_overdue(grouped, uncovered)
    counts = ", ".join(f"{rule}: {len(v)}" for rule, v in grouped.items())
    late = sum(1 for i in uncovered if is_overdue(i))
    print(
        f"reminders: {total} overdue ({counts}, without cases past target: {late} of {len(uncovered)})"
    )
    if skipped:
        print(
            f"reminders: skipped {skipped} unreadable entr{'ies' if skipped != 1 else 'y'}",
            file=sys.stderr,
        )
    write_output("overdue", str(total), os.environ.get("GITHUB_OUTPUT"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
