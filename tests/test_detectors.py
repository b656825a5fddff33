"""What counts as personal data or a secret: the spans `lint` reports and `redact` replaces."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from incidentkit.detectors import EMAIL, PHONE, SECRET, Hit, Options, find_hits, redact
from labelled.scoring import load

# The module, not the function `incidentkit.detectors.secrets` re-exports.
secrets_module = importlib.import_module("incidentkit.detectors.secrets")

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
        # what a password is, not the password
        "the password is sha256-hashed, the password is AES256 encrypted",
        "the password is 32bytes long; the password is utf8mb4 text",
        "the password is stored in vault; the token is hunter22",
        # a slash between numbers is a date, a range or a reference, not a German number
        "dates 03/04/2026 and 2024/2025; invoice 012/2026; see /api/0301/12345",
    ],
)
def test_ordinary_record_text_is_not_flagged(text: str) -> None:
    assert find_hits(text) == []


AWS_ID = "AKIAB3SKCZTKMBF6JDPY"
AWS_SECRET = "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"


@pytest.mark.parametrize(
    "text",
    [
        f"AWS_ACCESS_KEY_ID: {AWS_ID}\nAWS_SECRET_ACCESS_KEY: {AWS_SECRET}\n",
        f"[default]\naws_access_key_id = {AWS_ID}\naws_secret_access_key = {AWS_SECRET}\n",
        f"keys: {AWS_ID} / {AWS_SECRET}",
        f'{{"AccessKeyId": "{AWS_ID}", "SecretAccessKey": "{AWS_SECRET}"}}',
    ],
)
def test_an_aws_key_pair_is_redacted_whole(text: str) -> None:
    redacted, hits = redact(text)
    assert AWS_ID not in redacted and AWS_SECRET not in redacted
    assert sorted(text[h.start : h.end] for h in hits) == sorted([AWS_ID, AWS_SECRET])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "DATABASE_URL=postgres://app:Pa55!word@db.internal:5432/orders",
            "DATABASE_URL=postgres://app:[REDACTED-SECRET]@db.internal:5432/orders",
        ),
        (
            "Run `password: S3cretPass!` again",  # the closing backtick stays
            "Run `password: [REDACTED-SECRET]` again",
        ),
        ('token = "a8f5f167f44f4964e6c998dee827110c";', 'token = "[REDACTED-SECRET]";'),
        (
            "AccountName=x;AccountKey=YfDqAkXkzpmLpHSrlm+eDoQRrVb/iR7oMs3bJ4O7wd7BmqvUgbm5e6dI8Vx+vXSg==;End=y",
            "AccountName=x;AccountKey=[REDACTED-SECRET];End=y",
        ),
    ],
)
def test_redaction_removes_the_secret_and_nothing_around_it(text: str, expected: str) -> None:
    assert redact(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "git@github.com:acme/agent-config.git",
        "postgres://app@db.internal:5432/orders",
        "49699333+dependabot[bot]@users.noreply.github.com",
        "Orders 1234 5678 9012 were refunded",
        "password: ${DB_PASSWORD}",
        "AKIAIOSFODNN7EXAMPLE",
        "secret: projects/acme/secrets/db-password/versions/latest",
        "max_tokens: 4096",
    ],
)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert find_hits(text) == []


def test_configured_addresses_are_allowed() -> None:
    text = "Escalate to oncall-vendor@partner.io, cc support@acme.io and jane@acme.io"
    assert [text[h.start : h.end] for h in find_hits(text)] == [
        "oncall-vendor@partner.io",
        "jane@acme.io",
    ]
    allowed = Options(allow_emails=("*@partner.io",))
    assert [text[h.start : h.end] for h in find_hits(text, allowed)] == ["jane@acme.io"]
    strict = Options(allow_role_addresses=False)
    found = [text[h.start : h.end] for h in find_hits(text, strict)]
    assert found == ["oncall-vendor@partner.io", "support@acme.io", "jane@acme.io"]


# Each class the fourth labelled batch taught (tests/labelled/secrets-batch-4.yaml):
# the text after redaction, exactly, so nothing of the secret and nothing else goes.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a key pair's secret half, unlabelled beside its key ID
            "twilio('SK08796d2cdee7de7ef71b3bf6504fd567', 'Vb4tQ9xLm2Rk7Zp3Wn8Yc6Hj1Df5Gs0A')",
            "twilio('[REDACTED-SECRET]', '[REDACTED-SECRET]')",
        ),
        (  # an account SID is no secret, its auth token beside it is
            'Client("AC2185137dbbaab4e1494cd99247769892", "6291d63ec1c476325ab86aebf5f8c19c")',
            'Client("AC2185137dbbaab4e1494cd99247769892", "[REDACTED-SECRET]")',
        ),
        ("mysql -u root -pS3cr3tPassw0rd db", "mysql -u root -p[REDACTED-SECRET] db"),
        ("redis-cli -a 'Xk82mPq9Lz4Rt' ping", "redis-cli -a '[REDACTED-SECRET]' ping"),
        (
            "curl -u admin:Wq83kLm29xPz https://x.io/",
            "curl -u admin:[REDACTED-SECRET] https://x.io/",
        ),
        ("sshpass -p Hk29xLm83Qz ssh h", "sshpass -p [REDACTED-SECRET] ssh h"),
        ("<password>Vq8rT2mXz9Lp</password>", "<password>[REDACTED-SECRET]</password>"),
        ("the passphrase `YE6SueD484HDMG` leaked", "the passphrase `[REDACTED-SECRET]` leaked"),
        ('the token was "Zx9Qw2Er7Ty6Ui3Op".', 'the token was "[REDACTED-SECRET]".'),
        ("PGPASSWORD=Zq8xLm3pRt psql -h db", "PGPASSWORD=[REDACTED-SECRET] psql -h db"),
        ("SECRET_KEY_BASE=9f8e7d6c5b4a3928172635", "SECRET_KEY_BASE=[REDACTED-SECRET]"),
        ("DB_PASSWORD_PROD: Hq7wE3rT9yU1", "DB_PASSWORD_PROD: [REDACTED-SECRET]"),
        ('{"user": "svc", "pass": "Xy8kLm2Qp9"}', '{"user": "svc", "pass": "[REDACTED-SECRET]"}'),
        (
            "AZURE_STORAGE_KEY=5kDe0e1AOHgsEWNpHbA/B/pD7rfTDzlTcYv4v17hHU7NkngtVIm/dNkrIsq5/j94ExQ/H1O+rfVyVZN4/y1lvA==",
            "AZURE_STORAGE_KEY=[REDACTED-SECRET]",
        ),
        ("Rotate glpat-abcdEFGH1234ijklMNOP. Then retry.", "Rotate [REDACTED-SECRET]. Then retry."),
        (
            "token xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MC0xMjM0NTY3ODkwLWFi in a log",
            "token [REDACTED-SECRET] in a log",
        ),
        ("API key: Zq8xLm3pRtW2kN7v", "API key: [REDACTED-SECRET]"),
        (  # the token is the user when the password is the protocol's fixed word
            "https://a8f5f167f44f4964e6c998dee827110c3b2e:x-oauth-basic@github.com/a/b.git",
            "https://[REDACTED-SECRET]:x-oauth-basic@github.com/a/b.git",
        ),
        ("password: famplsbbnnmf (for staging)", "password: [REDACTED-SECRET] (for staging)"),
        (
            "docker login -u ci -p Zx9Qw3Er7Ty1Ui5 reg.io",
            "docker login -u ci -p [REDACTED-SECRET] reg.io",
        ),
        (
            'echo "Zx9Qw3Er7Ty1Ui5" | docker login -u ci --password-stdin',
            'echo "[REDACTED-SECRET]" | docker login -u ci --password-stdin',
        ),
        ("The password is Zx9Qw3Er7Ty1 and", "The password is [REDACTED-SECRET] and"),
        # a person's password in prose: letters with digits or symbols
        ("the password is hunter2 for staging", "the password is [REDACTED-SECRET] for staging"),
        ("The passphrase was P@ssw0rd.", "The passphrase was [REDACTED-SECRET]."),
        (  # a sentence's full stop ends an unquoted value
            "Leaked: password: kXxSRHKnLLBv. It was rotated.",
            "Leaked: password: [REDACTED-SECRET]. It was rotated.",
        ),
        (
            "cookie d=xoxd-Zx9Qw3Er7Ty1Ui5Op2As4Df6Gh8Jk0LzXcVbNmQw%2F%3D; d-s=1",
            "cookie d=[REDACTED-SECRET]; d-s=1",
        ),
        (  # JSON escaped in a log line
            'body={\\"user\\":\\"svc\\",\\"password\\":\\"Xyz123abcQ\\"} status=500',
            'body={\\"user\\":\\"svc\\",\\"password\\":\\"[REDACTED-SECRET]\\"} status=500',
        ),
        (
            "//registry.npmjs.org/:_authToken=5f2b8c1d-9e3a-4f6b-7c8d-9e0f1a2b3c4d",
            "//registry.npmjs.org/:_authToken=[REDACTED-SECRET]",
        ),
        (
            '{"auths": {"ghcr.io": {"auth": "Y2ktYm90OmdocF9aeDlRdzNFcjdUeTFVaTVP"}}}',
            '{"auths": {"ghcr.io": {"auth": "[REDACTED-SECRET]"}}}',
        ),
        (
            "  .dockerconfigjson: eyJhdXRocyI6eyJnaGNyLmlvIjp7ImF1dGgiOiJZMmt0WW05ME9tZG9j",
            "  .dockerconfigjson: [REDACTED-SECRET]",
        ),
        (
            '{"keyName": "key1", "permissions": "FULL", "value": "TQf23JWijUyW9I5Xtvr3S3BlzS0ZZJK4NK2OessqMQ+wne5vrTzV+TqMxEpdCMrYUEKoT06dSdD2sv2hGhujQA=="}',
            '{"keyName": "key1", "permissions": "FULL", "value": "[REDACTED-SECRET]"}',
        ),
        ("the secret key `Hq7wE3rT9yU1iO5pA2sD`.", "the secret key `[REDACTED-SECRET]`."),
        # `&` inside a value is part of it; it ends one only before the next
        # query parameter, a shell's `&&` or an HTML entity
        ("pwd=Tr0ub4dor&3", "pwd=[REDACTED-SECRET]"),
        (
            "GET /login?user=svc&pwd=Tr0ub4dor&3&lang=en",
            "GET /login?user=svc&pwd=[REDACTED-SECRET]&lang=en",
        ),
        ("DB_PASSWORD: Hq7wE3rT&9yU1", "DB_PASSWORD: [REDACTED-SECRET]"),
        ("PGPASSWORD=Zq8xLm3pRt&&psql -h db", "PGPASSWORD=[REDACTED-SECRET]&&psql -h db"),
        ("password=Zq8xLm3pRt&amp;user=x", "password=[REDACTED-SECRET]&amp;user=x"),
        (  # the query of a URL is no user:password part, its `password=` is read
            "jdbc:sqlserver://sql:1433;user=svc;password=vD8TlEA1ZhGGJKforo4w;encrypt=true",
            "jdbc:sqlserver://sql:1433;user=svc;password=[REDACTED-SECRET];encrypt=true",
        ),
    ],
)
def test_each_class_of_secret_is_redacted_whole_and_alone(text: str, expected: str) -> None:
    redacted, hits = redact(text)
    assert redacted == expected
    assert all(h.kind == SECRET for h in hits)
    assert find_hits(redacted) == []


@pytest.mark.parametrize(
    "text",
    [
        "password = var.db_password",
        "password = db_password",
        "password = self.password",
        'password = "${DB_PASSWORD:-postgres}"',
        'export OPENAI_API_KEY="$(vault kv get -field=key secret/openai)"',
        "API_KEY=`openssl rand -hex 32`",
        "curl -u user:password https://httpbin.org/basic-auth/user/password",
        "mysql -u root -p$MYSQL_ROOT_PASSWORD",
        "mysql -u root -p mydb",
        "The secret `db-prod-2026` lives in Secret Manager.",
        "Set the token `GITHUB_TOKEN` in the repository settings.",
        "the password> field",
        "account AC0123456789abcdef0123456789abcdef, request 5f2b8c1d9e3a4f6b7c8d9e0f1a2b3c4d",
        "git clone https://gitlab+deploy-token-42@gitlab.acme.io/infra/charts.git",
        'ssh_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3kLx9Qz2 deploy@ci"',
        "primary_key: organisation_member_uuid",
        "Our key learning: rotate often",
        "password: expiring (next week)",
        "secret: my-app-secret",
        "pip install sk-video-processing-toolkit==0.4.1",
        "'password' => $dbPass,",
        "password = @db_password",
        "password: :db_password",
        "pass: 3",
        "pass: all tests",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        '"auth": "basic"',
        "postgresql://postgres:postgres@localhost:5432/test",
        'echo "$GHCR_TOKEN" | docker login ghcr.io -u bot --password-stdin',
        "The password is incorrect for user admin.",
        "The secret was SHA256-hashed.",
        "The session token was eyJhbGciOiJIUzI1NiJ9 (its header only).",
        "-----BEGIN PRIVATE KEY-----\n<paste the service account key here>\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----",
    ],
)
def test_references_and_commands_are_not_secrets(text: str) -> None:
    assert [h for h in find_hits(text) if h.kind == SECRET] == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Call 1-800-555-0199 now", "1-800-555-0199"),
        ("call 8 (495) 123-45-67 after ten", "8 (495) 123-45-67"),
        ("Tel. 030/84712930", "030/84712930"),
        ("phone: 089/123 456 78 (office)", "089/123 456 78"),
        ("the user's 8-495-123-45-67", "8-495-123-45-67"),
        ("call 1 (415) 555-0134 today", "1 (415) 555-0134"),
        ("Standard : 01.42.68.53.00", "01.42.68.53.00"),
        ("ou celular (21) 99876-5432.", "(21) 99876-5432"),
        ("携帯 090-3318-4426 に電話", "090-3318-4426"),
        ("phone=(212)555-0163", "(212)555-0163"),
        ("Israel support: +972-52-481-9033", "+972-52-481-9033"),
        ("Sao Paulo: 11 94832-1078", "11 94832-1078"),
        ("Noah Fischer,+49 40 48193027", "+49 40 48193027"),
        ("call (415)-555-0134", "(415)-555-0134"),
        ("WhatsApp +91 9876543210 today", "+91 9876543210"),
        ("+91-9876543210", "+91-9876543210"),
        ("celular (11) 98765 4321", "(11) 98765 4321"),
    ],
)
def test_national_phone_shapes(text: str, number: str) -> None:
    assert [(h.kind, text[h.start : h.end]) for h in find_hits(text)] == [(PHONE, number)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "routed to t.nguyen+pager@eng.acme-robotics.co.uk",
            "t.nguyen+pager@eng.acme-robotics.co.uk",
        ),
        ("Email françois.dupont@orange.fr asap", "françois.dupont@orange.fr"),
        ("After the ssh session ended we wrote to jane.doe@gmail.com", "jane.doe@gmail.com"),
        ("Refund for mary.jenkins@gmail.com", "mary.jenkins@gmail.com"),
    ],
)
def test_a_persons_address_with_a_tag_or_accents(text: str, address: str) -> None:
    assert [(h.kind, text[h.start : h.end]) for h in find_hits(text)] == [(EMAIL, address)]


@pytest.mark.parametrize(
    "text",
    [
        "versions 1.4.0.2 and 10.12.144.201",
        "date 29.11.2026 and 2026.11.29",
        "pager+ops@acme.io sent it",
        "Location +52.520008, +13.404954 logged",
        "ssh ubuntu@ec2-3-120-1-1.eu-central-1.compute.amazonaws.com",
        "ssh -p 2222 -o StrictHostKeyChecking=no maria@jump.acme.io",
        "rsync -av ./out jane.doe@files.acme.io:backup/",
        "calendar-notification@google.com sent the invite",
        "Notification from no_reply@accounts.acme.io",
        "jenkins-ci@acme.io and release-bot@acme.io",
        "the tool call returned 48213 48214 48215",
        "Call stack depth 1024 2048 4096",
        "Number of retries: 3 5 8 13 21 34",
        "Number of tokens 128000 200000",
        "totals 1,234,567 and 4,500,000",
        "date 2026-11-29 and 972-52-48",
    ],
)
def test_dotted_numbers_and_automation_are_not_personal(text: str) -> None:
    assert find_hits(text) == []


def _secrets_without_prefilter(text: str) -> list[Hit]:
    """What `secrets` finds when every format is tried on the whole text and key words
    (as identifiers spell them: `pass`, `Pass`, `PASS`) are found with `str.startswith`:
    the reference the one-pass needle scan must equal."""
    hits = [
        hit for fmt in secrets_module._FORMATS for hit in secrets_module._format_hits(fmt, text)
    ]
    hits.extend(secrets_module._url_passwords(text))
    hits.extend(secrets_module._pair_secrets(text, hits))
    keys = [
        (index, index + len(word))
        for word in {
            form for key in secrets_module._KEY_NEEDLES for form in (key, key.title(), key.upper())
        }
        for index in range(len(text))
        if text.startswith(word, index)
    ]
    hits.extend(secrets_module._assignments(text, sorted(keys)))
    return hits


# Every labelled secret and look-alike in its context, every format's needle in
# both cases, credential key words in mixed case, operators, token characters,
# and a character whose lower case is longer (`İ`).
_LABELLED = load("secrets")
_SECRET_PIECES = st.sampled_from(
    [item["text"] for group in _LABELLED.values() for item in group]
    + sorted({n for fmt in secrets_module._FORMATS for n in fmt.needles})
    + [n.lower() for fmt in secrets_module._FORMATS for n in fmt.needles]
    + ["PassWord", "TOKEN", "Credential", "pwd"]
    + ["=", ": ", '"', " ", "\n", "://", "@", "İ", "ß", "\udcff", "abcdefghij"]
    + ["Zx9Qw3Er7Ty1Ui5Op2As", "-", "_", ".", "/", "+", "=="]
)


_KEYS = ["PassWord", "DB_PASSWORD", "client_Secret", "apiKey", "GITHUB_TOKEN", "Credential", "pwd"]
_ASSIGNMENT = st.tuples(
    st.sampled_from(_KEYS),
    st.sampled_from(["=", ": ", '": "', " := ", " "]),
    st.sampled_from(["Zx9Qw3Er7Ty1Ui5Op2As", "hunter2hunter", "${VAR}", "x"]),
).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.one_of(_SECRET_PIECES, _ASSIGNMENT, st.text(max_size=6)), max_size=20).map("".join)
)
@example("İ" * 40 + " DB_PASSWORD=Zx9Qw3Er7Ty1Ui5Op2As")
def test_the_needle_scan_only_skips_work(text: str) -> None:
    assert sorted(secrets_module.secrets(text), key=_order) == sorted(
        _secrets_without_prefilter(text), key=_order
    )


def _order(hit: Hit) -> tuple[int, int, str]:
    return hit.start, hit.end, hit.label


def test_a_lone_surrogate_is_scanned_like_any_character() -> None:
    """An undecodable file name becomes a lone surrogate in Python; the scan reads on."""
    token = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"
    text = f"\udcff see {token} and mail jane.doe@gmail.com"
    assert [text[h.start : h.end] for h in find_hits(text)] == [token, "jane.doe@gmail.com"]


# Whole labelled texts side by side, and the glue records put between them.
_LABELLED_TEXTS = sorted(
    {
        item["text"]
        for name in ("secrets", "personal_data")
        for group in load(name).values()
        for item in group
    }
)
_GLUE = ["`", '"', ":", "=", "(", ")", ",", "password: ", "token=", "ssh ", "tool call", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LABELLED_TEXTS + _GLUE), max_size=6).map(" ".join))
@example(  # a phone number after a token: no tracking-number group
    "TWINE_PASSWORD=pypi-AgEIcHlwaS5vcmcACSr7JVSykIPzJlER2Wow3j74v9qD7IfmRy1owAN6US +39 06 6982 1234"
)
@example("the tool call Process ids 48213 48214 48215 48216 were killed.")
@example("Israel support: +972-52-481-9033 Dependabot mail: 49699333+dependabot[bot]@x.io")
@example("contact number: 0412 345 678 (2026) 123 incidents")
@example("Ring 08-481 293 70 (Stockholm). Deployed at 1764425111 (epoch)")
def test_after_redact_nothing_is_left_to_find(text: str) -> None:
    """`redact` then lint finds nothing: what is redacted is what was found, whole."""
    redacted, _ = redact(text)
    assert [(h.kind, redacted[h.start : h.end]) for h in find_hits(redacted)] == []


@pytest.mark.parametrize(
    "key",
    ["password", "Password", "PASSWORD", "dbPassword", "DB_PASSWD", "PGPASSWORD",
     "apiKey", "API_KEY", "ApiKey", "clientSecret", "CLIENT_SECRET", "authToken", "Pwd",
     "credential", "AWS_CREDENTIAL", "db_pass", "PASS"],
)  # fmt: skip
def test_credential_keys_in_every_spelling_identifiers_use(key: str) -> None:
    text = f"{key}=Zx9Qw3Er7Ty1Ui5Op2As"
    assert [text[h.start : h.end] for h in find_hits(text)] == ["Zx9Qw3Er7Ty1Ui5Op2As"]


@pytest.mark.parametrize(
    "text",
    ["passes_on: agent@1.0.1", "PASSED=Zx9Qw3Er7Ty1Ui5Op2As", "passenger: Zx9Qw3Er7Ty1Ui5Op2As"],
)
def test_words_that_go_on_after_pass_name_no_credential(text: str) -> None:
    assert find_hits(text) == []
