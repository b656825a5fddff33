"""Findings as one JSON document: `{"findings": [...], "summary": {...}}`.

Stable keys: each finding has path, line, column, rule, level, message, hint.
"""

from __future__ import annotations

import json
from typing import TextIO

from incidentkit.lint import LintResult


def write(result: LintResult, stream: TextIO, color: bool) -> None:
    document = {
        "findings": [f.as_dict() for f in result.findings],
        "summary": {"errors": result.errors, "warnings": result.warnings, "files": result.files},
    }
    json.dump(document, stream, indent=2)
    stream.write("\n")
