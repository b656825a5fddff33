"""A record does not match its JSON Schema in `schemas/`.

Covers required fields, types, enums (severity, status, failure modes...),
timestamp and date formats, and unknown fields: a typo in a field name is an
error, with the closest known field suggested. Teams change the taxonomy by
editing the schemas, not code.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.records.schemas import schema_errors, validators
from incidentkit.records.yamlsource import Key
from incidentkit.rules.context import LintContext, at

ID = "schema"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    compiled = validators(ctx.config.schemas_path)
    for doc in ctx.documents():
        if not doc.readable:
            continue
        validator = compiled[doc.kind]
        cases = doc.data.get("cases") if doc.kind == "eval" else None
        if cases is not None and not isinstance(cases, list):
            yield at(
                doc,
                ("cases",),
                ID,
                LEVEL,
                "'cases' must be a list of cases",
                "write each case as a list item: 'cases:' then '  - id: ...'",
            )
            continue
        if isinstance(cases, list):
            for extra in doc.data.keys() - {"cases"}:
                yield at(
                    doc,
                    (extra,),
                    ID,
                    LEVEL,
                    f"unknown field '{extra}' beside 'cases'",
                    "a multi-case file holds only 'cases:'; move the field into each case",
                )
            units: list[tuple[Key, object]] = [(("cases", i), c) for i, c in enumerate(cases)]
        else:
            units = [((), doc.data)]
        for prefix, data in units:
            for error in schema_errors(validator, data):
                yield at(doc, (*prefix, *error.key), ID, LEVEL, error.message, error.hint)
