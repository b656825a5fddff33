"""An email address or phone number in a record that will be published.

Reproductions must keep the exact input, but not the customer's identity.
Not personal data: addresses at documentation domains (example.com,
*.test), no-reply, bot and monitoring-tool addresses, role mailboxes such as support@ or
security@ (unless `allow_role_addresses = false`), git SSH remotes
(`git@github.com:org/repo.git`), the user of a URL, a login in an `ssh`/`scp`/`rsync`
command (`ssh ubuntu@host`), and the addresses
`[tool.incidentkit.personal_data] allow_emails` lists (`["*@vendor.com"]`).
Addresses in any script count (`françois@orange.fr`), and a tag does not make a
person's address a bot's (`t.nguyen+pager@...`). Phone numbers are found in
international (`+49 30 9018204`) and common national formats (`(415) 555-0199`,
`1-800-555-0199`, `030 9018204`, `01.42.68.53.00`, `(21) 99876-5432`), not in order numbers,
IDs, versions, dates or IP addresses. `incidentkit redact --write` replaces
every hit with a typed placeholder.
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
