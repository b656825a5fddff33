"""Reproducing a failure offline: one eval case run N times against the agent.

A non-deterministic agent fails some of the time; the practice is to run the
exact input 10-20 times and estimate how often. `reproduce()` runs a case in
parallel threads, judges every reply with `evals.checks` and returns a
`Reproduction`: failures / runs, the 95% Wilson interval
(`metrics.wilson_interval`), how often each check failed, and the distinct
failing outputs. Runs in which the agent itself raised (`AgentError`), or the judge of
`criteria` did (`JudgeError`), are counted apart: inconclusive, neither the
failure nor a pass.

The case comes from discovery (an ID) or from a YAML file that need not be
under `evals/` yet (a draft). Ctrl-C stops the loop and returns what ran so
far, marked `interrupted`. `record()` writes `reproduction: {runs, failures,
agent}` into the case with the round-trip writer. This module neither prints
nor exits; `cli/reproduce.py` does.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidentkit.config import Config
from incidentkit.errors import IncidentkitError, UsageError
from incidentkit.evals.agent import Agent, AgentError, AgentReply, case_agent
from incidentkit.evals.checks import (
    CaseResult,
    CheckError,
    JudgeFn,
    Outcome,
    evaluate,
    parse_checks,
)
from incidentkit.evals.discovery import yaml_cases
from incidentkit.evals.judge import JudgeError
from incidentkit.metrics import wilson_interval
from incidentkit.records.document import read_document
from incidentkit.records.model import EvalCase
from incidentkit.records.repository import load_repository, record_files
from incidentkit.records.roundtrip import set_mappings

SHOWN_CHARS = 200  # a failing output is quoted up to this many characters
CONFIDENCE_Z = 1.96  # 95%


@dataclass(frozen=True)
class Target:
    """A case ready to run: where it lives, what it sends, whom it targets."""

    case: EvalCase
    file: Path  # the YAML file, absolute (a draft may live outside the repository)
    agent: str | None  # the agent name passed to the adapter
    input: dict[str, Any]
    expected: list[Any]
    root: Path | None = None  # the repository: a symlinked case is edited through inside it

    @property
    def id(self) -> str:
        return self.case.id


def load_target(config: Config, ref: str, case_id: str | None = None) -> Target:
    """The case `ref` names: a case ID found by discovery, or a path to a YAML case file.

    A file holding several cases needs `case_id`. Raises `UsageError` for an
    unknown ID, an unreadable file, or a case that cannot run as written.
    """
    records = load_repository(config, [f for f in record_files(config) if f[1] == "incident"])
    agents = {i.id: i.agent for i in records.incidents if i.id}
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        case, file = _case_from_file(config, path, case_id)
    else:
        if case_id is not None and case_id != ref:
            raise UsageError(f"--case {case_id} applies to a case file, not to the case ID {ref}")
        case, file = _case_by_id(config, ref)
    agent = case_agent(case, agents)
    return _target(case, file, agent, judged=config.judge is not None, root=config.root)


def _case_from_file(config: Config, path: Path, case_id: str | None) -> tuple[EvalCase, Path]:
    file = path.resolve()
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    # A draft outside the repository is read relative to its own folder.
    repo = config.root.resolve()
    root = repo if repo in file.parents else file.parent
    doc = read_document(root, file, "eval", config.max_file_bytes)
    if not doc.readable:
        detail = "; ".join(f"line {p.line}: {p.message}" for p in doc.problems)
        raise UsageError(f"{path}: cannot read the case: {detail or 'not a YAML mapping'}")
    cases = [c for c in yaml_cases(doc) if c.id]
    if case_id is not None:
        chosen = [c for c in cases if c.id == case_id]
        if not chosen:
            raise UsageError(
                f"{path} has no case {case_id!r}; it holds: {', '.join(c.id for c in cases) or 'none'}"
            )
        return chosen[0], file
    if len(cases) == 1:
        return cases[0], file
    if not cases:
        raise UsageError(f"{path}: no case with an `id` in the file")
    raise UsageError(
        f"{path} holds {len(cases)} cases; pick one with --case ID "
        f"({', '.join(c.id for c in cases)})"
    )


def _case_by_id(config: Config, case_id: str) -> tuple[EvalCase, Path]:
    cases = load_repository(config).cases
    found = [c for c in cases if c.id == case_id]
    yaml_found = [c for c in found if c.source == "yaml"]
    if len(yaml_found) > 1:
        where = ", ".join(c.path for c in yaml_found)
        raise UsageError(
            f"case ID {case_id!r} is used more than once ({where}); give the file and --case"
        )
    if yaml_found:
        return yaml_found[0], config.root / yaml_found[0].path
    if found:
        raise UsageError(
            f"{case_id} is a Python test; run it repeatedly with pytest "
            "(e.g. pytest-repeat's --count) instead"
        )
    close = difflib.get_close_matches(case_id, [c.id for c in cases if c.id], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(
        f"no eval case with ID {case_id!r} under {config.evals_dir}/ "
        f"(give a path to run a case file that is not there yet){hint}"
    )


def _target(
    case: EvalCase, file: Path, agent: str | None, judged: bool = False, root: Path | None = None
) -> Target:
    where = f"{case.path}:{case.at('id')[0]}"
    expected = case.data.get("expected")
    try:
        checks = parse_checks(expected)
    except CheckError as exc:
        raise UsageError(f"{where}: case {case.id!r}: {exc}") from None
    if all(c.kind == "criteria" for c in checks) and not judged:
        raise UsageError(
            f"{where}: case {case.id!r} has only `criteria`, which needs a judge: configure "
            "[tool.incidentkit.judge], or add a machine check (contains, not-contains, regex, "
            "tool-called...) to reproduce it"
        )
    case_input = case.data.get("input")
    messages = case_input.get("messages") if isinstance(case_input, Mapping) else None
    if not isinstance(messages, list) or not messages:
        raise UsageError(
            f"{where}: case {case.id!r}: `input` must be a mapping with a non-empty `messages` list"
        )
    assert isinstance(case_input, dict) and isinstance(expected, list)
    return Target(case=case, file=file, agent=agent, input=case_input, expected=expected, root=root)


@dataclass(frozen=True)
class RunOutcome:
    """One run: the reply and its judgement, or the agent's error."""

    index: int
    reply: AgentReply | None = None
    result: CaseResult | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.result is not None and self.result.outcome is Outcome.FAILED


def run_once(
    agent: Agent,
    input: Mapping[str, Any],
    expected: list[Any],
    index: int,
    agent_name: str | None,
    version: str | None,
    judge: JudgeFn | None = None,
) -> RunOutcome:
    """Call the agent once and judge the reply; an agent or judge error is the outcome's error."""
    try:
        reply = agent.run(input, agent=agent_name, version=version)
    except AgentError as exc:
        return RunOutcome(index, error=str(exc))
    try:
        result = evaluate(expected, reply, judge)
    except JudgeError as exc:
        return RunOutcome(index, reply=reply, error=str(exc))
    return RunOutcome(index, reply=reply, result=result)


OnRun = Callable[[RunOutcome], None]


def run_many(
    agent: Agent,
    input: Mapping[str, Any],
    expected: list[Any],
    runs: int,
    *,
    jobs: int,
    agent_name: str | None,
    version: str | None,
    first_index: int = 0,
    on_run: OnRun | None = None,
    judge: JudgeFn | None = None,
) -> tuple[list[RunOutcome], bool]:
    """`runs` calls, up to `jobs` at a time; the outcomes in run order, and whether Ctrl-C stopped them.

    `on_run` is called in the calling thread as each run finishes (for a
    progress bar). Errors other than `AgentError` (a `ConfigError` from a
    missing program) cancel the remaining runs and propagate.
    """
    outcomes: dict[int, RunOutcome] = {}
    if runs <= 0:
        return [], False
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, runs)), thread_name_prefix="reproduce")
    futures: list[Future[RunOutcome]] = []
    interrupted = False
    try:
        futures = [
            pool.submit(
                run_once, agent, input, expected, first_index + i, agent_name, version, judge
            )
            for i in range(runs)
        ]
        pending: set[Future[RunOutcome]] = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                outcome = future.result()
                outcomes[outcome.index] = outcome
                if on_run is not None:
                    on_run(outcome)
    except KeyboardInterrupt:
        # Report every run that finished, including those not collected yet;
        # calls still in flight are abandoned, not awaited.
        interrupted = True
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is None:
                outcome = future.result()
                outcomes.setdefault(outcome.index, outcome)
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=not interrupted, cancel_futures=True)
    return sorted(outcomes.values(), key=lambda o: o.index), interrupted


@dataclass(frozen=True)
class CheckTally:
    index: int  # position in `expected`
    kind: str
    expected: Any
    failures: int


@dataclass(frozen=True)
class Reproduction:
    target: Target
    version: str | None
    requested: int
    outcomes: list[RunOutcome] = field(default_factory=list)
    interrupted: bool = False

    @property
    def runs(self) -> int:
        """Runs the checks judged (agent errors left out)."""
        return sum(o.result is not None for o in self.outcomes)

    @property
    def failures(self) -> int:
        return sum(o.failed for o in self.outcomes)

    @property
    def errors(self) -> list[str]:
        return [o.error for o in self.outcomes if o.error is not None]

    @property
    def reproduced(self) -> bool:
        return self.failures > 0

    @property
    def failure_rate(self) -> float | None:
        return self.failures / self.runs if self.runs else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.failures, self.runs, CONFIDENCE_Z)

    @property
    def agent_label(self) -> str:
        """`agent@version` as recorded; `?` for an unknown part."""
        return f"{self.target.agent or '?'}@{self.version or '?'}"

    def check_failures(self) -> list[CheckTally]:
        """Each check that failed at least once, with how often, in `expected` order."""
        counts: Counter[int] = Counter()
        seen: dict[int, tuple[str, Any]] = {}
        for o in self.outcomes:
            if o.result is None:
                continue
            for r in o.result.failed:
                counts[r.index] += 1
                seen[r.index] = (r.kind, r.expected)
        return [CheckTally(i, *seen[i], counts[i]) for i in sorted(counts)]

    def failing_outputs(self, limit: int = SHOWN_CHARS) -> list[tuple[str, int]]:
        """Distinct outputs of the failing runs, most frequent first, each cut to `limit` characters."""
        counts = Counter(
            shorten(o.reply.output, limit) for o in self.outcomes if o.failed and o.reply
        )
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

    def error_messages(self) -> list[tuple[str, int]]:
        return sorted(Counter(self.errors).items(), key=lambda kv: (-kv[1], kv[0]))


def shorten(text: str, limit: int = SHOWN_CHARS) -> str:
    """Whitespace collapsed, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def default_jobs(runs: int) -> int:
    return max(1, min(4, runs))


def reproduce(
    agent: Agent,
    target: Target,
    runs: int,
    *,
    jobs: int | None = None,
    version: str | None = None,
    on_run: OnRun | None = None,
    judge: JudgeFn | None = None,
) -> Reproduction:
    """Run `target` `runs` times; `AgentError` when every run that finished was an agent error."""
    if runs < 1:
        raise UsageError("--runs must be at least 1")
    outcomes, interrupted = run_many(
        agent,
        target.input,
        target.expected,
        runs,
        jobs=jobs or default_jobs(runs),
        agent_name=target.agent,
        version=version,
        on_run=on_run,
        judge=judge,
    )
    result = Reproduction(target, version, runs, outcomes, interrupted)
    if outcomes and result.runs == 0:
        raise AgentError(
            f"the agent failed with an error on all {len(outcomes)} run(s), so nothing could be "
            f"judged; first error: {outcomes[0].error}"
        )
    return result


def require_recordable(target: Target, version: str | None) -> None:
    """Fail before any run when `--record` could not write `agent@version`."""
    if not target.agent:
        raise UsageError(
            f"cannot record the reproduction of {target.id}: no agent is known "
            "(add `agent:` to the case, or link an incident that names one)"
        )
    if not version:
        raise UsageError(
            f"cannot record the reproduction of {target.id} without the agent version: pass "
            "--agent-version (or set `version` in [tool.incidentkit.agent])"
        )


def reproduction_record(result: Reproduction) -> dict[str, Any]:
    """What `--record` writes under `reproduction:`."""
    return {"runs": result.runs, "failures": result.failures, "agent": result.agent_label}


def record(result: Reproduction) -> bool:
    """Write `reproduction:` into the case, atomically, keeping comments; False when unchanged."""
    if result.interrupted:
        raise IncidentkitError("an interrupted reproduction is not recorded; run it again")
    require_recordable(result.target, result.version)
    case = result.target.case
    return set_mappings(
        result.target.file,
        [(case.key, "reproduction", reproduction_record(result))],
        root=result.target.root,
    )
