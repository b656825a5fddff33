"""The judge: who scores a case's `criteria` checks, from `[tool.incidentkit.judge]`.

Like the agent (`evals.agent`), the judge is a Python callable
(`callable = "module:function"`, called as `fn(case=..., reply=...,
criterion=...)`) or a command (`command = [...]`, sent `{"case", "reply",
"criterion"}` as JSON on stdin). `case` is the case as written (id, input,
expected...), `reply` the agent's reply `{output, latency_ms, cost_usd,
tool_calls}`. It answers `{"passed": bool, "reason": str}`.

A judge that raises, times out or answers anything else raises `JudgeError`:
the run is then inconclusive, never passed or failed. Without a judge
configured, `load_judge` returns None and criteria stay "needs a judge".
This module runs the judge; `checks` decides what its verdict means.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from incidentkit.config import JudgeConfig
from incidentkit.errors import ConfigError, IncidentkitError
from incidentkit.evals.agent import AgentReply, import_callable, run_json_command, where

_TABLE = "[tool.incidentkit.judge]"


class JudgeError(IncidentkitError):
    """The judge ran but gave no usable verdict: it raised, timed out, or answered nonsense."""


@dataclass(frozen=True)
class JudgeVerdict:
    passed: bool
    reason: str


class Judge(Protocol):
    def judge(self, case: Mapping[str, Any], reply: AgentReply, criterion: str) -> JudgeVerdict: ...

    @property
    def label(self) -> str: ...


def load_judge(config: JudgeConfig | None, root: Path) -> Judge | None:
    """The judge `[tool.incidentkit.judge]` describes, or None when there is none."""
    if config is None:
        return None
    workdir = root / config.cwd if config.cwd else root
    if config.callable and config.command:
        raise ConfigError(f"{_TABLE}: set either `callable` or `command`, not both")
    if config.callable:
        fn = import_callable(config.callable, workdir, _TABLE)
        return CallableJudge(fn, config.callable)
    if config.command:
        return CommandJudge(config.command, workdir, config.timeout_seconds)
    raise ConfigError(f'{_TABLE} needs `callable = "module:function"` or `command = [...]`')


def reply_data(reply: AgentReply) -> dict[str, Any]:
    data = asdict(reply)
    data["tool_calls"] = list(reply.tool_calls)
    return data


def verdict_from(raw: Any, source: str) -> JudgeVerdict:
    """A judge's answer as a verdict; `JudgeError` unless it is `{passed: bool, reason: str}`."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("passed"), bool):
        raise JudgeError(
            f"judge {source} answered {raw!r}; it must return a mapping "
            '{"passed": true|false, "reason": "..."}'
        )
    reason = raw.get("reason")
    return JudgeVerdict(raw["passed"], str(reason) if reason is not None else "")


class CallableJudge:
    def __init__(self, fn: Callable[..., Any], spec: str) -> None:
        self.fn = fn
        self.spec = spec

    @property
    def label(self) -> str:
        return self.spec

    def judge(self, case: Mapping[str, Any], reply: AgentReply, criterion: str) -> JudgeVerdict:
        try:
            raw = self.fn(case=dict(case), reply=reply_data(reply), criterion=criterion)
        except Exception as exc:
            raise JudgeError(
                f"judge {self.spec} raised {type(exc).__name__}: {exc}{where(exc)}"
            ) from None
        return verdict_from(raw, self.spec)


class CommandJudge:
    def __init__(self, command: tuple[str, ...], cwd: Path, timeout_seconds: float) -> None:
        self.command = command
        self.cwd = cwd
        self.timeout_seconds = timeout_seconds

    @property
    def label(self) -> str:
        return " ".join(self.command)

    def judge(self, case: Mapping[str, Any], reply: AgentReply, criterion: str) -> JudgeVerdict:
        request = {"case": dict(case), "reply": reply_data(reply), "criterion": criterion}
        raw = run_json_command(
            self.command, self.cwd, self.timeout_seconds, request, "judge", _TABLE, JudgeError
        )
        return verdict_from(raw, f"`{self.label}`")


def bind(
    judge: Judge | None, case: Mapping[str, Any]
) -> Callable[[str, AgentReply], tuple[bool, str]] | None:
    """The judge as `checks.evaluate` takes it: one case, any criterion and reply."""
    if judge is None:
        return None

    def decide(criterion: str, reply: AgentReply) -> tuple[bool, str]:
        verdict = judge.judge(case, reply, criterion)
        return verdict.passed, verdict.reason

    return decide
