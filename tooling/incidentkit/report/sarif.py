"""SARIF 2.1.0 for GitHub code scanning: rule metadata and exact locations."""

from __future__ import annotations

import json
from typing import Any, TextIO

from incidentkit import __version__
from incidentkit.findings import Level
from incidentkit.lint import LintResult
from incidentkit.rules import RULES

_SARIF_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.NOTE: "note"}
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def document(result: LintResult) -> dict[str, Any]:
    rule_ids = sorted(RULES)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    rules = [
        {
            "id": rule_id,
            "name": "".join(part.capitalize() for part in rule_id.split("-")),
            "shortDescription": {"text": RULES[rule_id].summary},
            "fullDescription": {"text": " ".join(RULES[rule_id].doc.split())},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[rule_id].level]},
            "help": {"text": RULES[rule_id].doc.strip()},
        }
        for rule_id in rule_ids
    ]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.level],
            "message": {"text": f.message + (f" Fix: {f.hint}" if f.hint else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in result.findings
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "incidentkit",
                        "version": __version__,
                        "informationUri": "https://github.com/incidentkit/incidentkit",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def write(result: LintResult, stream: TextIO, color: bool) -> None:
    json.dump(document(result), stream, indent=2)
    stream.write("\n")
