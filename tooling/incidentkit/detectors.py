"""Personal data and secrets in text that will be published.

One place defines what counts as an email, a phone number or a credential;
the `personal-data` and `secrets` lint rules report these hits and `redact`
replaces them, so after `redact --write` lint has nothing left to say.

We use compact regular expressions rather than a scanner such as
detect-secrets: we need exact character spans (for redaction and for the
finding's column) and lint must stay fast over ten thousand files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EMAIL = "email"
PHONE = "phone"
SECRET = "secret"

PLACEHOLDERS = {EMAIL: "[REDACTED-EMAIL]", PHONE: "[REDACTED-PHONE]", SECRET: "[REDACTED-SECRET]"}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b")
# Reserved for documentation (RFC 2606): never a real person's address.
_SAFE_EMAIL_DOMAIN = re.compile(
    r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid))$", re.I
)
_PHONE = re.compile(
    r"(?<![\w./:-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}(?![\w/:-])"
)
_SECRETS = [
    ("OpenAI/Anthropic API key", r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}"),
    ("AWS access key ID", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    ("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{40,}\b"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    ("Stripe key", r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}\b"),
    ("Google API key", r"\bAIza[0-9A-Za-z_-]{35}\b"),
    ("JSON Web Token", r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    # the whole PEM block when it is closed, so redaction removes the key material too
    (
        "private key",
        r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z]+ )?PRIVATE KEY-----)?",
    ),
    (
        "HTTP authorization header",
        r"\b(?i:authorization)\s*[:=]\s*['\"]?(?i:basic|bearer|token)\s+(?P<value>[A-Za-z0-9+/=._~-]{8,})",
    ),
    ("bearer token", r"\bBearer\s+(?P<value>[A-Za-z0-9._~+/-]{20,}=*)"),
    (
        "password",
        r"\b(?i:password|passwd|pwd)\b\s*[:=]\s*['\"]?(?P<value>(?=[^\s'\"]*[\d!@#$%^&*])[^\s'\"]{6,})",
    ),
    (
        "credential assignment",
        r"\b(?i:api[_-]?key|secret|token|password|passwd)\b\s*[:=]\s*['\"]?"
        r"(?P<value>(?=[A-Za-z0-9_/+=-]*\d)[A-Za-z0-9_/+=-]{16,})",
    ),
]
_SECRET_PATTERNS = [(label, re.compile(pattern)) for label, pattern in _SECRETS]
# Literal text each pattern cannot match without (None: no such literal). Checking
# `in` first skips most regex scans over a typical record; results are unchanged.
_NEEDLES: dict[str, tuple[str, ...] | None] = {
    "OpenAI/Anthropic API key": ("sk-",),
    "AWS access key ID": ("AKIA", "ASIA"),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "GitHub fine-grained token": ("github_pat_",),
    "Slack token": ("xox",),
    "Stripe key": ("_live_",),
    "Google API key": ("AIza",),
    "JSON Web Token": ("eyJ",),
    "private key": ("-----BEGIN ",),
    "HTTP authorization header": None,
    "bearer token": ("Bearer",),
    "password": None,
    "credential assignment": None,
}


@dataclass(frozen=True)
class Hit:
    kind: str  # EMAIL, PHONE or SECRET
    label: str  # what was found, for the message
    start: int  # character offsets into the scanned text
    end: int


def find_hits(text: str) -> list[Hit]:
    """Every sensitive span in `text`, in order, without overlaps."""
    hits = list(_secrets(text)) + list(_emails(text)) + list(_phones(text))
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _emails(text: str) -> Iterator[Hit]:
    if "@" not in text:
        return
    for m in _EMAIL.finditer(text):
        if not _SAFE_EMAIL_DOMAIN.search(m.group()):
            yield Hit(EMAIL, "email address", m.start(), m.end())


# Every phone number holds two runs of 3-4 digits around a separator. This
# pattern starts with a digit class, which the regex engine skips to quickly;
# the full pattern (whose look-behind defeats that) runs only near candidates.
_PHONE_CORE = re.compile(r"\d{3,4}[ .-]\d{3,4}")


def _phones(text: str) -> Iterator[Hit]:
    cursor = 0
    for candidate in _PHONE_CORE.finditer(text):
        if candidate.end() <= cursor:
            continue
        window_start = max(cursor, candidate.start() - 12)
        m = _PHONE.search(text, window_start, min(len(text), candidate.end() + 10))
        if m is None or m.start() > candidate.start():
            continue
        cursor = m.end()
        if sum(c.isdigit() for c in m.group()) >= 9:
            yield Hit(PHONE, "phone number", m.start(), m.end())


# The same for the case-insensitive patterns, checked against the lowered text.
_LOWER_NEEDLES: dict[str, tuple[str, ...]] = {
    "HTTP authorization header": ("authorization",),
    "password": ("password", "passwd", "pwd"),
    "credential assignment": ("api", "secret", "token", "password", "passwd"),
}


def _secrets(text: str) -> Iterator[Hit]:
    lowered: str | None = None
    for label, pattern in _SECRET_PATTERNS:
        needles = _NEEDLES[label]
        if needles is not None and not any(needle in text for needle in needles):
            continue
        lower_needles = _LOWER_NEEDLES.get(label)
        if lower_needles is None:
            matches: Iterable[re.Match[str]] = pattern.finditer(text)
        else:
            # These patterns start with one of their keywords: match only where
            # a keyword occurs instead of trying the pattern at every character.
            lowered = text.lower() if lowered is None else lowered
            matches = _anchored(pattern, text, lowered, lower_needles)
        for m in matches:
            start, end = m.span("value") if "value" in pattern.groupindex else m.span()
            yield Hit(SECRET, label, start, end)


def _anchored(
    pattern: re.Pattern[str], text: str, lowered: str, needles: tuple[str, ...]
) -> Iterator[re.Match[str]]:
    starts = sorted({i for n in needles for i in _occurrences(lowered, n)})
    end = -1
    for index in starts:
        if index < end:
            continue
        m = pattern.match(text, index)
        if m is not None:
            end = m.end()
            yield m


def _occurrences(text: str, needle: str) -> Iterator[int]:
    index = text.find(needle)
    while index >= 0:
        yield index
        index = text.find(needle, index + 1)


def redact(text: str) -> tuple[str, list[Hit]]:
    """`text` with every hit replaced by its typed placeholder."""
    hits = find_hits(text)
    out = []
    cursor = 0
    for hit in hits:
        out.append(text[cursor : hit.start])
        out.append(PLACEHOLDERS[hit.kind])
        cursor = hit.end
    out.append(text[cursor:])
    return "".join(out), hits
