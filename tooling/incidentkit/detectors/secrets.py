"""Credentials: provider formats, key pairs, URLs with passwords and assignments.

Three families, each behind a literal prefilter (most records hold none of
the prefixes; one Aho-Corasick pass finds which of them a text holds):

- provider tokens with a fixed prefix or shape (`ghp_`, `glpat-`, `AKIA`...),
  the formats secret scanners such as gitleaks know;
- context: the password of a URL, an `Authorization` header, the secret half
  of a key pair next to its key ID (AWS's 40 characters, Twilio's 32), a
  password a command line takes (`mysql -p...`, `curl -u user:...`);
- assignments (`DB_PASSWORD=...`, `"client_secret": "..."`, `<password>...`,
  the passphrase `...` in prose) whose key names a
  credential and whose value looks like one: not a reference (`${VAR}`,
  `{{ var }}`, `os.environ[...]`, a secret-manager name), not a placeholder
  (`<redacted>`, `****`, `xxxx`, AWS's documented `...EXAMPLE` keys), and
  random enough (an entropy check; letters-only passwords count too).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from incidentkit.detectors.hits import SECRET, Hit
from incidentkit.needles import Needles

# Not part of a longer token on either side. `\b` does not do: `_` is a word
# character, so `\b` fails in `AWS_SECRET_ACCESS_KEY` and after `TOKEN_`.
_B = r"(?<![A-Za-z0-9])"
_E = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class _Format:
    label: str
    pattern: re.Pattern[str]
    needles: tuple[str, ...]  # literal text the pattern cannot match without
    random: bool = True  # the token must look random (not `xxxx`, not `...EXAMPLE`)
    block: bool = False  # a block that must hold key material, not a template's `<paste here>`


# The one table of provider formats. Most are a literal prefix (which is also
# the needle the prefilter looks for) and what follows it:
#   label, prefixes (space-separated), the rest of the token, whether it ends there.
_PREFIXED = (
    ("AWS access key ID", "AKIA ASIA ABIA ACCA", r"[A-Z0-9]{16}", True),
    ("GitHub token", "ghp_ gho_ ghu_ ghs_ ghr_", r"[A-Za-z0-9]{36,255}", True),
    ("GitHub fine-grained token", "github_pat_", r"[A-Za-z0-9_]{40,255}", True),
    (
        "GitLab token",
        "glpat- gldt- glrt- glptt- glcbt- glimt- gloas- glft- glsoat- glffct- glagent-",
        r"(?=[A-Za-z0-9_.-]{20})[A-Za-z0-9_.-]*[A-Za-z0-9_-]",  # not the sentence's full stop
        False,
    ),
    ("GitLab runner token", "GR1348941", r"[A-Za-z0-9_-]{20,}", False),
    (
        "Slack token",
        "xoxe.xoxp- xoxe.xoxb- xoxa- xoxb- xoxc- xoxp- xoxo- xoxs- xoxr- xoxe-",
        r"(?:[0-9]+-)+[A-Za-z0-9-]{8,}",
        False,
    ),
    # the `d` cookie of a browser session, URL-encoded base64
    ("Slack session cookie", "xoxd-", r"[A-Za-z0-9%/+=_-]{30,}", False),
    ("Slack app token", "xapp-", r"\d-[A-Z0-9]+-\d+-[A-Za-z0-9]+", False),
    (
        "Stripe secret key",
        "sk_live_ sk_test_ sk_prod_ rk_live_ rk_test_ rk_prod_",
        r"[A-Za-z0-9]{10,}",
        True,
    ),
    ("Stripe webhook secret", "whsec_", r"[A-Za-z0-9]{24,}", True),
    ("Anthropic API key", "sk-ant-", r"[a-z]+\d*-[A-Za-z0-9_-]{20,}", False),
    ("OpenAI API key", "sk-", r"(?!ant-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}", False),
    ("Google API key", "AIza", r"[0-9A-Za-z_-]{35}", True),
    ("Google OAuth client secret", "GOCSPX-", r"[A-Za-z0-9_-]{24,}", False),
    ("Google OAuth access token", "ya29.", r"[A-Za-z0-9_-]{30,}", False),
    ("Hugging Face token", "hf_ api_org_", r"[A-Za-z0-9]{30,}", True),
    ("npm token", "npm_", r"[A-Za-z0-9]{36}", True),
    ("PyPI token", "pypi-AgEIcHlwaS5vcmc", r"[A-Za-z0-9_-]{40,}", False),
    ("Docker Hub token", "dckr_pat_", r"[A-Za-z0-9_-]{24,}", False),
    ("SendGrid API key", "SG.", r"[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}", False),
    ("Twilio API key", "SK", r"[0-9a-fA-F]{32}", True),
    ("Mailgun API key", "key-", r"[0-9a-f]{32}", True),
    ("JSON Web Token", "eyJ", r"[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}", False),
    ("Shopify token", "shpat_ shpca_ shppa_ shpss_", r"[a-fA-F0-9]{32}", True),
    ("DigitalOcean token", "dop_v1_ doo_v1_ dor_v1_", r"[a-f0-9]{64}", True),
    ("HashiCorp Vault token", "hvs. hvb. hvr.", r"[A-Za-z0-9_-]{24,}", False),
    ("Groq API key", "gsk_", r"[A-Za-z0-9]{48,}", True),
    ("xAI API key", "xai-", r"[A-Za-z0-9]{70,}", True),
    ("Perplexity API key", "pplx-", r"[A-Za-z0-9]{40,}", True),
    ("Replicate API token", "r8_", r"[A-Za-z0-9]{37}", True),
    ("Databricks token", "dapi", r"[a-f0-9]{32}(?:-\d)?", True),
    ("Atlassian API token", "ATATT3", r"[A-Za-z0-9_=-]{150,}", False),
    ("Square token", "sq0atp- sq0csp-", r"[A-Za-z0-9_-]{22,}", False),
    ("Linear API key", "lin_api_", r"[A-Za-z0-9]{40}", True),
    ("Postman API key", "PMAK-", r"[a-f0-9]{24}-[a-f0-9]{34}", True),
    ("New Relic key", "NRAK- NRAA- NRII-", r"[A-Z0-9]{27}", True),
    ("Grafana token", "glc_", r"[A-Za-z0-9+/]{32,}={0,2}", False),
    ("Grafana token", "glsa_", r"[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}", False),
    ("Heroku API key", "HRKU-", r"[A-Za-z0-9_-]{40,}", False),
    (
        "Doppler token",
        "dp.st. dp.ct. dp.sa. dp.scim. dp.audit. dp.pt.",
        r"[A-Za-z0-9_-]{40,}",
        False,
    ),
    ("Pulumi token", "pul-", r"[a-f0-9]{40}", True),
    ("age secret key", "AGE-SECRET-KEY-1", r"[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", False),
)


def _prefixed(label: str, prefixes: str, rest: str, ends: bool) -> _Format:
    needles = tuple(prefixes.split())
    head = "|".join(re.escape(n) for n in needles)
    return _Format(label, re.compile(f"{_B}(?:{head}){rest}{_E if ends else ''}"), needles)


# `tool ... -pVALUE`: the tool's name, its flag (`_CLI` + tool + flag), then the value.
_CLI = r"(?<![\w-]){}"
_CLI_VALUE = r"['\"]?(?P<value>[^\s'\"]{4,})"


def _f(
    label: str, pattern: str, needles: str, *, random: bool = True, block: bool = False
) -> _Format:
    """A format without a literal prefix; `needles`: the literals it cannot match without."""
    return _Format(label, re.compile(pattern), tuple(needles.split()), random, block)


_FORMATS = (
    *(_prefixed(*row) for row in _PREFIXED),
    # Formats whose literal part is not at the start, or that report only a value.
    _f(
        "Slack webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}",
        "hooks.slack.com",
    ),
    _f(
        "Discord webhook",
        r"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_-]{30,}",
        "/api/webhooks/",
    ),
    _f("Mailchimp API key", _B + r"[0-9a-f]{32}-us\d{1,2}" + _E, "-us"),
    _f(
        "Azure storage key",
        r"(?i:AccountKey|SharedAccessKey)=(?P<value>[A-Za-z0-9+/]{40,}={0,2})",
        "ccountKey= ccessKey=",
    ),
    # Azure's key listings (`az storage account keys list`, ARM `listKeys`): the
    # key's name, then its value, in one object.
    _f(
        "Azure storage key",
        r'"keyName"\s*:\s*"[^"\n]{1,40}"[^{}]{0,200}?"value"\s*:\s*"'
        r'(?P<value>[A-Za-z0-9+/]{40,}={0,2})"',
        '"keyName"',
    ),
    _f("Azure SAS signature", r"[?&]sig=(?P<value>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})", "sig="),
    _f("Azure AD client secret", _B + r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}" + _E, "Q~"),
    _f("Terraform Cloud token", _B + r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}", ".atlasv1."),
    _f("Telegram bot token", r"(?<!\d)\d{8,10}:AA[A-Za-z0-9_-]{33}" + _E, ":AA"),
    # The whole block when it is closed, so redaction removes the key material
    # too; an unclosed one up to the end of its base64 lines.
    _f(
        "private key",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"|(?:\r?\n[ \t]*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+: [^\r\n]*))*)",
        "-----BEGIN ",
        random=False,
        block=True,
    ),
    # Command lines that take a password as an argument; the tool's name is the needle.
    *(
        _f("password on a command line", _CLI.format(re.escape(tool)) + flag + _CLI_VALUE, tool)
        for tool, flag in (
            ("mysql", r"(?:dump|admin|import|sh|check)?(?![\w-])[^\n|;&]{0,200}?[ \t]-p"),
            ("redis-cli", r"(?![\w-])[^\n|;&]{0,200}?[ \t](?:-a|--pass)[ \t]+"),
            ("sshpass", r"(?![\w-])[ \t]+-p[ \t]*"),
            ("curl", r"(?![\w-])[^\n|;&]{0,300}?[ \t](?:-u|--user)(?:[ \t]+|=)['\"]?[^\s:'\"]+:"),
            ("docker", r"(?![\w-])[ \t]+login(?![\w-])[^\n|;&]{0,200}?[ \t]-p[ \t]+"),
        )
    ),
    # Docker registry credentials: `"auth": "<base64 user:password>"` in a
    # config.json, and a whole config in base64 (a `.dockerconfigjson` secret).
    _f("Docker registry auth", r'"auth"\s*:\s*"(?P<value>[A-Za-z0-9+/]{12,}={0,2})"', '"auth"'),
    _f("Docker registry auth", _B + r"eyJhdXRocyI6[A-Za-z0-9+/]{16,}={0,2}", "eyJhdXRocyI6"),
    # `echo VALUE | docker login --password-stdin` (and every tool with that flag)
    _f(
        "password on a command line",
        r"(?<![\w-])echo[ \t]+(?:-n[ \t]+)?['\"]?(?P<value>[^\s'\"|;&]{4,})['\"]?[ \t]*\|"
        r"[^\n]{0,200}?--password-stdin",
        "--password-stdin",
    ),
    _f(
        "HTTP authorization header",
        r"(?i:authorization|proxy-authorization)[\"']?\s*[:=]\s*[\"']?(?i:basic|bearer|token|digest)\s+"
        r"(?P<value>[A-Za-z0-9+/=._~-]{8,})",
        "uthorization UTHORIZATION",
    ),
    _f("bearer token", r"\bBearer\s+(?P<value>[A-Za-z0-9._~+/-]{20,}=*)", "Bearer"),
)

# Credentials the providers publish in their documentation: whoever copies one
# leaks nothing. AWS's (`...EXAMPLE`) are caught as placeholders.
_DOCUMENTED = (
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",  # Stripe's API reference
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",  # Stripe's older docs
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",  # jwt.io's example signature
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",  # Azurite
)

# One Aho-Corasick pass over a text finds every format's needles and every
# word a credential's key contains, instead of one scan per needle: most texts
# hold none of them.
_NEEDLES = sorted({needle for fmt in _FORMATS for needle in fmt.needles})
_FORMATS_OF = {
    needle: [i for i, fmt in enumerate(_FORMATS) if needle in fmt.needles] for needle in _NEEDLES
}

# Context: a URL's password; the secret half of a key pair beside its key ID.
# After `://`: user, `:`, the password, `@`, a host.
# An unencoded `@` in the password is common: the host follows the last `@`.
_URL_PASSWORD = re.compile(
    r"(?P<user>[^\s:/?#@\[\]\"'`<>]*):(?P<value>[^\s/?#\"'`<>]+)@[A-Za-z0-9\[]"
)
# Passwords that say the token is the user (`https://<token>:x-oauth-basic@github.com`).
_TOKEN_IS_THE_USER = {"x-oauth-basic", "x-oauth-token"}
_PAIR_WINDOW = 300  # characters around a key ID searched for its secret half


@dataclass(frozen=True)
class _Pair:
    """The secret that goes with a key ID (a format above): both halves are redacted."""

    label: str
    pattern: re.Pattern[str]  # the secret's shape, alone between token boundaries
    hex_ok: bool  # whether a hex string can be it (Twilio's are; AWS's never are)


_PAIRS = {
    "AWS access key ID": _Pair(
        "AWS secret access key",
        re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
        hex_ok=False,
    ),
    # An API key SID `SK...` and its 32-character secret (`twilio(sid, secret)`).
    "Twilio API key": _Pair(
        "Twilio API secret",
        re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9]{32}(?![A-Za-z0-9_-])"),
        hex_ok=True,
    ),
}

# A literal first, so the engine skips to each `AC` (`ACME` is common); the left
# boundary is checked on the match.
_TWILIO_ACCOUNT = re.compile(r"AC[0-9a-f]{32}(?![A-Za-z0-9])")
# Unlabelled beside the SID only as the next string argument: `Client("AC...", "...")`.
_TWILIO_AUTH = _Pair(
    "Twilio auth token",
    re.compile(r"(?<=[\"'])[0-9a-f]{32}(?=[\"'])"),
    hex_ok=True,
)

# Assignments: a key naming a credential, an operator, a value.
_KEY_NEEDLES = ("pass", "pwd", "secret", "token", "key", "credential")
# The scan reads the text as written: the needles in their own case, and the key
# words as identifiers spell them (`password`, `dbPassword`, `DB_PASSWORD`). A
# lower-cased copy would cost a pass of its own and find Twilio's `SK` in every
# "task" and "risk".
_SCAN_WORDS = sorted(
    {*_NEEDLES, *(form for word in _KEY_NEEDLES for form in (word, word.title(), word.upper()))}
)
_SCAN = Needles(_SCAN_WORDS, dfa=True)
_FORMATS_OF_WORD = [_FORMATS_OF.get(word, []) for word in _SCAN_WORDS]
_IN_KEYS = [word.lower() in _KEY_NEEDLES for word in _SCAN_WORDS]
# A word going on after `pass` in the same case ("passes", "PASSED") names no
# credential; password, passwd, passphrase and passcode go on with w, p or c.
# Eval cases' `passes_on` is most of the key words the scan finds.
_PASS_GOES_ON = frozenset("abdefghijklmnoqrstuvxyz")


def _goes_on(word: str) -> frozenset[str]:
    """The letters after which `word` (a scan word) is part of no credential's name."""
    if word.lower() != "pass":
        return frozenset()
    return frozenset(c.upper() for c in _PASS_GOES_ON) if word.isupper() else _PASS_GOES_ON


_GOES_ON = [_goes_on(word) for word in _SCAN_WORDS]
_KEY_CHARSET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
# Besides `key: value` and `--flag value`: an XML element (`<password>...</password>`)
# and prose that quotes the value (the password `...`, the token was "...").
# JSON escaped inside a log line (`{\"password\":\"...\"}`) has a backslash before
# each quote; a key may start with `_` (`.npmrc`'s `_authToken`, `_password`).
# `&` ends a value only where it starts the next query parameter (`&user=`), a
# shell's `&&` or an HTML entity (`&amp;`): `pwd=Tr0ub4dor&3` is one password.
_AMPERSAND_ENDS = r"&|[\w.-]+=|amp;"  # what follows an `&` that ends a value
_AMPERSAND_IN_VALUE = rf"&(?!{_AMPERSAND_ENDS})"
_ASSIGNMENT = re.compile(
    r"(?P<dash>--?)?(?P<key>[A-Za-z_][A-Za-z0-9_.-]*)\\?[\"']?"
    r"(?:[ \t]*(?::=|=>|[:=])|(?P<tag>>)|(?(dash)[ \t](?=[^\s:=-])"
    r"|(?P<prose>[ \t]+(?:(?:is|was)[ \t]+)?(?=[`\"'])|[ \t]+(?:is|was)[ \t]+)))[ \t]*"
    r"(?(tag)(?P<element>[^<>\s]{1,400})(?=</)"
    r"|(?:\\?(?P<q>[\"'`])(?P<quoted>[^\"'`\n]{1,400}?)\\?(?P=q)|(?P<bare>(?:[^\s\"'`;&<\\]|"
    + _AMPERSAND_IN_VALUE
    + r"){1,400})))"
)
# A Kubernetes-style pair: `- name: DB_PASSWORD` then `value: ...` on the next line.
_NAMED = re.compile(r"\bname[\"']?[ \t]*:[ \t]*[\"']?\Z")
_ENV_PAIR = re.compile(
    r"(?P<key>[A-Za-z][A-Za-z0-9_.-]*)[\"']?[ \t]*\r?\n[ \t]*-?[ \t]*value[\"']?[ \t]*:[ \t]*"
    r"(?:(?P<q>[\"'])(?P<quoted>[^\"'\n]{1,400})(?P=q)|(?P<bare>(?:[^\s\"'`;&]|"
    + _AMPERSAND_IN_VALUE
    + r"){1,400}))"
)
# A command's arguments: `aws configure set aws_secret_access_key VALUE`. Only a
# snake_case key and a long, random value count: prose has neither.
_SPACED_PAIR = re.compile(
    r"(?P<key>[A-Za-z][A-Za-z0-9.-]*_[A-Za-z0-9_.-]*)[ \t]+"
    r"(?:(?P<q>[\"'])(?P<quoted>[^\"'\s]{16,400})(?P=q)|(?P<bare>[A-Za-z0-9/+=_.~-]{16,400}))"
    r"(?=[\s;`]|$)"
)
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_PASSWORD_WORDS = {"password", "passwd", "pwd", "passphrase", "passcode", "pass"}
_SECRET_WORDS = {"secret", "token", "credential", "credentials", "apikey", "secretkey", "accesskey"}
_CREDENTIAL_WORDS = frozenset(_PASSWORD_WORDS | _SECRET_WORDS)
_NAME_WORDS = _CREDENTIAL_WORDS | {"key"}  # in a secret's name: `openai-api-key`
# Words that make `<word>_key` a credential. Not among them although a key follows
# them: a database's `primary_key`, an SSH or deploy key (the public half, in
# configuration), an instrumentation key (an ID).
_KEY_QUALIFIERS = {
    "api", "access", "secret", "private", "client", "signing", "encryption", "master",
    "account", "shared", "auth", "subscription", "app", "service", "admin", "license", "write",
    "storage", "sas", "hmac", "webhook", "session", "cookie", "jwt", "decryption", "crypto",
    "aes", "consumer", "bot", "root", "management", "ingestion", "server", "partner",
    "merchant", "live",
}  # fmt: skip
# Words glued into one (`PGPASSWORD`, `APIKEY`, `authToken` read as one): the
# credential word at the end of it.
_GLUED = ("password", "passwd", "passphrase", "secret", "token", "apikey", "secretkey", "accesskey")
# Words after the credential word that only say which one (`SECRET_KEY_BASE`,
# `DB_PASSWORD_PROD`, `API_KEY_2`): the key still names a credential.
_KEY_SUFFIXES = {
    "base", "value", "b64", "base64", "hex", "raw", "str", "prod", "production", "staging",
    "stage", "dev", "live", "old", "new", "current", "previous", "next", "backup", "primary",
    "secondary", "main", "default", "plain", "plaintext", "v1", "v2", "v3",
}  # fmt: skip
_NOT_A_CREDENTIAL = {
    "max", "min", "num", "count", "limit", "ttl", "expiry", "expires", "expiration", "length",
    "len", "size", "type", "name", "id", "file", "path", "url", "uri", "endpoint", "arn",
    "ref", "env", "policy", "rotation", "header", "field", "prompt", "budget", "usage",
    "used", "total", "public", "publishable", "hash", "hashed", "reset", "timeout", "per",
}  # fmt: skip
# Values that fill a slot in documentation or configuration, not a credential.
_STOP_VALUES = {
    "true", "false", "null", "none", "nil", "yes", "no", "on", "off", "required", "optional",
    "enabled", "disabled", "redacted", "removed", "rotated", "revoked", "hidden", "masked",
    "omitted", "provided", "missing", "expired", "invalid", "unknown", "default", "changeme",
    "password", "passwd", "secret", "token", "example", "placeholder", "undefined", "empty",
    "string", "sensitive", "encrypted", "notset", "unset", "value", "dummy", "sample", "test",
}  # fmt: skip
# A URL's password that only names the slot (`user:pass@host`).
_URL_STOP_VALUES = _STOP_VALUES | {"pass", "pw", "pwd", "x", "p"}
_PLACEHOLDER = re.compile(
    r"(?i)example|x{5,}|\*{3,}|\.{3}|…|<[^>]*>|\$\{|\$\(|\{\{|%\(|your[_-]?|placeholder|redacted|"
    r"changeme|dummy|^\$[A-Z_]|^%[A-Z_]+%$|^\[.*\]$"
)
_REFERENCE = re.compile(
    r"^(?:[A-Za-z_][\w.]*[(\[]|arn:|projects/|op://|vault:|ref\+|sm://|secretsmanager:|"
    r"/|\./|~/|file:|!|env:|ENV\[|process\.env|os\.environ)|://|/secrets/"
)
_PROSE_QUALIFIER = re.compile(r"(?i)\b([a-z]+)[ ]\Z")
_PUBLIC_KEYS = (
    "ssh-rsa ",
    "ssh-ed25519 ",
    "ssh-dss ",
    "ecdsa-sha2-",
    "sk-ssh-",
    "sk-ecdsa-",
    "age1",
)
# Unquoted in prose ("the password is ..."): no `-` or `/`, which join words
# ("SHA256-hashed", "HTTP/2-only").
_PROSE_BARE = re.compile(r"[A-Za-z0-9!@#$%^&*_+=~]{8,}")
# A person's password in prose ("the password is hunter2"): letters with digits
# or symbols, not a quantity ("32bytes") or an algorithm or encoding ("SHA256").
_PROSE_PASSWORD = re.compile(r"(?=.*[A-Za-z])(?=.*[0-9!@#$%^&*])[A-Za-z0-9!@#$%^&*_+=~]{6,64}")
_QUANTITY = re.compile(r"[0-9]+[A-Za-z]+")
_ALGORITHM = re.compile(
    r"(?:sha|md|utf|aes|rsa|base|pbkdf|argon|pkcs|x|ed|hmac|blake|crc|des|rc|ecdsa|tls|ssl|ipv|v|p|"
    r"http|bcrypt|scrypt|kdf|int|uint|float|utf\d+mb)[0-9]+[a-z]*",
    re.I,
)
_SIGIL_VARIABLE = re.compile(r"[$@:][A-Za-z_][A-Za-z0-9_]*(?:(?:\.|->|::)[A-Za-z_][A-Za-z0-9_]*)*")
_KEBAB = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Where code and configuration languages keep values: `var.x` (Terraform),
# `settings.X` (Django), `.Values.x` (Helm), `secrets.X` (Actions)...
_NAMESPACES = {
    "var", "local", "locals", "data", "module", "self", "this", "config", "conf", "cfg",
    "settings", "env", "secrets", "params", "parameters", "values", "Values", "props", "vars",
    "inputs", "context", "ctx", "args", "opts", "options", "os", "process", "app", "request",
    "credentials", "creds", "keys", "vault", "steps", "needs", "matrix", "each", "item",
}  # fmt: skip
# Lower-case words joined by `-`, `_` or `.`: a package or resource name, never a token.
_WORDS_JOINED = re.compile(r"[a-z]+(?:[-_.][a-z]+){2,}")
_BASE64_LINE = re.compile(r"[A-Za-z0-9+/]{8,}")
_TEMPLATE = re.compile(r"<[^>\n]*>|\.{3}|…|\*{3,}|\bx{4,}\b|\bX{4,}\b")  # in a key's body
_BEFORE_REMARK = re.compile(r"[ \t]+\(")  # a value, then a remark in parentheses
# After an unquoted value: the end of the line or sentence, a comment, another field.
_VALUE_END = re.compile(
    rf"[ \t]*(?:$|[#,;}})`|]|&(?={_AMPERSAND_ENDS})|\.(?:[ \t]|$)|//|--?[A-Za-z]|[A-Za-z_][A-Za-z0-9_.-]*[:=])",
    re.M,
)


def secrets(text: str) -> list[Hit]:
    """Every credential in `text` (possibly overlapping; `find_hits` resolves that)."""
    wanted, keys = _scan(text)
    hits = [hit for i in sorted(wanted) for hit in _format_hits(_FORMATS[i], text)]
    hits.extend(_url_passwords(text))
    hits.extend(_pair_secrets(text, hits))
    hits.extend(_assignments(text, keys))
    return hits


def _scan(text: str) -> tuple[set[int], list[tuple[int, int]]]:
    """The formats whose needles `text` holds, and where key words (`pass`...) occur."""
    wanted: set[int] = set()
    keys: list[tuple[int, int]] = []
    for word, start, end in _SCAN.find(text):
        wanted.update(_FORMATS_OF_WORD[word])
        if _IN_KEYS[word] and text[end : end + 1] not in _GOES_ON[word]:
            keys.append((start, end))
    return wanted, keys


def _format_hits(fmt: _Format, text: str) -> Iterator[Hit]:
    for m in fmt.pattern.finditer(text):
        start, end = m.span("value") if "value" in fmt.pattern.groupindex else m.span()
        value = text[start:end]
        if fmt.random and (not _random_enough(value) or _WORDS_JOINED.fullmatch(value)):
            continue  # `xxxx`, `...EXAMPLE`; `sk-video-processing-toolkit` is a name
        if _documented(value):
            continue
        if fmt.block and not _key_material(value):
            continue
        if value.lower() in _STOP_VALUES:
            continue  # `curl -u user:password`: the documentation's word
        yield Hit(SECRET, fmt.label, start, end)


def _key_material(block: str) -> bool:
    """Base64 lines between the armour lines, not a placeholder (`<paste the key here>`, `...`)."""
    body = block.split("-----", 2)[-1].rsplit("-----END", 1)[0]
    return _BASE64_LINE.search(body) is not None and not _TEMPLATE.search(body)


def _url_passwords(text: str) -> Iterator[Hit]:
    if "@" not in text:
        return
    for scheme_end in _occurrences(text, "://"):
        m = _URL_PASSWORD.match(text, scheme_end + 3)
        if m is None:
            continue
        value = m.group("value")
        if value.lower() in _TOKEN_IS_THE_USER:
            user = m.group("user")
            if len(user) >= 16 and _random_enough(user):
                yield Hit(SECRET, "token in a URL", m.start("user"), m.end("user"))
            continue
        if value.lower() in _URL_STOP_VALUES:
            continue
        if value == m.group("user"):
            continue  # `postgres:postgres@localhost`, `guest:guest`: a default account
        if value.startswith(("$", "%", "{")) or _PLACEHOLDER.search(value):
            continue
        yield Hit(SECRET, "password in a URL", m.start("value"), m.end("value"))


def _pair_secrets(text: str, found: list[Hit]) -> Iterator[Hit]:
    """The secret half near a key ID (AWS, Twilio): a pair is redacted whole.

    A Twilio account SID is not secret itself (it stays), but its auth token beside it is.
    """
    anchors = [(h.start, h.end, _PAIRS[h.label]) for h in found if h.label in _PAIRS]
    anchors += [
        (m.start(), m.end(), _TWILIO_AUTH)
        for m in _TWILIO_ACCOUNT.finditer(text)
        if m.start() == 0 or not text[m.start() - 1].isalnum()
    ]
    for start, end, pair in anchors:
        window = (max(0, start - _PAIR_WINDOW), min(len(text), end + _PAIR_WINDOW))
        for m in pair.pattern.finditer(text, *window):
            value = m.group()
            if not _mixed(value) or (_hex(value) and not pair.hex_ok):
                continue
            if _random_enough(value) and _entropy(value) >= 3.0:
                yield Hit(SECRET, pair.label, m.start(), m.end())


def _assignments(text: str, keys: list[tuple[int, int]]) -> Iterator[Hit]:
    """Credential assignments whose key holds one of the words at `keys` (from `_scan`)."""
    starts: set[int] = set()
    for index, end in keys:
        start = _key_start(text, index)
        if _assigns(text, start, end):
            starts.add(start)
    done = -1
    for start in sorted(starts):
        npmrc = text.startswith("_", start)  # `//registry.npmjs.org/:_authToken=...`
        if start < done or (text[start - 1 : start] in (":", "/", ".", "@", "$") and not npmrc):
            continue  # `arn:...:secret:name`, `/secrets/x`: a path or name, not a key
        if _in_url(text, start):
            continue  # `://user-token:pw@`: a URL's user
        if text[max(0, start - 2) : start] == "${":
            continue  # `${DB_PASSWORD:-postgres}`: a shell default, not an assignment
        m = _ASSIGNMENT.match(text, start)
        if m is None and _NAMED.search(text, max(0, start - 20), start):
            m = _ENV_PAIR.match(text, start)
        spaced = m is None
        if spaced:
            m = _SPACED_PAIR.match(text, start)
        if m is None or not _credential_key(_spelled_key(text, m.start("key"), m.group("key"))):
            continue
        found = _assigned_value(text, start, m, spaced)
        if found is not None and _credible(found[1], m.group("key")):
            done = m.end()
            yield Hit(SECRET, "credential assignment", found[0], found[0] + len(found[1]))


def _assigned_value(
    text: str, start: int, m: re.Match[str], spaced: bool
) -> tuple[int, str] | None:
    """Where the value of the assignment `m` starts, and the value; None: not a value."""
    form = m.groupdict()
    group = next(g for g in ("quoted", "element", "bare") if form.get(g) is not None)
    value = m.group(group).rstrip(".,;:)]}") if group == "bare" else m.group(group)
    tight = text[m.end("key") : m.start(group)] == "="  # `PGPASSWORD=... psql`: ends at a space
    prose = form.get("prose") is not None  # `_random_word` below is the stricter test
    ends = tight or prose or _ends_value(text, m.start(group) + len(value), value)
    if group == "bare" and not ends:
        return None
    if form.get("q") == "`" and any(c.isspace() for c in value):
        return None  # `openssl rand -hex 32`: a command substitution, or code in prose
    if form.get("tag") and text[start - 1 : start] != "<":
        return None  # `password>` in prose: not an element
    if prose and not _prose_value(value, group == "bare", m.group("key")):
        return None  # in prose: only what looks generated, or a password, not a name or a phrase
    if spaced and not (_mixed(value) and _entropy(value) >= 3.5):
        return None
    return m.start(group), value


def _in_url(text: str, start: int) -> bool:
    """Whether `start` lies in a URL's user and password, which `_url_passwords` reads."""
    low = max(0, start - 200)
    word_start = max(text.rfind(c, low, start) for c in " \t\n\r") + 1
    scheme = text.rfind("://", max(low, word_start), start)
    return scheme >= 0 and not any(c in "/?#;&" for c in text[scheme + 3 : start])


def _key_start(text: str, index: int) -> int:
    """Where the identifier holding `text[index]` starts."""
    start = index
    while start > 0 and index - start < 60 and text[start - 1] in _KEY_CHARSET:
        start -= 1
    return start


def _assigns(text: str, start: int, index: int) -> bool:
    """Whether the identifier from `start` through `index` is followed by an operator.

    A cheap look before any regex: "passed the test" is not `pass: ...`. A flag
    (`--token VALUE`) takes a space, a name/value pair a line end.
    """
    end = index
    limit = min(len(text), index + 60)
    while end < limit and text[end] in _KEY_CHARSET:
        end += 1
    while end < limit and text[end] in "\"'\\":
        end += 1
    spaced = end
    while end < limit and text[end] in " \t":
        end += 1
    if end >= len(text) or text[end] in ":=\r\n":
        return True
    if text[end] == ">" and text[start - 1 : start] == "<":
        return True  # `<password>...</password>`
    if spaced < end and (text[end] in "`\"'" or text.startswith(("is ", "was "), end)):
        return True  # prose quoting the value: the passphrase `...`
    return spaced < end and (text[start] == "-" or "_" in text[start:spaced])


def _key_words(key: str) -> list[str]:
    return [w.lower() for w in _WORDS.findall(key)]


def _spelled_key(text: str, start: int, key: str) -> str:
    """`key` with the word before it when that qualifies it in prose: "API key", "secret key"."""
    if key.lower() != "key":
        return key
    before = _PROSE_QUALIFIER.search(text, max(0, start - 30), start)
    return f"{before.group(1)}_{key}" if before else key


def _credential_words(key: str) -> list[str]:
    """The key's words up to the one naming the credential (`PGPASSWORD` -> [pg, password])."""
    words = _key_words(key.lstrip("-"))
    while len(words) > 1 and (words[-1] in _KEY_SUFFIXES or words[-1].isdigit()):
        words.pop()
    if words and words[-1] not in _CREDENTIAL_WORDS:
        glued = next((g for g in _GLUED if words[-1].endswith(g) and words[-1] != g), None)
        if glued:
            words[-1:] = [words[-1][: -len(glued)], glued]
    return words


def _credential_key(key: str) -> bool:
    """`DB_PASSWORD`, `client_secret`, `apiKey`: the key's last word names a credential."""
    words = _credential_words(key)
    if not words or any(w in _NOT_A_CREDENTIAL for w in words):
        return False
    last = words[-1]
    if last in _PASSWORD_WORDS:
        return True  # `pass` alone needs a generated-looking value (`_credible`)
    if last in _SECRET_WORDS:
        return True
    return last == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS


def _ends_value(text: str, end: int, value: str) -> bool:
    """A bare value ends its field; prose after `password:` is not a password."""
    if _VALUE_END.match(text, end):
        return True
    if _BEFORE_REMARK.match(text, end) and not _word_like(value):
        return True  # `password: famplsbbnnmf (for staging)`, not `password: expiring (soon)`
    return len(value) >= 16 and _random_enough(value) and _mixed(value)


def _word_like(value: str) -> bool:
    """Reads as a word: letters only, one case, vowels as often as in English."""
    if not value.isalpha() or _mixed(value):
        return False
    return sum(c in "aeiouy" for c in value.lower()) / len(value) >= 0.25


def _credible(value: str, key: str) -> bool:
    if len(value) < 6 or value.lower() in _STOP_VALUES:
        return False
    if _PLACEHOLDER.search(value) or _REFERENCE.search(value) or _documented(value):
        return False
    if value.startswith(_PUBLIC_KEYS):
        return False  # `ssh_key: "ssh-ed25519 AAAA..."`: the public half
    if value.isdigit() or len(set(value)) < 4 or _names_a_variable(value):
        return False
    words = _credential_words(key)
    if words == ["pass"]:  # `"pass": "..."`, not `pass: 3` or `pass: all tests` (test passes)
        return len(value) >= 8 and _mixed(value) and not any(c.isspace() for c in value)
    password = words[-1] in _PASSWORD_WORDS
    if value.isalpha():
        # letters only: a passphrase for a password; tokens are mixed-case at least
        if password:
            return len(value) >= 8 and _entropy(value) >= 2.5
        return len(value) >= 16 and _mixed(value)
    if password:
        return True
    return len(value) >= 12 and _entropy(value) >= 3.0


def _names_a_variable(value: str) -> bool:
    """`var.db_password`, `settings.SECRET_KEY`, `db_password`: code naming the value, not it."""
    if _SIGIL_VARIABLE.fullmatch(value):
        return True  # `$dbPass` (PHP, Perl), `@db_password` (Ruby), `:db_password` (a symbol)
    if _KEBAB.fullmatch(value):  # `my-app-secret`, `openai-api-key`: a secret's name
        return not _NAME_WORDS.isdisjoint(value.split("-"))
    if not _IDENTIFIER_PATH.fullmatch(value) or not ("_" in value or "." in value):
        return False
    if "." in value and value.split(".", 1)[0] in _NAMESPACES:
        return True
    words = {w.lower() for w in _WORDS.findall(value)}
    return not words.isdisjoint(_CREDENTIAL_WORDS) or "key" in words


def _prose_value(value: str, bare: bool, key: str) -> bool:
    """Whether the word after "the password is" (or quoted after a key in prose) is the secret."""
    if _random_word(value) and (not bare or _PROSE_BARE.fullmatch(value)):
        return True
    lowered = key.lower()
    return (
        bare
        and ("pass" in lowered or "pwd" in lowered)
        and _PROSE_PASSWORD.fullmatch(value) is not None
        and not _QUANTITY.fullmatch(value)
        and not _ALGORITHM.fullmatch(value)
    )


def _random_word(value: str) -> bool:
    """A generated value quoted in prose: one word, upper, lower and digits (or long hex)."""
    if len(value) < 8 or any(c.isspace() for c in value) or _entropy(value) < 3.0:
        return False
    if value.startswith("eyJ"):
        return False  # one base64 JSON segment (a JWT's header): a whole JWT is a format
    classes = sum(any(test(c) for c in value) for test in (str.isupper, str.islower, str.isdigit))
    return classes == 3 or (_hex(value) and len(value) >= 20)


def _random_enough(token: str) -> bool:
    """Not a placeholder: no `EXAMPLE`, no run of `x` or `*`, more than a few distinct characters."""
    if _PLACEHOLDER.search(token):
        return False
    return len(set(token)) >= min(8, len(token) // 2)


def _documented(value: str) -> bool:
    return any(example in value for example in _DOCUMENTED)


def _mixed(value: str) -> bool:
    classes = (str.isupper, str.islower, str.isdigit)
    return sum(any(test(c) for c in value) for test in classes) >= 2


def _hex(value: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in value)


def _entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def _occurrences(text: str, needle: str) -> Iterator[int]:
    index = text.find(needle)
    while index >= 0:
        yield index
        index = text.find(needle, index + 1)
