"""The agent adapter: how an eval case reaches the agent under test.

`[tool.incidentkit.agent]` names either a Python callable (`callable =
"module:function"`, imported with the repository root first on `sys.path`,
called as `fn(input, agent=..., version=...)`) or a command (`command =
[...]`, sent `{"input", "agent", "version"}` as JSON on stdin, answering JSON
on stdout), for an agent written in any language. Either may answer with the
reply text alone or with a mapping `{output, latency_ms, cost_usd,
tool_calls}`; the adapter normalises both into one `AgentReply` and measures
latency itself when the agent does not report it.

This module only runs the agent; it does not judge the reply (see `checks`).
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from incidentkit.config import AgentConfig
from incidentkit.errors import ConfigError, IncidentkitError
from incidentkit.records.model import EvalCase

_TABLE = "[tool.incidentkit.agent]"


class AgentError(IncidentkitError):
    """The agent ran but its answer is unusable: it raised, timed out, or printed non-JSON."""


@dataclass(frozen=True)
class AgentReply:
    """One answer from the agent, with the run's metadata the checks look at."""

    output: str
    latency_ms: float | None = None
    cost_usd: float | None = None
    tool_calls: tuple[str, ...] = ()


class Agent(Protocol):
    def run(
        self, input: Mapping[str, Any], agent: str | None = None, version: str | None = None
    ) -> AgentReply: ...

    @property
    def label(self) -> str: ...


def case_agent(case: EvalCase, incident_agents: Mapping[str, str | None]) -> str | None:
    """The agent a case targets: its own `agent`, else its first linked incident's."""
    if case.agent:
        return case.agent
    for incident_id in case.incidents:
        return incident_agents.get(incident_id)
    return None


def load_agent(config: AgentConfig, root: Path) -> Agent:
    """The agent `[tool.incidentkit.agent]` describes; ConfigError when it names none or a bad one."""
    workdir = root / config.cwd if config.cwd else root
    if config.callable and config.command:
        raise ConfigError(f"{_TABLE}: set either `callable` or `command`, not both")
    if config.callable:
        return CallableAgent(import_callable(config.callable, workdir), config.callable)
    if config.command:
        return CommandAgent(config.command, workdir, config.timeout_seconds)
    raise ConfigError(
        f"no agent configured: add {_TABLE} to pyproject.toml with "
        '`callable = "module:function"` or `command = ["program", "arg"]`'
    )


def import_callable(spec: str, workdir: Path, table: str = _TABLE) -> Callable[..., Any]:
    """The function `module:function` names, imported with `workdir` first on `sys.path`."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigError(f'{table} callable = "{spec}": write it as "module:function"')
    # The agent usually lives in the repository itself (examples/, agents/),
    # which is not installed; import it the way `python -m` would from the root.
    if str(workdir) not in sys.path:
        sys.path.insert(0, str(workdir))
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f'{table} callable = "{spec}": cannot import {module_name!r}: {exc} '
            f"(searched {workdir} and the installed packages)"
        ) from None
    except Exception as exc:
        raise ConfigError(
            f'{table} callable = "{spec}": importing {module_name!r} failed: '
            f"{type(exc).__name__}: {exc}{where(exc)}"
        ) from None
    try:
        target: Any = module
        for part in attribute.split("."):
            target = getattr(target, part)
    except AttributeError:
        raise ConfigError(
            f'{table} callable = "{spec}": module {module_name!r} has no attribute {attribute!r}'
        ) from None
    if not callable(target):
        raise ConfigError(f'{table} callable = "{spec}": {attribute!r} is not callable')
    return target


def where(exc: BaseException) -> str:
    """' (at file:line)' for the innermost frame, so a failing agent can be found without a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {last.filename}:{last.lineno})"


class CallableAgent:
    """A Python function in the repository or in an installed package."""

    def __init__(self, fn: Callable[..., Any], spec: str) -> None:
        self.fn = fn
        self.spec = spec
        self._keywords = _accepted_keywords(fn)

    @property
    def label(self) -> str:
        return self.spec

    def run(
        self, input: Mapping[str, Any], agent: str | None = None, version: str | None = None
    ) -> AgentReply:
        given = {"agent": agent, "version": version}
        kwargs = {k: v for k, v in given.items() if k in self._keywords}
        started = time.perf_counter()
        try:
            raw = self.fn(dict(input), **kwargs)
        except Exception as exc:
            raise AgentError(
                f"agent {self.spec} raised {type(exc).__name__}: {exc}{where(exc)}"
            ) from None
        elapsed = (time.perf_counter() - started) * 1000
        return normalise_reply(raw, elapsed, self.spec)


def _accepted_keywords(fn: Callable[..., Any]) -> set[str]:
    # The contract passes `input` and `agent`; `version` came later.
    # An agent written against the older contract keeps working.
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return {"agent", "version"}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return {"agent", "version"}
    return {p.name for p in params if p.kind is not inspect.Parameter.POSITIONAL_ONLY}


class CommandAgent:
    """A program in any language: JSON request on stdin, JSON reply on stdout."""

    def __init__(self, command: tuple[str, ...], cwd: Path, timeout_seconds: float) -> None:
        self.command = command
        self.cwd = cwd
        self.timeout_seconds = timeout_seconds

    @property
    def label(self) -> str:
        return " ".join(self.command)

    def run(
        self, input: Mapping[str, Any], agent: str | None = None, version: str | None = None
    ) -> AgentReply:
        request = {"input": input, "agent": agent, "version": version}
        started = time.perf_counter()
        raw = run_json_command(
            self.command, self.cwd, self.timeout_seconds, request, "agent", _TABLE, AgentError
        )
        elapsed = (time.perf_counter() - started) * 1000
        return normalise_reply(raw, elapsed, self.label)


def run_json_command(
    command: tuple[str, ...],
    cwd: Path,
    timeout_seconds: float,
    request: Mapping[str, Any],
    role: str,
    table: str,
    error: type[IncidentkitError],
) -> Any:
    """Send `request` as JSON on stdin, read JSON from stdout; `error` when the answer is unusable."""
    label = " ".join(command)
    try:
        done = subprocess.run(
            list(command),
            input=json.dumps(request, default=str),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            cwd=cwd,
            timeout=timeout_seconds,
            check=False,
        )
    except FileNotFoundError:
        raise ConfigError(
            f"{table} command: program {command[0]!r} not found "
            f"(looked on PATH and relative to {cwd})"
        ) from None
    except PermissionError:
        raise ConfigError(
            f"{table} command: {command[0]!r} is not executable (chmod +x it)"
        ) from None
    except NotADirectoryError:
        raise ConfigError(f"{table} cwd: {cwd} is not a folder") from None
    except subprocess.TimeoutExpired:
        raise error(
            f"{role} command `{label}` did not answer within {timeout_seconds:g} s "
            f"(raise timeout_seconds in {table} if it is just slow)"
        ) from None
    if done.returncode != 0:
        raise error(
            f"{role} command `{label}` exited with status {done.returncode}"
            f"{tail('stderr', done.stderr)}"
        )
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise error(
            f"{role} command `{label}` printed output that is not JSON ({exc.msg} at "
            f"line {exc.lineno}, column {exc.colno}){tail('stdout', done.stdout)}"
            f"{tail('stderr', done.stderr)}"
        ) from None


def tail(name: str, text: str, limit: int = 400) -> str:
    text = text.strip()
    if not text:
        return ""
    shown = text if len(text) <= limit else "..." + text[-limit:]
    return f"; {name}: {shown!r}"


def normalise_reply(raw: Any, measured_ms: float | None, source: str = "agent") -> AgentReply:
    """The agent's answer (text, or a mapping with `output`) as an `AgentReply`.

    `measured_ms` is used when the agent does not report `latency_ms` itself.
    """
    if isinstance(raw, str):
        return AgentReply(output=raw, latency_ms=measured_ms)
    if not isinstance(raw, Mapping):
        raise AgentError(
            f"{source} answered with a {type(raw).__name__}; return the reply text or a mapping "
            "with 'output' (and optionally latency_ms, cost_usd, tool_calls)"
        )
    output = raw.get("output")
    if not isinstance(output, str):
        raise AgentError(
            f"{source} answered without a text 'output' (got keys: {', '.join(map(str, raw)) or 'none'})"
        )
    latency = _number(raw, "latency_ms", source)
    return AgentReply(
        output=output,
        latency_ms=latency if latency is not None else measured_ms,
        cost_usd=_number(raw, "cost_usd", source),
        tool_calls=_tool_names(raw.get("tool_calls"), source),
    )


def _number(raw: Mapping[str, Any], key: str, source: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AgentError(f"{source} answered {key}={value!r}; it must be a number")
    return float(value)


def _tool_names(value: Any, source: str) -> tuple[str, ...]:
    """Tool names from a list of names or of call objects (`name`, or OpenAI's `function.name`)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AgentError(f"{source} answered tool_calls={value!r}; it must be a list")
    names = []
    for call in value:
        name: Any = call
        if isinstance(call, Mapping):
            function = call.get("function")
            name = call.get("name") or (
                function.get("name") if isinstance(function, Mapping) else None
            )
        if not isinstance(name, str) or not name:
            raise AgentError(
                f"{source} answered a tool call {call!r} without a name; "
                "give each call as a name or as {'name': ...}"
            )
        names.append(name)
    return tuple(names)
