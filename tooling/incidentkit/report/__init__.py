"""Lint reporters, chosen by name: each writes a `LintResult` to a stream."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from incidentkit.lint import LintResult
from incidentkit.report import github, json_format, sarif, text

Reporter = Callable[[LintResult, TextIO, bool], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.write,
    "json": json_format.write,
    "github": github.write,
    "sarif": sarif.write,
}
