"""An API key, token, private key or password in a record.

Records are published to the whole team and often beyond; a credential in
one must be revoked and removed. Detected: the provider formats secret
scanners such as gitleaks know (AWS key pairs, the 40-character secret key
included; GitHub classic and fine-grained; GitLab; Slack tokens and
webhooks; Stripe; OpenAI; Anthropic; Google API keys and OAuth secrets;
Hugging Face; npm; PyPI; Docker Hub; SendGrid; Twilio; Azure storage keys
and SAS signatures; JWTs; Vault, DigitalOcean, Shopify and more), private-key
blocks, the password of a URL (`postgres://app:...@db`), `Authorization`
headers and bearer tokens, passwords on command lines (`mysql -p...`,
`curl -u user:...`, `redis-cli -a`, `sshpass -p`, `docker login -p`,
`echo ... | ... --password-stdin`), Docker registry auth (`"auth": "..."`,
`.dockerconfigjson`), `.npmrc` auth lines, the secret half of a key
pair beside its key ID (Twilio's too), and `password`/`secret`/`token`/`api_key`
assignments, XML elements and quoted values in prose whose value is random
enough (letters-only passwords count), and a person's password in prose
("the password is hunter2").
Not secrets: references (`${DB_PASSWORD}`, `{{ vault_token }}`, `$(cmd)`,
`os.environ[...]`, `var.db_password`, secret-manager names and ARNs, `my-app-secret`), a URL whose password is
its user (`guest:guest@`), public keys, placeholders
(`<redacted>`, `****`, `xxxx`, a key block saying `<paste the key here>`) and the keys providers publish in their
documentation (AWS's `...EXAMPLE` pair, Stripe's test key, jwt.io's token). The
finding is at the secret; `incidentkit redact` removes every part of it and
nothing around it. docs/prose-rules.md shows how the rule is measured.
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
