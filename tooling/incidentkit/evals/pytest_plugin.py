"""The pytest plugin (entry point `pytest11`): incident-derived eval cases as tests.

It always registers the `incident(id)` and `tier(name)` markers, so Python
eval tests pass `--strict-markers`. When pytest's rootdir lies in an incident
repository, it also:

- collects every YAML case under the configured evals folder as one test item
  named by the case ID, marked `incident(id=...)` (one per linked incident)
  and `tier(name=...)`, with JUnit properties `case`, `incident` (one per
  linked incident), `tier`, `agent` and `agent_version`;
- runs each case against `[tool.incidentkit.agent]` and judges the reply with
  `evals.checks`: a failed check fails the item with expected vs actual; a
  case with only `criteria` is skipped as needs-judge; criteria left over on a
  passing case are listed in the terminal summary and recorded as the
  `needs_judge` property;
- `--tier NAME` keeps the items of one tier (YAML cases by their `tier`,
  Python tests by their marker or folder); `--agent-version V` is passed to the
  agent and written into every item's properties.

Outside an incident repository it collects nothing and changes nothing.
Disable it with `-p no:incidentkit`. Cases are read through
`records.repository` and `evals.discovery`, like every other command.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported lazily: this module loads in every pytest run of the venv
    from incidentkit.config import Config
    from incidentkit.evals.agent import Agent
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
    if state is not None and state.runs_evals(config.args):
        # Python eval tests import the agent the way the callable adapter does.
        workdir = str(state.workdir)
        if workdir not in sys.path:
            sys.path.insert(0, workdir)
            state.added_to_path = workdir


def pytest_unconfigure(config: pytest.Config) -> None:
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


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or not state.awaiting_judge:
        return
    terminalreporter.write_sep("-", "incidentkit: criteria awaiting a judge")
    for case_id, criteria in state.awaiting_judge:
        terminalreporter.write_line(f"{case_id}: {criteria}")


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
    added_to_path: str | None = None
    _agent: Agent | None = None
    _agent_error: Exception | None = None

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
        item.user_properties.append(("case", f"{rel}::{name}"))
        item.user_properties.extend(("incident", i) for i in dict.fromkeys(incidents) if i)
        tier = _item_tier(item, self)
        if tier:
            item.user_properties.append(("tier", tier))
        if self.version:
            item.user_properties.append(("agent_version", self.version))


_STATE = pytest.StashKey["_EvalRun | None"]()


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
        for index, case in enumerate(records.cases):
            name = case.id or f"{self.path.stem}[{index}]"
            items.append(CaseItem.from_parent(self, name=name, case=case))
        return items


class BrokenCaseFile(pytest.Item):
    """Stands in for a YAML file that does not parse, so the run reports it and goes on."""

    def __init__(self, *, problems: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        lines = [
            f"{p.path}:{p.line}:{p.column}: {p.message} [{p.rule}]; {p.hint}" for p in self.problems
        ]
        raise CaseProblem("\n".join(lines) or f"{self.path}: cannot read the eval file")

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

    @property
    def where(self) -> str:
        line, _ = self.case.at("id")
        return f"{self.case.path}:{line}"

    def runtest(self) -> None:
        from incidentkit.evals.checks import CheckError, Outcome, evaluate, parse_checks

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
        reply = self.state.agent().run(
            case_input, agent=self.agent_name, version=self.state.version
        )
        result = evaluate(data.get("expected"), reply)
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
                f"needs-judge: case {self.case.id!r} has only criteria: {'; '.join(pending)}"
            )
        self.state.awaiting_judge.extend((self.case.id, text) for text in pending)

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
