"""Personal data and secrets in text that will be published.

One place defines what counts as an email, a phone number or a credential:
the `personal-data` and `secrets` lint rules report these hits, and
`redaction.py` (used by `redact`, the site, exports and traces) replaces
them, so after `redact --write` lint has nothing left to say.

Public API (stable; extended compatibly):

- `find_hits(text, options=None) -> list[Hit]`: every sensitive span, in
  order, without overlaps. A `Hit` covers exactly what must be removed: both
  halves of an AWS key pair (two hits), only the password of a URL, a whole
  private-key block, nothing around them.
- `redact(text, options=None) -> (text, hits)`: each hit replaced by its
  typed placeholder (`PLACEHOLDERS`).
- `Options(allow_emails=(), allow_role_addresses=True)`: what a repository
  allows (`[tool.incidentkit.personal_data]`; `Options.from_config(config)`).
- Kinds `EMAIL`, `PHONE`, `SECRET`.

Secrets (`secrets.py`) follow the provider formats that scanners such as
gitleaks know, plus assignments (`password: ...`) with an entropy check;
personal data (`personal.py`) is emails and phone numbers. Both are compact
regular expressions behind literal prefilters rather than a scanner such as
detect-secrets: we need exact character spans, and lint must stay fast over
ten thousand files. tests/labelled/ measures them (docs/prose-rules.md).
"""

from __future__ import annotations

from incidentkit.detectors.hits import EMAIL, PHONE, PLACEHOLDERS, SECRET, Hit, Options
from incidentkit.detectors.personal import emails, phones
from incidentkit.detectors.secrets import secrets

__all__ = ["EMAIL", "PHONE", "PLACEHOLDERS", "SECRET", "Hit", "Options", "find_hits", "redact"]


def find_hits(text: str, options: Options | None = None) -> list[Hit]:
    """Every sensitive span in `text`, in order, without overlaps.

    Where spans overlap the earlier, then the longer one wins; secrets are
    found first, so the password of `postgres://app:pw@db.example` is never
    read as the email `pw@db.example`.
    """
    hits = secrets(text)
    hits.extend(emails(text, options or Options()))
    hits.extend(phones(text))
    if len(hits) < 2:
        return hits  # most texts: nothing to order or resolve
    hits.sort(key=lambda h: (h.start, -h.end, h.kind != "secret"))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def redact(text: str, options: Options | None = None) -> tuple[str, list[Hit]]:
    """`text` with every hit replaced by its typed placeholder."""
    hits = find_hits(text, options)
    out = []
    cursor = 0
    for hit in hits:
        out.append(text[cursor : hit.start])
        out.append(PLACEHOLDERS[hit.kind])
        cursor = hit.end
    out.append(text[cursor:])
    return "".join(out), hits
