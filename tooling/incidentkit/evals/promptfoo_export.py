"""The eval cases as a promptfoo suite: `promptfooconfig.yaml` and a Python provider.

Each case is one promptfoo test: `description` is the case ID (promptfoo's
JUnit names it `test N: <id>`), `metadata: {case, incident, tier}` (what
`verify` reads back), `vars: {input, agent, question, expected}`. One
provider per agent version (`file://incidentkit_provider.py`, labelled
`agent@version`, `config.agent_version`) calls `[tool.incidentkit.agent]`
through incidentkit's own adapter; an agent or judge error comes back as a
promptfoo error (inconclusive), never as a failed assertion.

Every check keeps its meaning (`translate`):

- `contains` / `not-contains`: promptfoo's `contains` / `not-contains`;
- `regex` / `not-regex`, `refusal`: a `javascript` assertion with the Python
  pattern rendered for JavaScript by `jsregex` (so `(?i)`, `\\b`, `$`... mean
  what they mean in Python), or promptfoo's `regex` when the pattern reads
  the same in both;
- `equals`: a `javascript` assertion that strips Python's whitespace;
- `max-latency-ms`: promptfoo's `latency` (the provider reports the adapter's
  latency as `latencyMs`; run with `--no-cache`, a cached result has none);
- `max-cost-usd`: a `javascript` assertion on the provider's `cost` that,
  like incidentkit, fails when the agent reported no cost (promptfoo's
  `cost` assertion would error instead);
- `tool-called` / `tool-not-called`: a `javascript` assertion on the tool
  calls the provider returns in `metadata.tool_calls`;
- `criteria`: judged in the provider by `[tool.incidentkit.judge]` after the
  machine checks (as the pytest plugin does), read back by a `javascript`
  assertion. Without a judge a criterion decides nothing (its assertion
  passes, saying "needs a judge"), as in incidentkit where the machine checks
  decide; a case with only criteria is refused, since incidentkit skips it
  and a promptfoo test cannot be skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from incidentkit.config import Config
from incidentkit.evals.checks import REFUSAL_PATTERNS, CheckError, parse_checks
from incidentkit.evals.export_cases import (
    MARKER,
    Export,
    Refusal,
    Selected,
    case_input,
    last_user_message,
)
from incidentkit.evals.jsregex import Untranslatable, to_javascript
from incidentkit.records.model import EvalCase

CONFIG_FILE = "promptfooconfig.yaml"
PROVIDER_FILE = "incidentkit_provider.py"
_REFUSAL = "(?i)" + "|".join(f"(?:{p})" for p in REFUSAL_PATTERNS)
_METADATA = "((context.providerResponse || {}).metadata || {})"


def export(config: Config, selected: Selected, output: Path, versions: tuple[str, ...]) -> Export:
    result = Export(python_tests=selected.python_tests)
    tests = []
    for case, agent in selected.cases:
        test = _test(case, agent, config, result.refused)
        if test is not None:
            tests.append(test)
            result.exported.append(case)
    agents = {agent for _, agent in selected.cases if agent}
    document = {
        "description": f"incidentkit eval cases ({len(tests)})",
        "prompts": ["{{question}}"],
        "providers": _providers(versions, agents),
        "tests": tests,
    }
    header = (
        f"# {MARKER} --to promptfoo; regenerate it rather than edit it.\n"
        "# Run: PROMPTFOO_PYTHON=<python with incidentkit> promptfoo eval -c "
        f"{CONFIG_FILE} --no-cache -o results.json\n"
        "# then: incidentkit verify --before results.json --before-provider AGENT@OLD "
        "--after results.json --after-provider AGENT@NEW\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    result.files[CONFIG_FILE] = header + body
    result.files[PROVIDER_FILE] = _provider_source(config.root, output)
    return result


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (the JavaScript assertions) as literal blocks, readable in review."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _providers(versions: tuple[str, ...], agents: set[str]) -> list[dict[str, Any]]:
    """One provider per version, labelled `agent@version` when the cases share one agent."""
    if not versions:
        return [{"id": f"file://{PROVIDER_FILE}", "label": "incidentkit-agent"}]
    (only,) = agents if len(agents) == 1 else (None,)
    return [
        {
            "id": f"file://{PROVIDER_FILE}",
            "label": f"{only}@{version}" if only else version,
            "config": {"agent_version": version},
        }
        for version in versions
    ]


def _test(
    case: EvalCase, agent: str | None, config: Config, refused: list[Refusal]
) -> dict[str, Any] | None:
    case_in = case_input(case)
    if case_in is None:
        refused.append(Refusal(case, None, "`input` must be a mapping with `messages`"))
        return None
    try:
        checks = parse_checks(case.data.get("expected"))
    except CheckError as exc:
        refused.append(Refusal(case, exc.index, str(exc)))
        return None
    asserts: list[dict[str, Any]] = []
    judged = 0
    before = len(refused)
    for check in checks:
        try:
            if check.kind == "criteria" and config.judge is None:
                if all(c.kind == "criteria" for c in checks):
                    raise Untranslatable(
                        "a case with only criteria and no [tool.incidentkit.judge] is skipped "
                        "as needs-judge, which a promptfoo test cannot be (promptfoo's "
                        "llm-rubric would be a different judge)"
                    )
                asserts.append(_unjudged(check.value))
            elif check.kind == "criteria":
                asserts.append(_criterion(check.value, judged))
                judged += 1
            else:
                asserts.append(translate(check.kind, check.value))
        except Untranslatable as exc:
            refused.append(Refusal(case, check.index, f"{check.kind}: {exc}"))
    if len(refused) > before:
        return None
    incidents: Any = list(case.incidents) if len(case.incidents) != 1 else case.incidents[0]
    return {
        "description": case.id,
        "vars": {
            "question": last_user_message(case_in),
            "agent": agent,
            "input": case_in,
            "expected": case.data.get("expected"),
        },
        "metadata": {"case": case.id, "incident": incidents, "tier": case.tier},
        "assert": asserts,
    }


def translate(kind: str, value: Any) -> dict[str, Any]:
    """One machine check as a promptfoo assertion with the same meaning."""
    if kind in ("contains", "not-contains"):
        return {"type": kind, "value": value}
    if kind in ("regex", "not-regex"):
        js = to_javascript(value)
        if js.source == value and not js.classes:
            return {"type": kind, "value": value}  # reads the same in JavaScript
        return _javascript(f"{kind} {value}", js.program(negate=kind == "not-regex"))
    if kind == "refusal":
        program = to_javascript(_REFUSAL).program(negate=not value)
        return _javascript(f"refusal: {str(value).lower()}", program)
    if kind == "equals":
        return _javascript(f"equals {value!r}", _equals_program(value))
    if kind == "max-latency-ms":
        return {"type": "latency", "threshold": value}
    if kind == "max-cost-usd":
        return _javascript(f"max-cost-usd {value}", _cost_program(value))
    if kind in ("tool-called", "tool-not-called"):
        calls = f"({_METADATA}.tool_calls || [])"
        found = f"{calls}.includes({json.dumps(value)})"
        return _javascript(
            f"{kind} {value}", f"return {'!' if kind == 'tool-not-called' else ''}{found};"
        )
    raise Untranslatable(f"no promptfoo translation for {kind!r}")


def _javascript(metric: str, program: str) -> dict[str, Any]:
    # promptfoo runs a one-line value as an expression and several lines as a function body;
    # the comment line makes every program a body, and says what it checks.
    comment = " ".join(f"incidentkit check: {metric}".split())
    return {"type": "javascript", "value": f"// {comment}\n{program}", "metric": metric}


def _equals_program(value: str) -> str:
    space = to_javascript(r"\s")  # Python's whitespace, what str.strip() removes
    constants = "".join(f"const c{i} = String.raw`{c}`;\n" for i, c in enumerate(space.classes))
    edge = f"String.raw`^(?:{space.source})+|(?:{space.source})+$`"
    return (
        f'{constants}const stripped = output.replace(new RegExp({edge}, "gu"), "");\n'
        f"return stripped === {json.dumps(value.strip())};"
    )


def _cost_program(limit: float) -> str:
    return (
        "const cost = (context.providerResponse || {}).cost;\n"
        'if (typeof cost !== "number") {\n'
        '  return {pass: false, score: 0, reason: "the agent reported no cost_usd"};\n'
        "}\n"
        f"return {{pass: cost <= {limit!r}, score: cost <= {limit!r} ? 1 : 0, "
        f"reason: `cost USD ${{cost}} vs the limit of USD {limit!r}`}};"
    )


def _unjudged(criterion: str) -> dict[str, Any]:
    """Without a judge, a criterion decides nothing, as in incidentkit: the machine checks do."""
    reason = f"needs a judge, not judged (configure [tool.incidentkit.judge]): {criterion}"
    program = f"return {{pass: true, score: 1, reason: {json.dumps(reason)}}};"
    return _javascript(f"criteria (needs a judge): {criterion}", program)


def _criterion(criterion: str, index: int) -> dict[str, Any]:
    program = (
        f"const verdict = ({_METADATA}.criteria || [])[{index}];\n"
        "if (!verdict) {\n"
        '  return {pass: false, score: 0, reason: "the provider returned no judge verdict"};\n'
        "}\n"
        "if (verdict.passed === null) {\n"
        '  return {pass: true, score: 1, reason: "not judged: a machine check already failed"};\n'
        "}\n"
        "return {pass: verdict.passed, score: verdict.passed ? 1 : 0, reason: verdict.reason};"
    )
    return _javascript(f"criteria: {criterion}", program)


def _provider_source(root: Path, output: Path) -> str:
    relative = Path(os.path.relpath(root.resolve(), output.resolve())).as_posix()
    return _PROVIDER.replace("@MARKER@", MARKER).replace("@ROOT@", json.dumps(relative))


_PROVIDER = '''"""promptfoo provider for incidentkit eval cases: calls [tool.incidentkit.agent].

@MARKER@ --to promptfoo; regenerate it rather than edit it.
Each test's vars carry the case's `input`, `agent` and `expected`; the
provider's config carries `agent_version`. An agent or judge error is
returned as a promptfoo error, so the run counts as an error (inconclusive),
never as a failed assertion. Needs a Python with incidentkit installed
(PROMPTFOO_PYTHON).
"""

from pathlib import Path

from incidentkit.config import load_config
from incidentkit.errors import IncidentkitError
from incidentkit.evals.agent import load_agent
from incidentkit.evals.checks import Outcome, evaluate
from incidentkit.evals.judge import bind, load_judge

ROOT = (Path(__file__).resolve().parent / @ROOT@).resolve()
_LOADED = {}


def _load():
    if not _LOADED:
        config = load_config(ROOT)
        _LOADED["agent"] = load_agent(config.agent, config.root)
        _LOADED["judge"] = load_judge(config.judge, config.root)
    return _LOADED["agent"], _LOADED["judge"]


def call_api(prompt, options, context):
    variables = context.get("vars") or {}
    version = (options.get("config") or {}).get("agent_version")
    try:
        agent, judge = _load()
        reply = agent.run(variables["input"], agent=variables.get("agent"), version=version)
        criteria = _criteria(variables, reply, judge)
    except IncidentkitError as exc:
        return {"error": str(exc)}
    result = {
        "output": reply.output,
        "metadata": {
            "tool_calls": list(reply.tool_calls),
            "latency_ms": reply.latency_ms,
            "cost_usd": reply.cost_usd,
            "agent_version": version,
            "criteria": criteria,
        },
    }
    if reply.latency_ms is not None:
        result["latencyMs"] = reply.latency_ms  # what promptfoo's latency assertion reads
    if reply.cost_usd is not None:
        result["cost"] = reply.cost_usd
    return result


def _criteria(variables, reply, judge):
    """The judge's verdict on each criterion, judged only when the machine checks pass."""
    expected = variables.get("expected") or []
    if judge is None or not any("criteria" in item for item in expected):
        return []
    result = evaluate(expected, reply, bind(judge, variables))
    return [
        {
            "passed": None if r.outcome is Outcome.NEEDS_JUDGE else r.passed,
            "reason": r.message,
        }
        for r in result.results
        if r.kind == "criteria"
    ]
'''
