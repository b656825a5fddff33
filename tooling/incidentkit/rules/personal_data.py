"""An email address or phone number in a record that will be published.

Reproductions must keep the exact input, but not the customer's identity.
Addresses at documentation domains (example.com, *.test) are allowed.
`incidentkit redact --write` replaces every hit with a typed placeholder.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.detectors import SECRET
from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at_offset

ID = "personal-data"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    for doc in ctx.documents():
        for hit in ctx.hits(doc):
            if hit.kind != SECRET:
                yield at_offset(
                    doc,
                    hit.start,
                    ID,
                    LEVEL,
                    f"{hit.label} in published text",
                    f"replace it with a placeholder: incidentkit redact --write {doc.path}",
                )
