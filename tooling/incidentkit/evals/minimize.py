"""Minimising a failing case: the smallest input that still fails, by delta debugging.

A 15-message conversation from production often fails because of 3 of its
messages. `minimize()` reduces a case's `input` in three stages, each keeping
a reduction only when the failure still shows up at least `threshold` of the
time over `runs_per_step` runs (the "test" of delta debugging, which has to be
statistical for a non-deterministic agent):

1. messages: Zeller's ddmin over the messages, always keeping the last user
   turn (the question the agent answers);
2. context: ddmin over the top-level keys of `input.context`;
3. text: each remaining message cut to its first or its second half (by
   words) for as long as a half still fails; a single word is left alone.

Every configuration is tested at most once (results are cached), so a
stochastic agent cannot make ddmin go round in circles. `max_runs` caps the
agent calls: a step that would exceed it is not started and the best input
found so far is returned, as on Ctrl-C. Each step stops early once its
outcome is decided (enough failures, or too many passes). This module
neither prints nor writes files except through `write_min_case` /
`write_in_place`; `cli/minimize.py` reports.
"""

from __future__ import annotations

import copy
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from ruamel.yaml import YAML

from incidentkit.atomic import atomic_write_text
from incidentkit.errors import UsageError
from incidentkit.evals.agent import Agent
from incidentkit.evals.checks import JudgeFn
from incidentkit.evals.reproduce import Target, default_jobs, run_many
from incidentkit.records.roundtrip import set_mappings

T = TypeVar("T")
Stop = Literal["max-runs", "interrupted"]


@dataclass(frozen=True)
class Size:
    messages: int
    chars: int  # characters of message text
    context_keys: int

    def describe(self) -> str:
        keys = f", {self.context_keys} context key(s)" if self.context_keys else ""
        return f"{self.messages} message(s), {self.chars} character(s){keys}"


def size_of(input: dict[str, Any]) -> Size:
    messages = input.get("messages") or []
    context = input.get("context")
    return Size(
        messages=len(messages),
        chars=sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict)),
        context_keys=len(context) if isinstance(context, dict) else 0,
    )


@dataclass(frozen=True)
class Step:
    """One accepted reduction."""

    stage: str  # messages, context, text
    description: str
    size: Size
    failures: int
    runs: int
    calls: int  # agent calls so far, this step included


@dataclass
class Minimization:
    target: Target
    original: dict[str, Any]
    best: dict[str, Any]
    original_failures: int = 0
    original_runs: int = 0
    original_fails: bool = False  # the original input met the threshold
    steps: list[Step] = field(default_factory=list)
    calls: int = 0
    stopped: Stop | None = None

    @property
    def reduced(self) -> bool:
        return self.best != self.original


class _Stopped(Exception):
    def __init__(self, reason: Stop) -> None:
        super().__init__(reason)
        self.reason: Stop = reason


class _Oracle:
    """Does an input still fail? At most `runs` calls, stopping once the answer is known."""

    def __init__(
        self,
        agent: Agent,
        target: Target,
        version: str | None,
        runs: int,
        threshold: float,
        max_runs: int,
        jobs: int,
        judge: JudgeFn | None = None,
    ) -> None:
        self.agent = agent
        self.target = target
        self.version = version
        self.runs = runs
        # failures needed out of `runs`; the epsilon keeps 0.3 * 10 from rounding up to 4
        self.needed = max(1, math.ceil(threshold * runs - 1e-9))
        self.max_runs = max_runs
        self.jobs = jobs
        self.judge = judge
        self.calls = 0
        self.last = (0, 0)  # failures, runs of the latest test
        self._cache: dict[str, tuple[bool, int, int]] = {}

    def fails(self, input: dict[str, Any]) -> bool:
        key = json.dumps(input, sort_keys=True, default=str)
        if key in self._cache:
            verdict, failures, runs = self._cache[key]
            self.last = (failures, runs)
            return verdict
        if self.calls + self.runs > self.max_runs:
            raise _Stopped("max-runs")
        failures = done = 0
        verdict = False
        while done < self.runs:
            outcomes, interrupted = run_many(
                self.agent,
                input,
                self.target.expected,
                min(self.jobs, self.runs - done),
                jobs=self.jobs,
                agent_name=self.target.agent,
                version=self.version,
                first_index=self.calls,
                judge=self.judge,
            )
            self.calls += len(outcomes)
            if interrupted:
                raise _Stopped("interrupted")
            # An agent error is not the failure being minimised: it counts as a pass.
            failures += sum(o.failed for o in outcomes)
            done += len(outcomes)
            if failures >= self.needed:
                verdict = True
                break
            if done - failures > self.runs - self.needed:
                break
        self._cache[key] = (verdict, failures, done)
        self.last = (failures, done)
        return verdict


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool]) -> list[T]:
    """Zeller's ddmin: a 1-minimal sub-list of `items` (order kept) for which `fails` holds.

    `fails(list(items))` is assumed. The empty list is tried first, since
    ddmin itself never tests it.
    """
    current = list(items)
    if not current or fails([]):
        return []
    n = 2
    while len(current) >= 2:
        chunks = _split(current, n)
        reduced = False
        for chunk in chunks:
            if fails(chunk):
                current, n, reduced = chunk, 2, True
                break
        if not reduced:
            for i in range(len(chunks)):
                complement = [x for j, c in enumerate(chunks) if j != i for x in c]
                if fails(complement):
                    current, n, reduced = complement, max(n - 1, 2), True
                    break
        if not reduced:
            if n >= len(current):
                break
            n = min(len(current), 2 * n)
    return current


def _split(items: list[T], n: int) -> list[list[T]]:
    """`items` in `n` contiguous chunks of near-equal size."""
    n = min(n, len(items))
    size, extra = divmod(len(items), n)
    chunks, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        chunks.append(items[start:end])
        start = end
    return chunks


def minimize(
    agent: Agent,
    target: Target,
    *,
    runs_per_step: int = 5,
    threshold: float = 0.5,
    max_runs: int = 500,
    jobs: int | None = None,
    version: str | None = None,
    on_step: Callable[[Step], None] | None = None,
    judge: JudgeFn | None = None,
) -> Minimization:
    """The smallest input found that still fails; see the module docstring."""
    if runs_per_step < 1:
        raise UsageError("--runs-per-step must be at least 1")
    if not 0 < threshold <= 1:
        raise UsageError("--threshold is a failure rate: more than 0, at most 1")
    if max_runs < runs_per_step:
        raise UsageError(
            f"--max-runs {max_runs} is below --runs-per-step {runs_per_step}: "
            "not even the original case could be run"
        )
    original = copy.deepcopy(target.input)
    last_user = _last_user_turn(target, original)
    oracle = _Oracle(
        agent,
        target,
        version,
        runs_per_step,
        threshold,
        max_runs,
        jobs or default_jobs(runs_per_step),
        judge,
    )
    result = Minimization(target=target, original=original, best=copy.deepcopy(original))

    def accept(stage: str, description: str, candidate: dict[str, Any]) -> None:
        result.best = candidate
        failures, runs = oracle.last
        step = Step(stage, description, size_of(candidate), failures, runs, oracle.calls)
        result.steps.append(step)
        if on_step is not None:
            on_step(step)

    try:
        try:
            result.original_fails = oracle.fails(original)
        finally:
            result.original_failures, result.original_runs = oracle.last
        if result.original_fails:
            _messages(oracle, result, last_user, accept)
            _context(oracle, result, accept)
            _text(oracle, result, accept)
    except _Stopped as stop:
        result.stopped = stop.reason
    except KeyboardInterrupt:
        result.stopped = "interrupted"
    result.calls = oracle.calls
    return result


Accept = Callable[[str, str, dict[str, Any]], None]


def _last_user_turn(target: Target, input: dict[str, Any]) -> int:
    messages = input.get("messages") or []
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], dict) and messages[i].get("role") == "user":
            return i
    raise UsageError(
        f"case {target.id!r} has no user message; minimize keeps the last user turn, so it needs one"
    )


def _messages(oracle: _Oracle, result: Minimization, last_user: int, accept: Accept) -> None:
    messages = result.best["messages"]
    total = len(messages)
    removable = [i for i in range(total) if i != last_user]

    def build(kept: list[int]) -> dict[str, Any]:
        candidate = copy.deepcopy(result.best)
        candidate["messages"] = [messages[i] for i in sorted([*kept, last_user])]
        return candidate

    def fails(kept: list[int]) -> bool:
        candidate = build(kept)
        if not oracle.fails(candidate):
            return False
        numbers = ", ".join(f"#{i + 1}" for i in sorted([*kept, last_user]))
        accept("messages", f"kept messages {numbers} of {total}", candidate)
        return True

    ddmin(removable, fails)


def _context(oracle: _Oracle, result: Minimization, accept: Accept) -> None:
    context = result.best.get("context")
    if not isinstance(context, dict) or not context:
        return
    keys = list(context)

    def fails(kept: list[str]) -> bool:
        candidate = copy.deepcopy(result.best)
        if kept:
            candidate["context"] = {k: context[k] for k in kept}
        else:
            candidate.pop("context", None)
        if not oracle.fails(candidate):
            return False
        before = result.best.get("context") or {}
        dropped = [k for k in keys if k in before and k not in kept]
        accept("context", f"removed context key(s) {', '.join(dropped)}", candidate)
        return True

    ddmin(keys, fails)


def _text(oracle: _Oracle, result: Minimization, accept: Accept) -> None:
    for index in range(len(result.best["messages"])):
        while True:
            content = result.best["messages"][index].get("content")
            words = content.split() if isinstance(content, str) else []
            if len(words) < 2:
                break
            middle = len(words) // 2
            for half in (" ".join(words[:middle]), " ".join(words[middle:])):
                candidate = copy.deepcopy(result.best)
                candidate["messages"][index]["content"] = half
                if oracle.fails(candidate):
                    accept(
                        "text",
                        f"shortened message {index + 1} from {len(content)} to {len(half)} characters",
                        candidate,
                    )
                    break
            else:
                break


def min_case_path(target: Target) -> Path:
    """`<id>.min.yaml` next to the case's file."""
    return target.file.parent / f"{target.id}.min.yaml"


def min_case_text(result: Minimization) -> str:
    """The minimal case as a single-case YAML file whose id is `<id>.min` (unique, matches the name).

    `verification` and `reproduction` are left out: they were measured on the
    original input, not on this one.
    """
    target = result.target
    data: dict[str, Any] = {}
    for key, value in target.case.data.items():
        if key in ("verification", "reproduction"):
            continue
        data[key] = copy.deepcopy(result.best) if key == "input" else copy.deepcopy(value)
    data["id"] = f"{target.id}.min"
    before, after = size_of(result.original), size_of(result.best)
    header = [
        f"# Minimised from {target.case.path} (case {target.id}) by `incidentkit minimize`:",
        f"# {before.describe()} -> {after.describe()}.",
        "# Review it, then replace the original's input (or run minimize --write).",
    ]
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never re-wrap a message
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return "\n".join(header) + "\n" + buffer.getvalue()


def write_min_case(result: Minimization, *, force: bool = False) -> Path:
    """Write `<id>.min.yaml` atomically; `WriteRefused` when it exists and not `force`."""
    path = min_case_path(result.target)
    atomic_write_text(path, min_case_text(result), overwrite=force)
    return path


def write_in_place(result: Minimization) -> bool:
    """Replace the case's `input` with the minimal one, keeping the file's comments elsewhere."""
    case = result.target.case
    return set_mappings(
        result.target.file, [(case.key, "input", result.best)], root=result.target.root
    )
