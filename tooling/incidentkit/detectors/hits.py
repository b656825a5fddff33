"""What a detector returns (`Hit`) and what a repository allows (`Options`)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from incidentkit.config import Config

EMAIL = "email"
PHONE = "phone"
SECRET = "secret"

PLACEHOLDERS = {EMAIL: "[REDACTED-EMAIL]", PHONE: "[REDACTED-PHONE]", SECRET: "[REDACTED-SECRET]"}


@dataclass(frozen=True)
class Hit:
    kind: str  # EMAIL, PHONE or SECRET
    label: str  # what was found, for the message
    start: int  # character offsets into the scanned text
    end: int


@dataclass(frozen=True)
class Options:
    """What a repository allows: `[tool.incidentkit.personal_data]`.

    `allow_emails`: shell-style patterns (`*@vendor.com`, `oncall@acme.io`)
    matched case-insensitively against whole addresses. `allow_role_addresses`:
    role mailboxes (`support@`, `security@`, RFC 2142) name no person.
    No-reply and bot addresses are never personal data.
    """

    allow_emails: tuple[str, ...] = ()
    allow_role_addresses: bool = True

    @classmethod
    def from_config(cls, config: Config) -> Options:
        settings = config.personal_data
        return _options(settings.allow_emails, settings.allow_role_addresses)

    @cached_property
    def _allowed(self) -> re.Pattern[str] | None:
        if not self.allow_emails:
            return None
        return re.compile("|".join(fnmatch.translate(p.lower()) for p in self.allow_emails))

    def allows(self, address: str) -> bool:
        allowed = self._allowed
        return allowed is not None and allowed.match(address.lower()) is not None


@cache  # one per configuration, so its compiled allow-list is shared by every lint file
def _options(allow_emails: tuple[str, ...], allow_role_addresses: bool) -> Options:
    return Options(allow_emails, allow_role_addresses)
