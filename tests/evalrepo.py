"""Helpers for eval-running tests: a small incident repository with a scriptable agent.

The agent (`echo_agent.run`) answers with what the case's `input.context`
tells it to (`reply`, `tools`, `latency`, `cost`), so a test controls every
input a check looks at. `{agent}` and `{version}` in the reply are replaced
with what the plugin passed; `replies` maps a version to a different reply.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from conftest import REPO_ROOT, incident_text

ECHO_AGENT = '''
"""A scriptable agent for tests: it says what the case's context tells it to."""


def run(input, agent=None, version=None):
    context = input.get("context") or {}
    reply = (context.get("replies") or {}).get(version, context.get("reply", ""))
    reply = reply.replace("{agent}", str(agent)).replace("{version}", str(version))
    return {
        "output": reply,
        "tool_calls": context.get("tools", []),
        "latency_ms": context.get("latency"),
        "cost_usd": context.get("cost"),
    }
'''

ECHO_COMMAND = """
import json
import sys

sys.path.insert(0, ".")
from echo_agent import run

request = json.load(sys.stdin)
print(json.dumps(run(request["input"], request["agent"], request["version"])))
"""

PYTEST_SETTINGS = """
[tool.pytest.ini_options]
addopts = "--strict-markers"
filterwarnings = ["error"]
"""


def case_yaml(
    id: str,
    expected: list[dict[str, Any]],
    *,
    reply: str = "",
    incidents: tuple[str, ...] = ("INC-2026-0001",),
    tier: str = "regression",
    agent: str | None = None,
    **context: Any,
) -> str:
    """One case as YAML (JSON flow values keep quoting out of the way)."""
    context = {"reply": reply, **context}
    lines = [
        f"id: {id}",
        f"incidents: {json.dumps(list(incidents))}",
        f"tier: {tier}",
        *([f"agent: {agent}"] if agent else []),
        "input:",
        "  messages:",
        "    - role: user",
        "      content: Can I get a refund?",
        f"  context: {json.dumps(context)}",
        f"expected: {json.dumps(expected)}",
    ]
    return "\n".join(lines) + "\n"


def eval_repo(
    root: Path,
    files: dict[str, str],
    *,
    agent: str = 'callable = "echo_agent:run"',
    extra_pyproject: str = PYTEST_SETTINGS,
) -> Path:
    """An incident repository at `root`: two incidents, the echo agent, and `files`."""
    pyproject = f"[tool.incidentkit]\n\n[tool.incidentkit.agent]\n{agent}\n{extra_pyproject}"
    defaults = {
        "pyproject.toml": pyproject,
        "echo_agent.py": ECHO_AGENT,
        "echo_command.py": ECHO_COMMAND,
        "incidents/INC-2026-0001-refund.md": incident_text(id="INC-2026-0001"),
        "incidents/INC-2026-0002-billing.md": incident_text(id="INC-2026-0002").replace(
            "agent: support-agent", "agent: billing-assistant"
        ),
    }
    for rel, text in {**defaults, **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if rel.endswith(".py") else text, encoding="utf-8")
    return root


def without_block(text: str, key: str = "verification:") -> str:
    """`text` minus each `verification:` block (the key line and its deeper-indented lines)."""
    out: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == key:
            indent = len(line) - len(line.lstrip())
            i += 1
            while (
                i < len(lines)
                and lines[i].strip()
                and len(lines[i]) - len(lines[i].lstrip()) > indent
            ):
                i += 1
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


# The example repository's INC-2026-0005 cases: verified by `make demo` (3 runs a side).
EXAMPLE_CASE_FILES = (
    "evals/regression/refund-policy-cases.yaml",
    "evals/regression/refund-policy-no-retroactive-promise.yaml",
)


def example_repo(dest: Path) -> Path:
    """A copy of this repository's records and example agent, INC-2026-0005's evidence removed."""
    for folder in ("incidents", "postmortems", "evals", "examples"):
        shutil.copytree(REPO_ROOT / folder, dest / folder)
    shutil.copy(REPO_ROOT / "pyproject.toml", dest / "pyproject.toml")
    for rel in EXAMPLE_CASE_FILES:
        path = dest / rel
        path.write_text(without_block(path.read_text(encoding="utf-8")), encoding="utf-8")
    return dest


def pytest_route(root: Path, version: str, junit: Path, *args: str) -> None:
    """The regression tier of `root` against `version`, 3 runs (pytest-repeat), as a user runs it."""
    subprocess.run(
        [sys.executable, "-m", "pytest", "evals", "-p", "no:cacheprovider", "-q", "--tier",
         "regression", "--agent-version", version, "--count", "3", "--junitxml", str(junit),
         *args],
        cwd=root, check=False, capture_output=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
