"""The eval cases as an Inspect AI task: one file, `incidentkit_task.py`.

Each case is one `Sample` (`id` the case ID, `input` its last user message,
`metadata: {case, incident, tier, agent}`). The solver calls
`[tool.incidentkit.agent]` through incidentkit's own adapter (not the
model: run it with `--model mockllm/model`), with the version from the task
argument `agent_version` (`-T agent_version=1.4.1`). The scorer applies the
case's `expected` checks with `evals.checks` itself, so every check keeps its
meaning by construction, `criteria` included (judged by
`[tool.incidentkit.judge]`, or left "needs a judge" without one). Scores:
`C` passed, `I` failed, `N` with `metadata.outcome` `skipped` (criteria
awaiting a judge) or `inconclusive` (the agent or judge errored), which
`evals.inspect_logs` reads back. `--epochs N` repeats every case N times:
each epoch is one run for `verify`.

Nothing is refused here, since nothing is translated; a case whose checks
or input cannot run is refused as it would fail in the pytest plugin.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from incidentkit.config import Config
from incidentkit.evals.checks import CheckError, parse_checks
from incidentkit.evals.export_cases import (
    MARKER,
    Export,
    Refusal,
    Selected,
    case_input,
    last_user_message,
)

TASK_FILE = "incidentkit_task.py"


def export(config: Config, selected: Selected, output: Path) -> Export:
    result = Export(python_tests=selected.python_tests)
    cases = []
    for case, agent in selected.cases:
        case_in = case_input(case)
        if case_in is None:
            result.refused.append(Refusal(case, None, "`input` must be a mapping with `messages`"))
            continue
        try:
            parse_checks(case.data.get("expected"))
        except CheckError as exc:
            result.refused.append(Refusal(case, exc.index, str(exc)))
            continue
        cases.append(
            {
                "id": case.id,
                "incidents": list(case.incidents),
                "tier": case.tier,
                "agent": agent,
                "question": last_user_message(case_in),
                "input": case_in,
                "expected": case.data.get("expected"),
            }
        )
        result.exported.append(case)
    relative = Path(os.path.relpath(config.root.resolve(), output.resolve())).as_posix()
    result.files[TASK_FILE] = (
        _TASK.replace("@MARKER@", MARKER)
        .replace("@ROOT@", json.dumps(relative))
        .replace("@CASES@", json.dumps(cases, indent=2, ensure_ascii=False))
    )
    return result


_TASK = '''"""Inspect AI task for incidentkit eval cases: the agent is [tool.incidentkit.agent].

@MARKER@ --to inspect; regenerate it rather than edit it.
Run:  inspect eval incidentkit_task.py --model mockllm/model -T agent_version=V --epochs 3
Then: incidentkit verify --before OLD.eval --after NEW.eval
The model is not called: the solver calls the agent through incidentkit, and
the scorer applies each case's checks with incidentkit itself.
"""

import asyncio
import json
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import ModelOutput
from inspect_ai.scorer import CORRECT, INCORRECT, NOANSWER, Score, Target, accuracy, scorer
from inspect_ai.solver import Generate, TaskState, solver

from incidentkit.config import load_config
from incidentkit.errors import IncidentkitError
from incidentkit.evals.agent import AgentReply, load_agent
from incidentkit.evals.checks import Outcome, evaluate
from incidentkit.evals.judge import bind, load_judge

ROOT = (Path(__file__).resolve().parent / @ROOT@).resolve()
CASES = json.loads(
    r"""@CASES@"""
)
BY_ID = {case["id"]: case for case in CASES}
_LOADED = {}


def _load():
    if not _LOADED:
        config = load_config(ROOT)
        _LOADED["agent"] = load_agent(config.agent, config.root)
        _LOADED["judge"] = load_judge(config.judge, config.root)
    return _LOADED["agent"], _LOADED["judge"]


@task
def incidentkit_cases(agent_version: str | None = None) -> Task:
    # `-T agent_version=1.0` arrives as the number 1.0 (Inspect reads -T values as YAML);
    # quote versions such as 1.10 (-T agent_version="'1.10'") so no digit is lost.
    agent_version = None if agent_version is None else str(agent_version)
    samples = [
        Sample(
            id=case["id"],
            input=case["question"] or case["id"],
            metadata={
                "case": case["id"],
                "incident": case["incidents"],
                "tier": case["tier"],
                "agent": case["agent"],
                **({"agent_version": agent_version} if agent_version else {}),
            },
        )
        for case in CASES
    ]
    return Task(dataset=samples, solver=call_agent(agent_version), scorer=incidentkit_checks())


@solver
def call_agent(agent_version: str | None = None):
    async def solve(state: TaskState, generate: Generate) -> TaskState:
        case = BY_ID[str(state.sample_id)]
        try:
            agent, _ = _load()
            reply = await asyncio.to_thread(
                agent.run, case["input"], agent=case["agent"], version=agent_version
            )
        except IncidentkitError as exc:
            state.metadata["incidentkit_error"] = str(exc)
            return state
        state.output = ModelOutput.from_content("incidentkit-agent", reply.output)
        state.metadata["incidentkit_reply"] = {
            "output": reply.output,
            "latency_ms": reply.latency_ms,
            "cost_usd": reply.cost_usd,
            "tool_calls": list(reply.tool_calls),
        }
        return state

    return solve


@scorer(metrics=[accuracy()])
def incidentkit_checks():
    async def score(state: TaskState, target: Target) -> Score:
        case = BY_ID[str(state.sample_id)]
        error = state.metadata.get("incidentkit_error")
        if error is None:
            raw = state.metadata["incidentkit_reply"]
            reply = AgentReply(**{**raw, "tool_calls": tuple(raw["tool_calls"])})
            try:
                _, judge = _load()
                result = await asyncio.to_thread(
                    evaluate, case["expected"], reply, bind(judge, case)
                )
            except IncidentkitError as exc:
                error = str(exc)
        if error is not None:
            return Score(
                value=NOANSWER,
                explanation=error,
                metadata={"outcome": "inconclusive", "reason": error},
            )
        if result.outcome is Outcome.FAILED:
            value, outcome = INCORRECT, "failed"
        elif result.outcome is Outcome.NEEDS_JUDGE:
            value, outcome = NOANSWER, "skipped"
        else:
            value, outcome = CORRECT, "passed"
        return Score(
            value=value,
            answer=reply.output,
            explanation=result.summary(),
            metadata={"outcome": outcome, "reason": result.summary().splitlines()[0]},
        )

    return score
'''
