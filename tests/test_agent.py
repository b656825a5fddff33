"""The agent adapter: a Python callable and a command speaking JSON, and their failures."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from incidentkit.config import AgentConfig
from incidentkit.errors import ConfigError
from incidentkit.evals.agent import AgentError, AgentReply, load_agent, normalise_reply

INPUT = {"messages": [{"role": "user", "content": "Can I get a refund?"}]}


@pytest.fixture
def isolated_imports(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The adapter puts the repository on sys.path and imports from it; undo both."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        del sys.modules[name]


def _module(root: Path, name: str, source: str) -> None:
    path = root / f"{name.replace('.', '/')}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")


def _script(tmp_path: Path, source: str) -> tuple[str, ...]:
    script = tmp_path / "agent_cmd.py"
    script.write_text(textwrap.dedent(source), encoding="utf-8")
    return (sys.executable, str(script))


@pytest.mark.usefixtures("isolated_imports")
def test_callable_from_the_repository_root_gets_input_agent_and_version(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "agents_a.bot",
        """
        def run(input, agent=None, version=None):
            text = input["messages"][-1]["content"]
            return {"output": f"{agent}@{version}: {text}", "cost_usd": 0.01,
                    "tool_calls": ["lookup", {"name": "escalate"}, {"function": {"name": "notify"}}]}
        """,
    )
    (tmp_path / "agents_a" / "__init__.py").write_text("", encoding="utf-8")
    agent = load_agent(AgentConfig(callable="agents_a.bot:run"), tmp_path)
    reply = agent.run(INPUT, agent="support-agent", version="1.4.1")
    assert reply.output == "support-agent@1.4.1: Can I get a refund?"
    assert reply.cost_usd == 0.01
    assert reply.tool_calls == ("lookup", "escalate", "notify")
    assert reply.latency_ms is not None and reply.latency_ms >= 0  # measured by the adapter


@pytest.mark.usefixtures("isolated_imports")
def test_callable_may_answer_plain_text_and_take_only_input_and_agent(tmp_path: Path) -> None:
    _module(tmp_path, "agent_b", "def run(input, agent):\n    return f'hello from {agent}'\n")
    reply = load_agent(AgentConfig(callable="agent_b:run"), tmp_path).run(
        INPUT, agent="x", version="2"
    )
    assert reply.output == "hello from x"
    assert reply.tool_calls == ()


@pytest.mark.usefixtures("isolated_imports")
def test_reported_latency_wins_over_the_measured_one(tmp_path: Path) -> None:
    _module(
        tmp_path,
        "agent_c",
        "def run(input, **kw):\n    return {'output': 'ok', 'latency_ms': 41000}\n",
    )
    reply = load_agent(AgentConfig(callable="agent_c:run"), tmp_path).run(INPUT)
    assert reply.latency_ms == 41000.0


@pytest.mark.usefixtures("isolated_imports")
@pytest.mark.parametrize(
    ("spec", "source", "says"),
    [
        ("no_such_agent_mod:run", None, "cannot import 'no_such_agent_mod'"),
        ("agent_d:missing", "def run(input):\n    return 'x'\n", "has no attribute 'missing'"),
        ("agent_e", "", 'write it as "module:function"'),
        (
            "agent_f:run",
            "import not_installed_dependency_xyz\n",
            "No module named 'not_installed_dependency_xyz'",
        ),
        (
            "agent_g:run",
            "raise RuntimeError('bad setup')\n",
            "importing 'agent_g' failed: RuntimeError: bad setup",
        ),
        ("agent_h:VALUE", "VALUE = 3\n", "'VALUE' is not callable"),
    ],
)
def test_a_broken_callable_is_a_configuration_error(
    tmp_path: Path, spec: str, source: str | None, says: str
) -> None:
    if source is not None:
        _module(tmp_path, spec.split(":")[0], source)
    with pytest.raises(ConfigError) as info:
        load_agent(AgentConfig(callable=spec), tmp_path)
    assert says in str(info.value)
    assert "[tool.incidentkit.agent]" in str(info.value)


@pytest.mark.usefixtures("isolated_imports")
def test_an_agent_that_raises_is_reported_with_where(tmp_path: Path) -> None:
    _module(tmp_path, "agent_i", "def run(input):\n    return 1 / 0\n")
    agent = load_agent(AgentConfig(callable="agent_i:run"), tmp_path)
    with pytest.raises(AgentError) as info:
        agent.run(INPUT)
    message = str(info.value)
    assert "raised ZeroDivisionError: division by zero" in message
    assert "agent_i.py:2" in message


def test_no_agent_configured_says_how_to_configure_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no agent configured: add \[tool.incidentkit.agent\]"):
        load_agent(AgentConfig(), tmp_path)


def test_command_agent_speaks_json_on_stdin_and_stdout(tmp_path: Path) -> None:
    command = _script(
        tmp_path,
        """
        import json, sys
        request = json.load(sys.stdin)
        print(json.dumps({
            "output": request["input"]["messages"][0]["content"].upper(),
            "latency_ms": 12, "cost_usd": 0.003,
            "tool_calls": [request["agent"], request["version"]],
        }))
        """,
    )
    agent = load_agent(AgentConfig(command=command), tmp_path)
    reply = agent.run(INPUT, agent="support-agent", version="1.4.1")
    assert reply == AgentReply("CAN I GET A REFUND?", 12.0, 0.003, ("support-agent", "1.4.1"))


def test_command_agent_may_answer_a_json_string(tmp_path: Path) -> None:
    command = _script(tmp_path, 'import json; print(json.dumps("just text"))\n')
    reply = load_agent(AgentConfig(command=command), tmp_path).run(INPUT)
    assert reply.output == "just text"
    assert reply.latency_ms is not None


@pytest.mark.parametrize(
    ("source", "says"),
    [
        ("print('Sure! Here is your refund.')\n", "printed output that is not JSON"),
        (
            "import sys\nsys.stderr.write('model quota exceeded')\nsys.exit(3)\n",
            "exited with status 3; stderr: 'model quota exceeded'",
        ),
        ('print(\'{"reply": "x"}\')\n', "answered without a text 'output' (got keys: reply)"),
        ("print('[1, 2]')\n", "answered with a list"),
        (
            'print(\'{"output": "x", "cost_usd": "cheap"}\')\n',
            "cost_usd='cheap'; it must be a number",
        ),
        ("import time\ntime.sleep(10)\n", "did not answer within 0.5 s"),
    ],
)
def test_command_agent_failures_are_clear(tmp_path: Path, source: str, says: str) -> None:
    command = _script(tmp_path, source)
    agent = load_agent(AgentConfig(command=command, timeout_seconds=0.5), tmp_path)
    with pytest.raises(AgentError) as info:
        agent.run(INPUT)
    assert says in str(info.value)


def test_a_missing_program_is_a_configuration_error(tmp_path: Path) -> None:
    agent = load_agent(AgentConfig(command=("no-such-agent-program-xyz", "--serve")), tmp_path)
    with pytest.raises(ConfigError, match="program 'no-such-agent-program-xyz' not found"):
        agent.run(INPUT)


def test_callable_and_command_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="either `callable` or `command`"):
        load_agent(AgentConfig(callable="a:b", command=("x",)), tmp_path)


def test_tool_calls_must_have_names() -> None:
    with pytest.raises(AgentError, match="without a name"):
        normalise_reply({"output": "x", "tool_calls": [{"args": {}}]}, None)
