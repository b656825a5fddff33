"""What counts as personal data or a secret: the spans `lint` reports and `redact` replaces."""

from __future__ import annotations

import pytest

from incidentkit.detectors import EMAIL, PHONE, SECRET, find_hits, redact

PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEpAIBAAKCAQEA1ETW61+Jo2JfAbCdEfGh\n"
    "  aGVsbG8gd29ybGQgdGhpcyBpcyBhIGtleQ==\n"
    "-----END RSA PRIVATE KEY-----"
)


@pytest.mark.parametrize(
    ("text", "kind", "secret_part"),
    [
        ("mail jane.doe@gmail.com today", EMAIL, "jane.doe@gmail.com"),
        ("call +1 415 555 0100", PHONE, "+1 415 555 0100"),
        ("call (415) 555-0199", PHONE, "(415) 555-0199"),
        (
            "key sk-proj-abcdefghijklmnopqrstuvwxyz0123",
            SECRET,
            "sk-proj-abcdefghijklmnopqrstuvwxyz0123",
        ),
        ("AKIAABCDEFGHIJKLMNOP", SECRET, "AKIAABCDEFGHIJKLMNOP"),
        ('api_key = "abc123def456ghi789jkl"', SECRET, "abc123def456ghi789jkl"),
        ("password: hunter2secret", SECRET, "hunter2secret"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZA==", SECRET, "dXNlcjpwYXNzd29yZA=="),
        (
            "-H 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz123456'",
            SECRET,
            "abcdefghijklmnopqrstuvwxyz123456",
        ),
        (f"before\n{PEM}\nafter", SECRET, PEM),
    ],
)
def test_detected_and_redacted_whole(text: str, kind: str, secret_part: str) -> None:
    hits = find_hits(text)
    assert [(h.kind, text[h.start : h.end]) for h in hits] == [(kind, secret_part)]
    redacted, _ = redact(text)
    assert secret_part not in redacted
    assert find_hits(redacted) == []


@pytest.mark.parametrize(
    "text",
    [
        "INC-2026-0042 detected 2026-03-04 10:15, fixed 2026-03-05T09:00:00+02:00",
        "support-agent@1.4.0 and v1.2.3; 4,000 users; $1,200.50",
        "write to support@example.com or ops@status.test",
        "the password: changed yesterday by support",
        "a blameless review with @asha-r",
    ],
)
def test_ordinary_record_text_is_not_flagged(text: str) -> None:
    assert find_hits(text) == []
