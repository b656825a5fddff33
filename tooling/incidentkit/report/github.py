"""GitHub Actions workflow commands: one annotation per finding.

Picked automatically when `GITHUB_ACTIONS=true`. Values are escaped as the
runner expects (`%`, CR, LF everywhere; `:` and `,` in properties too).
"""

from __future__ import annotations

from typing import TextIO

from incidentkit.findings import Finding, Level
from incidentkit.lint import LintResult
from incidentkit.report.text import summary

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, title: str | None = None) -> str:
    props = ",".join(
        [
            f"file={escape_property(finding.path)}",
            f"line={finding.line}",
            f"col={finding.column}",
            f"title={escape_property(title or 'incidentkit ' + finding.rule)}",
        ]
    )
    message = finding.message + (f" (fix: {finding.hint})" if finding.hint else "")
    return f"::{_COMMAND[finding.level]} {props}::{escape_data(message)}"


def write(result: LintResult, stream: TextIO, color: bool) -> None:
    for finding in result.findings:
        stream.write(annotation(finding) + "\n")
    stream.write(summary(result) + "\n")
