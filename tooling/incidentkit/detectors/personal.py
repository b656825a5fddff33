"""Personal data: email addresses and phone numbers, without the noise.

Not an email: a git SSH remote (`git@github.com:org/repo.git`), the user of a
URL (`postgres://app@db`), an `ssh`/`scp` login (`ssh ubuntu@host`), a file name (`logo@2x.png`), an address at a
documentation domain (RFC 2606), a no-reply or bot address, a role mailbox
(`support@`, RFC 2142) unless the repository says otherwise, and whatever
`allow_emails` allows.

A phone number is international (`+49 30 9018204`, `0049...`), or national
in a shape numbers take: a North American `(415) 555-0199` / `415-555-0199`
(`1-800-555-0199` with its trunk 1), a trunk prefix `030 9018204`, `07700 900123`,
`06 12 34 56 78`, `01.42.68.53.00`, or Brazil's `(21) 99876-5432`. Order
numbers (`1234 5678 9012`), IDs, versions, dates, times and IP addresses have
none of these shapes; near a word such as "phone" or "call" any digit group
of phone length counts (the words in the numbers' languages too: "Telefon",
"celular", "携帯"...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentkit.detectors.hits import EMAIL, PHONE, PLACEHOLDERS, Hit, Options

# Letters of any script (RFC 6531: `françois@orange.fr`, `josé@correo.es`).
_DOMAIN = re.compile(r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")
# The local part ends at the `@` (`\Z` at the search's end); not preceded by a local character.
_LOCAL = re.compile(r"(?<![\w.+%-])[^\W_][\w.%+-]*(?:\[bot\])?\Z")
# Reserved for documentation (RFC 2606): never a real person's address.
_SAFE_DOMAIN = re.compile(
    r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|[\w-]+\.(?:example|test|invalid|localhost))$", re.I
)
_FILE_SUFFIXES = {
    "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "json", "yaml", "yml", "txt", "html",
    "css", "js", "ts", "lock", "toml", "md", "py", "sh", "log", "csv", "xml", "zip", "gz",
}  # fmt: skip
_NO_REPLY = re.compile(r"(?i)no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon")
_AUTOMATION = {
    "bot", "bots", "robot", "daemon", "dependabot", "renovate", "renovatebot", "github-actions",
    "mergify", "jenkins", "buildkite", "circleci", "ci", "automation", "notifications",
    "build", "builds", "deploy", "deploys", "deployer", "release", "releases", "git", "system",
    "monitoring", "alerting", "pager", "cron", "scheduler", "mailer", "postman",
    # monitoring, paging and ticketing tools that send mail as themselves
    "alertmanager", "nagios", "icinga", "zabbix", "grafana", "prometheus", "pagerduty",
    "opsgenie", "sentry", "datadog", "newrelic", "statuspage", "cloudwatch", "jira",
    "confluence", "gitlab", "github", "bitbucket", "watchdog", "healthcheck", "uptime",
    "backup", "backups", "reports", "reporting", "digest", "audit", "logs", "logging",
    "autoreply", "auto-reply", "bounce", "bounces", "notify", "notifier", "noreply",
    "notification", "calendar", "invites", "invitations", "automated", "auto", "workflow",
    # the system accounts of servers and images
    "ubuntu", "ec2-user", "centos", "debian", "fedora", "azureuser", "vagrant", "www-data",
    "nobody", "nginx", "apache", "postgres", "mysql", "redis", "runner", "svc", "service-account",
}  # fmt: skip
# Tools' names that are people's surnames too: a bot alone, a person beside a first name.
_SURNAMES = {"jenkins", "mailer", "postman", "sentry", "cron", "build", "git", "release"}
# RFC 2142 and the mailboxes organisations share: they name a function, not a person.
_ROLES = {
    "postmaster", "hostmaster", "webmaster", "abuse", "security", "support", "info", "sales",
    "noc", "admin", "billing", "help", "helpdesk", "privacy", "legal", "press", "media",
    "marketing", "contact", "hello", "team", "office", "accounts", "ops", "operations",
    "devops", "sre", "oncall", "on-call", "incidents", "incident", "alerts", "status",
    "feedback", "careers", "jobs", "hr", "finance", "compliance", "dpo", "gdpr", "service",
    "customerservice", "customer-service", "orders", "bookings", "reservations", "partners",
    "enquiries", "inquiries", "it", "root", "mail", "newsletter", "news", "updates", "engineering",
    "platform", "payments", "refunds", "care", "questions", "reception", "frontdesk",
}  # fmt: skip


def emails(text: str, options: Options) -> Iterator[Hit]:
    """From each `@`: the domain after it, the local part before it (64 characters at most)."""
    at = text.find("@")
    while at >= 0:
        domain = _DOMAIN.match(text, at)
        local = _LOCAL.search(text, max(0, at - 64), at) if domain else None
        if domain and local and _personal(text, local.start(), domain.end(), options):
            yield Hit(EMAIL, "email address", local.start(), domain.end())
        at = text.find("@", at + 1)


def _personal(text: str, start: int, end: int, options: Options) -> bool:
    address = text[start:end]
    local, _, domain = address.rpartition("@")
    if _SAFE_DOMAIN.search(address) or domain.rsplit(".", 1)[-1].lower() in _FILE_SUFFIXES:
        return False
    after = text[end : end + 2]
    if after[:1] == ":" and after[1:2] not in ("", " ", "\t", "\n", "\r"):
        return False  # `git@github.com:org/repo.git`, `deploy@host:/srv`: an SSH target
    if _in_url_authority(text, start) or _LOGIN_COMMAND.search(text, max(0, start - 200), start):
        return False  # `postgres://app@db`, `ssh ubuntu@host`: a login, not a mailbox
    if _NO_REPLY.search(address) or local.lower().endswith("[bot]"):
        return False
    # The mailbox, not its tag: `t.nguyen+pager@` is a person's address.
    mailbox = local.lower().split("+")[0]
    words = re.split(r"[._-]", mailbox)
    if mailbox in _AUTOMATION or all(w in _AUTOMATION or w.isdigit() for w in words if w):
        return False  # `jenkins@`, `jenkins-ci@`
    if any(w in _AUTOMATION and w not in _SURNAMES for w in words):
        return False  # `ci-bot@`, `deploy.alerts@`, not `mary.jenkins@`
    if options.allow_role_addresses and local.lower().split("+")[0] in _ROLES:
        return False
    return not options.allows(address)


# A command that logs in as `user@host`: the address follows its flags, paths and numbers
# (`ssh -i key.pem ubuntu@host`, `scp out.tgz deploy@host:`), not prose ("ssh died, mail x@y").
# Possessive: an argument matches one way, so a line that is not a command fails fast.
_LOGIN_COMMAND = re.compile(
    r"(?:^|[\s`$(])(?:ssh|scp|sftp|rsync|mosh|ssh-copy-id|autossh)"
    r"(?:[ \t]+(?:-\S++|[^\s/.=~:-][^\s/.=~:]*+[/.=~:]\S*+|[/.=~:]\S*+|\d++))*+[ \t]+\Z"
)


def _in_url_authority(text: str, start: int) -> bool:
    """`scheme://user@host`: the user of a URL, not a mailbox."""
    line_start = max(text.rfind("\n", 0, start), 0)
    head = text[line_start:start]
    for stop in (" ", "\t", "(", "<", '"', "'", "`", ","):
        head = head.rsplit(stop, 1)[-1]
    # `https://[REDACTED-SECRET]:x-oauth-basic@host`: a bracket inside the authority
    if "://" in head and "/" not in head.split("://", 1)[1]:
        return True
    return "://" in head.rsplit("[", 1)[-1]


# Digits in groups, as a number is written; validated by `_phone_shape`.
_PHONE = re.compile(
    r"(?:(?<=tel:)|(?<=,)(?=\+)|(?<![\w@/#.+$€£,:-]))"
    r"(?:\+|00(?=[1-9]))?(?:\(\d{1,5}\)\d{1,8}|\(\d{1,5}\)|\d{1,15})(?:(?:[ ]?\(0\)[ ]?|[ .-])\(?\d{1,10}\)?){0,6}"
    r"(?![\w@/-]|[.,:]\d)"
)
# Starts with a character class, which the regex engine skips to quickly; an
# ASCII one (`[0-9]`, not `\d`: a bitmap test per character, three times faster
# over a whole text than Unicode's digit category). Not inside a longer token
# (`INC-2026-0001`, `v1.2.3`) and not an ISO date: these checks sit after the
# first character so the engine still skips to candidates fast.
_DIGIT_RUN = re.compile(
    r"[0-9+(](?<![\w@/#.$-][0-9+(])(?<!,[0-9(])(?!(?<!\+)[0-9]{3}-[0-9]{2}-[0-9]{2})[0-9 ().-]{5,}[0-9]\)?"
)
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d(?: \d\d?)?\Z")  # a date, or a date and an hour
_OPENERS = set("+(0123456789")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))
_PHONE_WORDS = re.compile(
    # "call", not an agent's "tool call", "API call" or "function call"
    r"(?i)\b(?:phone|tel|(?<!tool )(?<!api )(?<!function )(?<!rpc )(?<!method )call|mobile|mobil|cell|fax|whatsapp|sms|text me|landline|number|"
    r"t[ée]l[ée]phone|handy|ring|"
    # the same words in the languages of the numbers' countries
    r"telefon\w*|tel[ée]fono|celular|cellulare|m[óo]vil|portable|port[áa]til|n[úu]mero|"
    r"num[ée]ro|nummer|rufnummer|contato|contacto|kontakt|ligar|llamar|appeler|anrufen|"
    r"携帯|電話|手机|电话|휴대폰|전화)\W{0,3}(?:\w+\W{1,3}){0,3}$"
)
_NOT_PHONE_WORDS = re.compile(
    r"(?i)\b(?:orders?|tickets?|case|invoice|ref(?:erence)?|ids?|pids?|ports?|build|isbn|account|acct|card|"
    r"tracking|serial|sku|po|version|v|no\.|#)\W{0,3}(?:number\W{1,3})?$"
)
# Digits that go on from a group of letters and digits (`1Z 999 AA1 01 2345 6784`):
# a tracking number or product code, not a phone number.
# Short, as such codes' groups are: a token before a number is no group of it.
_CODE_BEFORE = re.compile(
    r"(?<![^\s(])(?=[A-Za-z]*\d)(?=[A-Za-z0-9]{1,10} \Z)[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]* \Z"
)
_NANP = re.compile(r"(?:\(\d{3}\)[ -]?|\d{3}([ .-]))\d{3}[ .-]\d{4}")
_NANP_TRUNK = re.compile(r"1[ .-]?" + _NANP.pattern)  # `1-800-555-0199`, `1 (415) 555-0134`
# An area code in parentheses without the trunk 0, a hyphen before the last four
# digits: Brazil's `(21) 99876-5432`, `(11) 3456-7890`.
_PAREN_AREA = re.compile(r"\([1-9]\d\)[ ]?9?\d{4}[ -]\d{4}|[1-9]\d 9\d{4}-\d{4}")
# Russia's and its neighbours' trunk 8, the last digits as `123-45-67`: `8 (495) 123-45-67`.
_TRUNK_8 = re.compile(r"8[ -]?(?:\(\d{3,5}\)|\d{3,5})[ -]?\d{1,3}-\d{2}-\d{2}")
# Dotted national numbers from a trunk 0 (`01.42.68.53.00`): four groups or more,
# which neither an IP address (no leading 0) nor a version or a date has.
_SEPARATORS = re.compile(r"[ .()-]+")
_NON_DIGITS = re.compile(r"\D+")
_DOTTED = re.compile(r"0[1-9](?:\.\d{2,4}){3,5}")


def phones(text: str) -> Iterator[Hit]:
    """Numbers in runs of digits and separators, tried from each group that opens one."""
    done = 0
    for run in _DIGIT_RUN.finditer(text):
        if _ISO_DATE.match(run.group()):
            continue  # the front matter's timestamps: most runs, never a number
        # Inside a run, a number may start after a date ("2026-03-04 415-555-0142"),
        # not after another group of the same reference ("2026 0304 1122").
        group = run.group()
        starts = [run.start()]
        if " " in group:
            starts += [
                run.start() + k + 1
                for k, c in enumerate(group)
                if c == " " and group[k + 1 : k + 2] in _OPENERS and _date_or_address(group[:k])
            ]
        for start in starts:
            if start < done:
                continue
            m = _PHONE.match(text, start)
            end = _phone_end(text, start, m.end()) if m else None
            if end is not None:
                done = end
                yield Hit(PHONE, "phone number", start, end)


def _phone_end(text: str, start: int, end: int) -> int | None:
    """Where the number from `start` ends, dropping trailing groups it cannot hold; None: no number."""
    before = text[max(0, start - 40) : start]
    code = not text.startswith("+", start) and _CODE_BEFORE.search(before)
    if _NOT_PHONE_WORDS.search(before) or code:
        return None
    # A context word does not reach over a redacted item: it was that item's.
    after_redaction = _PLACEHOLDER.split(text[max(0, start - 60) : start])[-1][-40:]
    context = bool(_PHONE_WORDS.search(after_redaction))
    run_end = end
    while end > start:
        number = text[start:end]
        if _phone_shape(number, context):
            if end < run_end and not _phone_shape(number, False):
                return None  # only the context made it a number, cut out of a longer list
            return end
        cut = max(number.rfind(" "), number.rfind("-"), number.rfind("."))
        if cut <= 0:
            return None
        end = start + cut
    return None


def _phone_shape(number: str, context: bool) -> bool:
    digits = sum(c.isdigit() for c in number)
    if number.startswith(("+", "00")):
        if number.count(".") == 1 and not any(c in number for c in " -("):
            return False  # `+52.520008`: a signed decimal, a coordinate
        return 8 <= digits - (2 if number.startswith("00") else 0) <= 15 and _grouped(number)
    if digits < 7 or digits > 12 or _date_or_address(number):
        return False
    if _NANP.fullmatch(number) and number.lstrip("(")[0] in "23456789":
        return True
    if _NANP_TRUNK.fullmatch(number) and number[1:].lstrip(" .-(")[0] in "23456789":
        return True
    if _PAREN_AREA.fullmatch(number) or _TRUNK_8.fullmatch(number):
        return True
    national = number.lstrip("(")
    if national.startswith("0") and national[1:2] != "0" and 9 <= digits <= 12:
        return " " in number or "-" in number or ")" in number or digits <= 11
    return context and _grouped(number) and digits <= 11 and _local_groups(number)


def _local_groups(number: str) -> bool:
    """Grouped as a subscriber number is (`98201 48372`, `482 9301`, `4829301`), not as a
    list of counts (`3 5 8 13 21`, `128000 200000`): up to four groups of 2 to 5 digits."""
    groups = [g for g in _NON_DIGITS.split(number) if g]
    return len(groups) == 1 or (len(groups) <= 4 and all(2 <= len(g) <= 5 for g in groups))


def _grouped(number: str) -> bool:
    """Separators of one kind (and a trunk `(0)`), no group longer than a number holds."""
    body = number.replace("(0)", " ").lstrip("+")
    kinds = {c for c in body if c in " .-"}
    if "." in kinds and len(kinds) > 1:
        return False
    groups = [g for g in re.split(r"[ .()-]+", body) if g]
    return all(len(g) <= 15 for g in groups)


def _date_or_address(number: str) -> bool:
    """`2026-03-04`, `10.12.144.201`, `1.4.0`: dates, IP addresses and versions."""
    if "." in number and " " not in number and "-" not in number:
        return not (
            _NANP.fullmatch(number) or _NANP_TRUNK.fullmatch(number) or _DOTTED.fullmatch(number)
        )
    # The first three groups decide; `phones` asks this of every prefix of a long
    # run of digits, so splitting the whole run each time would be quadratic.
    groups = _SEPARATORS.split(number.strip("()"), maxsplit=2)
    return len(groups) >= 3 and len(groups[0]) == 4 and groups[0][:2] in ("19", "20")
