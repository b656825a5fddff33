"""`[tool.incidentkit]` loaded into a dataclass, and the repository it belongs to.

The repository root is found by searching upward from the working directory:
first for a `pyproject.toml` with a `[tool.incidentkit]` table, then for an
`incidents/` folder. The table is validated by `config.schema.json`; a missing
table means the packaged defaults.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema

from incidentkit.errors import ConfigError
from incidentkit.resources import data_dir

SEVERITIES = ("S1", "S2", "S3", "S4")
TIERS = ("regression", "pre-deployment", "safety-critical")


@dataclass(frozen=True)
class Policy:
    """What the practice demands of an incident, per severity."""

    regression_severities: tuple[str, ...] = ("S1", "S2")
    regression_statuses: tuple[str, ...] = ("open", "mitigated", "resolved", "closed")
    counting_tiers: tuple[str, ...] = TIERS
    postmortem_severities: tuple[str, ...] = ("S1", "S2")
    verification_severities: tuple[str, ...] = ()
    turnaround_hours: float = 72.0
    postmortem_deadline_hours: float = 48.0
    since: date | None = None
    gaps_must_close: bool = False
    # `verify`: judged runs needed on each side, and how often the case must fail before the fix
    verification_runs: int = 3
    verification_failure_rate: float = 0.0

    def needs_cases(self, severity: str | None, status: str | None) -> bool:
        return severity in self.regression_severities and status in self.regression_statuses

    def needs_verification(self, severity: str | None) -> bool:
        return severity in self.verification_severities


@dataclass(frozen=True)
class AgentConfig:
    """How eval cases reach the agent under test: a Python callable or a command."""

    callable: str | None = None
    command: tuple[str, ...] | None = None
    version: str | None = None
    cwd: str | None = None
    timeout_seconds: float = 60.0


@dataclass(frozen=True)
class JudgeConfig:
    """Who scores `criteria` checks: a Python callable or a command, like the agent.

    It receives the case, the reply and the criterion and returns
    `{"passed": bool, "reason": str}`. Without one, a criteria-only case
    checks nothing a machine can decide, so it does not count toward policy.
    """

    callable: str | None = None
    command: tuple[str, ...] | None = None
    cwd: str | None = None
    timeout_seconds: float = 60.0


@dataclass(frozen=True)
class PersonalDataConfig:
    """What `personal-data` and redaction leave alone (see `detectors.Options`)."""

    allow_emails: tuple[str, ...] = ()
    allow_role_addresses: bool = True


@dataclass(frozen=True)
class Config:
    root: Path
    incidents_dir: str = "incidents"
    postmortems_dir: str = "postmortems"
    evals_dir: str = "evals"
    schemas_dir: str = "schemas"
    templates_dir: str = "templates"
    incident_prefix: str = "INC"
    postmortem_prefix: str = "PM"
    max_file_bytes: int = 1024 * 1024
    policy: Policy = field(default_factory=Policy)
    rules: dict[str, str] = field(default_factory=dict)
    agent: AgentConfig = field(default_factory=AgentConfig)
    judge: JudgeConfig | None = None  # None: no judge configured
    personal_data: PersonalDataConfig = field(default_factory=PersonalDataConfig)
    site_title: str = "Incident database"
    source: Path | None = None  # the pyproject.toml the table came from, if any
    # Where schemas/, templates/ and the pytest config are read from when not
    # from `root`: the gate judges a PR's records by its merge base's rules.
    settings_root: Path | None = None

    def path(self, folder: str) -> Path:
        return self.root / folder

    @property
    def settings(self) -> Path:
        return self.settings_root or self.root

    @cached_property  # asked once per file by lint; the answer does not change in a run
    def schemas_path(self) -> Path:
        """The repository's schemas, or the packaged ones when it has none."""
        local = self.settings / self.schemas_dir
        return local if local.is_dir() else data_dir("schemas")

    @property
    def templates_path(self) -> Path:
        local = self.settings / self.templates_dir
        return local if local.is_dir() else data_dir("templates")


def find_root(start: Path) -> Path:
    """The incident repository that contains `start`, searching upward."""
    start = start.resolve()
    candidates = [start, *start.parents]
    for folder in candidates:
        if _has_table(folder / "pyproject.toml"):
            return folder
    for folder in candidates:
        if (folder / "incidents").is_dir():
            return folder
    raise ConfigError(
        f"no incident repository found in {start} or any parent: looked for a pyproject.toml "
        "with [tool.incidentkit] and for an incidents/ folder. Run `incidentkit init` or pass -C DIR."
    )


def load_config(start: Path | None = None) -> Config:
    return load_config_at(find_root(start or Path.cwd()))


def load_config_at(root: Path, *, check_paths: bool = True) -> Config:
    """The config of the repository at `root` exactly (no upward search).

    `check_paths=False` for a copy of another commit's settings, whose record
    folders are not laid out beside them.
    """
    pyproject = root / "pyproject.toml"
    table = _read_table(pyproject) if pyproject.is_file() else None
    if table is None:
        return Config(root=root)
    table = _plain(table)
    _validate(table, pyproject)
    return _from_table(root, table, pyproject, check_paths)


def _plain(value: Any) -> Any:
    """TOML dates as ISO strings, so the JSON Schema sees what a user wrote either way."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _has_table(pyproject: Path) -> bool:
    if not pyproject.is_file():
        return False
    try:
        return _read_table(pyproject) is not None
    except ConfigError:
        return True  # a broken table still marks the root; loading reports the error


def _read_table(pyproject: Path) -> dict[str, Any] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: not valid TOML: {exc}") from exc
    table = data.get("tool", {}).get("incidentkit")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.incidentkit] must be a table")
    return table


@cache
def _config_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _validate(table: dict[str, Any], source: Path) -> None:
    try:
        found = list(_config_validator().iter_errors(table))
    except ValueError as exc:  # an int too long to print in the message (0xfff... in TOML)
        raise ConfigError(
            f"{source}: [tool.incidentkit]: a number is far too large ({exc})"
        ) from None
    errors = sorted(found, key=lambda e: list(e.absolute_path))
    if errors:
        where = ".".join(["tool.incidentkit", *(str(p) for p in errors[0].absolute_path)])
        raise ConfigError(f"{source}: [{where}]: {errors[0].message}")


def _from_table(root: Path, table: dict[str, Any], source: Path, check_paths: bool) -> Config:
    paths = table.get("paths", {})
    for name, folder in paths.items() if check_paths else ():
        # a typo here would otherwise read as an empty repository, or as broken links
        if not (root / folder).is_dir():
            raise ConfigError(
                f"{source}: [tool.incidentkit.paths] {name} = {folder!r}: no such folder in {root}"
            )
    ids = table.get("ids", {})
    pol = table.get("policy", {})
    agent = table.get("agent", {})
    since = pol.get("since")
    defaults = Policy()
    policy = Policy(
        regression_severities=tuple(
            pol.get("regression_severities", defaults.regression_severities)
        ),
        regression_statuses=tuple(pol.get("regression_statuses", defaults.regression_statuses)),
        counting_tiers=tuple(pol.get("counting_tiers", defaults.counting_tiers)),
        postmortem_severities=tuple(
            pol.get("postmortem_severities", defaults.postmortem_severities)
        ),
        verification_severities=tuple(
            pol.get("verification_severities", defaults.verification_severities)
        ),
        turnaround_hours=float(pol.get("turnaround_hours", defaults.turnaround_hours)),
        postmortem_deadline_hours=float(
            pol.get("postmortem_deadline_hours", defaults.postmortem_deadline_hours)
        ),
        since=_parse_since(since, source) if since is not None else None,
        gaps_must_close=bool(pol.get("gaps_must_close", False)),
        verification_runs=int(pol.get("verification_runs", defaults.verification_runs)),
        verification_failure_rate=float(
            pol.get("verification_failure_rate", defaults.verification_failure_rate)
        ),
    )
    command = agent.get("command")
    return Config(
        root=root,
        incidents_dir=paths.get("incidents", "incidents"),
        postmortems_dir=paths.get("postmortems", "postmortems"),
        evals_dir=paths.get("evals", "evals"),
        schemas_dir=paths.get("schemas", "schemas"),
        templates_dir=paths.get("templates", "templates"),
        incident_prefix=ids.get("incident", "INC"),
        postmortem_prefix=ids.get("postmortem", "PM"),
        max_file_bytes=int(table.get("max_file_bytes", 1024 * 1024)),
        policy=policy,
        rules=dict(table.get("rules", {})),
        agent=AgentConfig(
            callable=agent.get("callable"),
            command=tuple(command) if command else None,
            version=agent.get("version"),
            cwd=agent.get("cwd"),
            timeout_seconds=float(agent.get("timeout_seconds", 60.0)),
        ),
        judge=_judge(table.get("judge")),
        personal_data=PersonalDataConfig(
            allow_emails=tuple(table.get("personal_data", {}).get("allow_emails", ())),
            allow_role_addresses=bool(
                table.get("personal_data", {}).get("allow_role_addresses", True)
            ),
        ),
        site_title=table.get("site", {}).get("title", "Incident database"),
        source=source,
    )


def _judge(table: dict[str, Any] | None) -> JudgeConfig | None:
    if table is None:
        return None
    command = table.get("command")
    return JudgeConfig(
        callable=table.get("callable"),
        command=tuple(command) if command else None,
        cwd=table.get("cwd"),
        timeout_seconds=float(table.get("timeout_seconds", 60.0)),
    )


def _parse_since(value: Any, source: Path) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(
            f"{source}: [tool.incidentkit.policy] since = {value!r} is not a YYYY-MM-DD date"
        ) from exc
