"""The pytest plugin (entry point `pytest11`): incident-derived eval cases as tests.

It always registers the `incident(id)` and `tier(name)` markers, so Python
eval tests pass `--strict-markers`. When pytest's rootdir lies in an incident
repository, it also:

- collects every YAML case under the configured evals folder as one test item
  named by the case ID, marked `incident(id=...)` (one per linked incident)
  and `tier(name=...)`, with JUnit properties `case`, `incident` (one per
  linked incident), `tier`, `agent` and `agent_version`;
- runs each case against `[tool.incidentkit.agent]` while setting the item
  up, and judges the reply with `evals.checks` (and `criteria` with
  `[tool.incidentkit.judge]`, when one is configured) as the test: a failed
  check fails the item with expected vs actual. When no reply can be judged
  (the agent raised or timed out, its configuration or the judge's is
  broken, the case cannot run as written) the item errors at setup, so JUnit
  records an `<error>`, not a `<failure>`, with an `inconclusive` property
  naming which (`agent-error`, `agent-config`, `judge-error`,
  `judge-config`, `case-invalid`): such a run is never evidence. Without a
  judge, a case with only `criteria` is skipped as needs-judge, and criteria
  left over on a passing case are recorded as the `needs_judge` property;
  both, and the inconclusive runs, are listed in the terminal summary, read
  from the test reports so that pytest-xdist workers' items count too;
- honours pytest-repeat's `--count N` for YAML cases (items `ID[i-N]`);
- `--tier NAME` keeps the items of one tier (YAML cases by their `tier`,
  Python tests by their marker or folder); `--agent-version V` is passed to the
  agent and written into every item's properties.

Outside an incident repository it collects nothing and changes nothing.
Disable it with `-p no:incidentkit`. Cases are read through
`records.repository` and `evals.discovery`, like every other command.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

if TYPE_CHECKING:  # imported lazily: this module loads in every pytest run of the venv
    from incidentkit.config import Config
    from incidentkit.evals.agent import Agent, AgentReply
    from incidentkit.evals.checks import CaseResult
    from incidentkit.evals.judge import Judge
    from incidentkit.records.model import EvalCase


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("incidentkit", "incidentkit eval cases")
    group.addoption(
        "--tier",
        dest="incidentkit_tier",
        default=None,
        metavar="NAME",
        help="Run only the eval cases and marked tests of this tier (e.g. regression).",
    )
    group.addoption(
        "--agent-version",
        dest="incidentkit_agent_version",
        default=None,
        metavar="VERSION",
        help="The agent version under test: passed to the agent and recorded in the JUnit XML "
        "as the agent_version property.",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "incident(id): the incident ID(s) this test guards against (incidentkit)"
    )
    config.addinivalue_line(
        "markers", "tier(name): the eval tier: regression, pre-deployment, safety-critical"
    )
    state = _EvalRun.for_rootdir(config)
    config.stash[_STATE] = state
    if state is not None:
        config.pluginmanager.register(_Reports(state), _REPORTS)
    if state is not None and state.runs_evals(config.args):
        # Python eval tests import the agent the way the callable adapter does.
        workdir = str(state.workdir)
        if workdir not in sys.path:
            sys.path.insert(0, workdir)
            state.added_to_path = workdir


def pytest_unconfigure(config: pytest.Config) -> None:
    reports = config.pluginmanager.get_plugin(_REPORTS)
    if reports is not None:
        config.pluginmanager.unregister(reports)
    state = config.stash.get(_STATE, None)
    if state is not None and state.added_to_path in sys.path:
        sys.path.remove(state.added_to_path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    state = parent.config.stash.get(_STATE, None)
    if state is None or not state.owns(file_path):
        return None
    return CaseFile.from_parent(parent, path=file_path)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        for item in items:
            if not isinstance(item, CaseItem | BrokenCaseFile):
                state.label_python_test(item)
    wanted = config.getoption("incidentkit_tier")
    if wanted is None:
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (keep if _item_tier(item, state) == wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class _Reports:
    """Gathers what items report from their reports, not from the items, so that under
    pytest-xdist the controller sees every worker's cases."""

    def __init__(self, state: _EvalRun) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = [(str(k), str(v)) for k, v in report.user_properties]
        case = next((v for k, v in props if k == "case"), report.nodeid)
        if report.when == "call":
            self.state.awaiting_judge.extend((case, v) for k, v in props if k == "needs_judge")
        if report.when == "setup" and report.failed:
            kinds = [v for k, v in props if k == INCONCLUSIVE_PROPERTY]
            if kinds:
                reason = str(report.longrepr).strip().splitlines()
                self.state.inconclusive.append((case, reason[0] if reason else kinds[0]))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None:
        return
    if state.awaiting_judge:
        terminalreporter.write_sep("-", "incidentkit: criteria awaiting a judge")
        for case_id, criteria in state.awaiting_judge:
            terminalreporter.write_line(f"{case_id}: {criteria}")
    if state.inconclusive:
        terminalreporter.write_sep(
            "-", "incidentkit: inconclusive runs (no reply was judged; never evidence)"
        )
        for case_id, reason in state.inconclusive:
            terminalreporter.write_line(f"{case_id}: {reason}")


def _item_tier(item: pytest.Item, state: _EvalRun | None) -> str | None:
    if isinstance(item, CaseItem):
        return item.tier
    mark = item.get_closest_marker("tier")
    if mark is not None:
        value = mark.kwargs.get("name", mark.args[0] if mark.args else None)
        return str(value) if value is not None else None
    return state.folder_tier(Path(item.path)) if state is not None else None


@dataclass
class _EvalRun:
    """What the plugin knows about the incident repository for one pytest session."""

    config: Config
    version: str | None
    awaiting_judge: list[tuple[str, str]] = field(default_factory=list)
    inconclusive: list[tuple[str, str]] = field(default_factory=list)
    added_to_path: str | None = None
    _agent: Agent | None = None
    _agent_error: Exception | None = None
    _judge: Judge | None = None
    _judge_error: Exception | None = None
    _judge_loaded: bool = False

    @classmethod
    def for_rootdir(cls, pytest_config: pytest.Config) -> _EvalRun | None:
        from incidentkit.config import find_root, load_config
        from incidentkit.errors import ConfigError

        try:
            find_root(pytest_config.rootpath)
        except ConfigError:
            return None  # not an incident repository: stay out of the way
        try:
            config = load_config(pytest_config.rootpath)
        except ConfigError as exc:
            raise pytest.UsageError(f"incidentkit: {exc}") from None
        version = pytest_config.getoption("incidentkit_agent_version") or config.agent.version
        return cls(config=config, version=version)

    @property
    def evals_path(self) -> Path:
        return (self.config.root / self.config.evals_dir).resolve()

    @property
    def workdir(self) -> Path:
        agent = self.config.agent
        return (self.config.root / agent.cwd) if agent.cwd else self.config.root

    @cached_property
    def eval_files(self) -> frozenset[Path]:
        from incidentkit.records.repository import record_files

        return frozenset(p.resolve() for p, kind in record_files(self.config) if kind == "eval")

    @cached_property
    def incident_agents(self) -> dict[str, str | None]:
        from incidentkit.records.repository import load_repository, record_files

        files = [(p, k) for p, k in record_files(self.config) if k == "incident"]
        records = load_repository(self.config, files)
        return {i.id: i.agent for i in records.incidents if i.id}

    def owns(self, file_path: Path) -> bool:
        return file_path.suffix in (".yaml", ".yml") and file_path.resolve() in self.eval_files

    def runs_evals(self, args: list[str]) -> bool:
        evals = self.evals_path
        for arg in args:
            path = Path(arg.split("::")[0])
            path = (path if path.is_absolute() else Path.cwd() / path).resolve()
            if path == evals or evals in path.parents or path in evals.parents:
                return True
        return False

    def folder_tier(self, path: Path) -> str | None:
        from incidentkit.config import TIERS

        try:
            parts = path.resolve().relative_to(self.evals_path).parts
        except ValueError:
            return None
        return parts[0] if len(parts) > 1 and parts[0] in TIERS else None

    def agent(self) -> Agent:
        """The configured agent, loaded once; a broken configuration fails every case alike."""
        from incidentkit.evals.agent import load_agent

        if self._agent is None and self._agent_error is None:
            try:
                self._agent = load_agent(self.config.agent, self.config.root)
            except Exception as exc:
                self._agent_error = exc
        if self._agent_error is not None:
            raise self._agent_error
        assert self._agent is not None
        return self._agent

    def judge(self) -> Judge | None:
        """The configured judge, loaded once; None when there is none."""
        from incidentkit.evals.judge import load_judge

        if not self._judge_loaded:
            self._judge_loaded = True
            try:
                self._judge = load_judge(self.config.judge, self.config.root)
            except Exception as exc:
                self._judge_error = exc
        if self._judge_error is not None:
            raise self._judge_error
        return self._judge

    def agent_name(self, case: EvalCase) -> str | None:
        from incidentkit.evals.agent import case_agent

        return case_agent(case, self.incident_agents)

    def label_python_test(self, item: pytest.Item) -> None:
        """Properties for a marked Python test under evals/, like those of a YAML case."""
        path = Path(item.path).resolve()
        if self.evals_path not in path.parents:
            return
        incidents = [
            str(m.kwargs.get("id", m.args[0] if m.args else ""))
            for m in item.iter_markers("incident")
        ]
        if not incidents:
            return
        rel = path.relative_to(self.config.root.resolve()).as_posix()
        name = item.nodeid.split("::", 1)[1] if "::" in item.nodeid else item.name
        name = _without_repeat(item, name)
        item.user_properties.append(("case", f"{rel}::{name}"))
        item.user_properties.extend(("incident", i) for i in dict.fromkeys(incidents) if i)
        tier = _item_tier(item, self)
        if tier:
            item.user_properties.append(("tier", tier))
        if self.version:
            item.user_properties.append(("agent_version", self.version))


def _without_repeat(item: pytest.Item, name: str) -> str:
    """`test_x` for pytest-repeat's `test_x[2-3]` (and `test_x[a]` for `test_x[a-2-3]`):
    every repetition is a run of the same case."""
    callspec = getattr(item, "callspec", None)
    if callspec is None or "__pytest_repeat_step_number" not in callspec.params:
        return name
    stripped = re.sub(r"-?\d+-\d+\]$", "]", name)
    return stripped[:-2] if stripped.endswith("[]") else stripped


_STATE = pytest.StashKey["_EvalRun | None"]()
_REPORTS = "incidentkit-reports"
INCONCLUSIVE_PROPERTY = "inconclusive"  # the JUnit property `evals.results` reads


class CaseProblem(Exception):
    """A case that cannot run as written; reported as file:line and a message, no traceback."""


class CaseFailed(AssertionError):
    """The agent's reply failed at least one check."""


class CaseFile(pytest.File):
    """One YAML file under evals/: one item per case, or one failing item when it is unreadable."""

    def collect(self) -> list[pytest.Item]:
        from incidentkit.records.repository import load_repository

        state = self.config.stash[_STATE]
        assert state is not None
        records = load_repository(state.config, [(self.path, "eval")])
        doc = records.documents[0]
        if not doc.readable:
            return [BrokenCaseFile.from_parent(self, name=self.path.name, problems=doc.problems)]
        items: list[pytest.Item] = []
        count = _repeat_count(self.config)
        for index, case in enumerate(records.cases):
            name = case.id or f"{self.path.stem}[{index}]"
            if count == 1:
                items.append(CaseItem.from_parent(self, name=name, case=case))
                continue
            # pytest-repeat's own naming, `[i-N]`, which `evals.results` reads as repetitions
            items.extend(
                CaseItem.from_parent(self, name=f"{name}[{i}-{count}]", case=case)
                for i in range(1, count + 1)
            )
        return items


def _repeat_count(config: pytest.Config) -> int:
    """pytest-repeat's `--count`: it repeats only Python functions, so YAML cases do it here."""
    try:
        count = config.getoption("count")
    except ValueError:
        return 1  # pytest-repeat is not installed
    return count if isinstance(count, int) and count > 1 else 1


def _inconclusive(item: pytest.Item, kind: str, message: str) -> NoReturn:
    """Error the item at setup (JUnit `<error>`), marked with what kept it from being judged."""
    item.user_properties.append((INCONCLUSIVE_PROPERTY, kind))
    # pytrace=False: the reason, with file and line, and no traceback of our own
    pytest.fail(f"[{kind}] {message}", pytrace=False)


class BrokenCaseFile(pytest.Item):
    """Stands in for a YAML file that does not parse, so the run reports it and goes on."""

    def __init__(self, *, problems: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def setup(self) -> None:
        lines = [
            f"{p.path}:{p.line}:{p.column}: {p.message} [{p.rule}]; {p.hint}" for p in self.problems
        ]
        _inconclusive(
            self, "case-invalid", "\n".join(lines) or f"{self.path}: cannot read the eval file"
        )

    def runtest(self) -> None:
        raise AssertionError("unreachable: setup() always errors")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseProblem):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        line = self.problems[0].line if self.problems else 1
        return self.path, line - 1, f"unreadable eval file {self.path.name}"


class CaseItem(pytest.Item):
    """One YAML eval case run against the configured agent."""

    def __init__(self, *, case: EvalCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        state = self.config.stash[_STATE]
        assert state is not None
        self.state = state
        self.tier = case.tier or state.folder_tier(self.path)
        self.agent_name = state.agent_name(case)
        for incident_id in case.incidents:
            self.add_marker(pytest.mark.incident(id=incident_id))
        if self.tier:
            self.add_marker(pytest.mark.tier(name=self.tier))
        self.user_properties.append(("case", case.id))
        self.user_properties.extend(("incident", i) for i in case.incidents)
        if self.tier:
            self.user_properties.append(("tier", self.tier))
        if self.agent_name:
            self.user_properties.append(("agent", self.agent_name))
        if state.version:
            self.user_properties.append(("agent_version", state.version))
        self._base_properties = list(self.user_properties)
        self.reply: AgentReply | None = None
        self.result: CaseResult | None = None

    @property
    def where(self) -> str:
        line, _ = self.case.at("id")
        return f"{self.case.path}:{line}"

    def setup(self) -> None:
        """Get a judged reply; any reason there is none is an error of the run, not a failure."""
        from incidentkit.errors import ConfigError
        from incidentkit.evals.agent import AgentError
        from incidentkit.evals.judge import JudgeError

        # A rerun (pytest-rerunfailures, flaky) sets the same item up again.
        self.user_properties[:] = list(self._base_properties)
        self.reply = self.result = None
        step = "case-invalid"
        try:
            case_input = self._checked_input()
            step = "agent-config"
            agent = self.state.agent()
            step = "agent-error"
            self.reply = agent.run(case_input, agent=self.agent_name, version=self.state.version)
            step = "judge-config"
            judge = self.state.judge()
            step = "judge-error"
            self.result = self._judged(self.reply, judge)
            return
        except (CaseProblem, ConfigError, AgentError, JudgeError) as exc:
            if isinstance(exc, ConfigError) and step in ("agent-error", "judge-error"):
                step = step.replace("-error", "-config")  # e.g. the command's program is missing
            message = (
                str(exc)
                if isinstance(exc, CaseProblem)
                else f"{self.where}: case {self.case.id!r}: {exc}"
            )
        _inconclusive(self, step, message)

    def _checked_input(self) -> dict[str, Any]:
        from incidentkit.evals.checks import CheckError, parse_checks

        data = self.case.data
        try:
            parse_checks(data.get("expected"))
        except CheckError as exc:
            where = self._at("expected", exc.index)
            raise CaseProblem(f"{where}: case {self.case.id!r}: {exc}") from None
        case_input = data.get("input")
        if not isinstance(case_input, dict):
            raise CaseProblem(
                f"{self._at('input')}: case {self.case.id!r}: `input` must be a mapping "
                "with `messages` (and optionally `context`)"
            )
        return case_input

    def _judged(self, reply: AgentReply, judge: Judge | None) -> CaseResult:
        from incidentkit.evals.checks import evaluate
        from incidentkit.evals.judge import bind

        return evaluate(self.case.data.get("expected"), reply, bind(judge, self.case.data))

    def runtest(self) -> None:
        from incidentkit.evals.checks import Outcome

        reply, result = self.reply, self.result
        assert reply is not None and result is not None  # setup() raised otherwise
        self.add_report_section("call", "agent reply", _describe(reply))
        if reply.latency_ms is not None:
            self.user_properties.append(("latency_ms", f"{reply.latency_ms:.0f}"))
        if reply.cost_usd is not None:
            self.user_properties.append(("cost_usd", f"{reply.cost_usd:g}"))
        pending = [str(r.expected) for r in result.needs_judge]
        self.user_properties.extend(("needs_judge", text) for text in pending)
        outcome = result.outcome
        if outcome is Outcome.FAILED:
            raise CaseFailed(
                f"{self.where}: case {self.case.id!r} failed "
                f"{len(result.failed)} of {len(result.results)} checks "
                f"(agent {self.agent_name or '?'}@{self.state.version or '?'})\n" + result.summary()
            )
        if outcome is Outcome.NEEDS_JUDGE:
            pytest.skip(
                f"needs-judge: case {self.case.id!r} has only criteria: {'; '.join(pending)} "
                "(configure [tool.incidentkit.judge] to judge them)"
            )

    def _at(self, field_name: str, index: int | None = None) -> str:
        if index is not None and self.case.doc is not None:
            line, column = self.case.doc.at((*self.case.key, field_name, index))
        else:
            line, column = self.case.at(field_name)
        return f"{self.case.path}:{line}:{column}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        from incidentkit.errors import IncidentkitError

        error = excinfo.value
        if isinstance(error, CaseFailed | CaseProblem):
            return str(error)
        if isinstance(error, IncidentkitError):
            return f"{self.where}: case {self.case.id!r}: {error}"
        return str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"eval case {self.case.id}"


def _describe(reply: Any) -> str:
    tools = ", ".join(reply.tool_calls) or "none"
    latency = "?" if reply.latency_ms is None else f"{reply.latency_ms:.0f} ms"
    cost = "?" if reply.cost_usd is None else f"USD {reply.cost_usd:g}"
    return f"{reply.output}\n\n[latency {latency}; cost {cost}; tools called: {tools}]"
