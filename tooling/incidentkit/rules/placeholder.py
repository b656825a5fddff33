"""A record still holds template text that `incidentkit new` or `init` left for a person to replace.

The markers come from the templates themselves (`templates/`, packaged and
the repository's own): their `TODO` strings (`"TODO: what a correct reply
does"`, `"@TODO"`, `Why did TODO happen? Because TODO.`), date placeholders
(`"YYYY-MM-DD"`), any field value holding one of those placeholder words, and
a section whose only content is still the template's `<!-- guidance -->`
comment. Incidents, post-mortems and eval cases alike: a half-written record
cannot merge, and a case holding placeholder text does not count toward
policy. YAML comments are guidance, not data, and are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.findings import Finding, Level
from incidentkit.records.document import Document
from incidentkit.records.placeholders import (
    Markers,
    describe,
    guidance_only_sections,
    in_data,
    markers_for,
)
from incidentkit.rules.context import LintContext, at, at_offset

ID = "placeholder"
LEVEL = Level.ERROR

_YAML_COMMENT = re.compile(r"[ \t]*#")
_HINT = "replace the template's placeholder with the record's real content, or delete the line"


def check(ctx: LintContext) -> Iterator[Finding]:
    markers = markers_for(ctx.config)
    for doc in ctx.documents():
        if doc.readable:
            yield from _document(doc, markers)


def _document(doc: Document, markers: Markers) -> Iterator[Finding]:
    lines: set[int] = set()
    walk = markers.could_hold_data(doc.text, *doc.yaml_span)
    for key, text in in_data(markers, doc.data) if walk else ():
        finding = at(
            doc,
            key,
            ID,
            LEVEL,
            f"`{describe(key)}` still holds the template's placeholder {text!r}",
            _HINT,
        )
        lines.add(finding.line)
        yield finding
    # Comments and Markdown bodies: whole placeholder phrases only, so prose
    # that merely mentions a TODO list is left alone.
    for offset, phrase in markers.in_text(doc.text):
        line_start = doc.text.rfind("\n", 0, offset) + 1
        if _YAML_COMMENT.match(doc.text, line_start) and _in_yaml(doc, offset):
            continue  # a YAML comment: guidance, never data; the fields are checked above
        finding = at_offset(
            doc, offset, ID, LEVEL, f"the template's placeholder {phrase!r} is still here", _HINT
        )
        if finding.line not in lines:
            lines.add(finding.line)
            yield finding
    if doc.body_offset >= 0:
        for offset, heading in guidance_only_sections(markers, doc.body):
            where = f"section '{heading}'" if heading else "the body"
            yield at_offset(
                doc,
                doc.body_offset + offset,
                ID,
                LEVEL,
                f"{where} holds only the template's guidance comment",
                "write the section (the comment may stay), or delete the section if the "
                "template allows it",
            )


def _in_yaml(doc: Document, offset: int) -> bool:
    """Whether `offset` lies in the YAML (a whole eval file, or a record's front matter)."""
    return doc.kind == "eval" or doc.body_offset < 0 or offset < doc.body_offset
