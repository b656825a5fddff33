"""An API key, token, private key or password in a record.

Records are published to the whole team and often beyond; a credential in
one must be revoked and removed. Detected shapes: OpenAI/Anthropic, AWS,
GitHub, Slack, Stripe and Google keys, JWTs, PEM private keys (the whole
block), `Authorization: Basic/Bearer ...` headers, bearer tokens, passwords
(`password: ...` with a digit or symbol) and `api_key = ...` style
assignments.
"""

from __future__ import annotations

from collections.abc import Iterator

from incidentkit.detectors import SECRET
from incidentkit.findings import Finding, Level
from incidentkit.rules.context import LintContext, at_offset

ID = "secrets"
LEVEL = Level.ERROR


def check(ctx: LintContext) -> Iterator[Finding]:
    for doc in ctx.documents():
        for hit in ctx.hits(doc):
            if hit.kind == SECRET:
                yield at_offset(
                    doc,
                    hit.start,
                    ID,
                    LEVEL,
                    f"{hit.label} in a record",
                    f"revoke the credential, then: incidentkit redact --write {doc.path}",
                )
