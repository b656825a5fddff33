"""Shared fixtures: a CLI runner that shows output on failure, record builders, git repos."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from incidentkit.cli import cli

REPO_ROOT = Path(__file__).resolve().parents[1]
PINNED_NOW = "2026-11-26T12:00:00+00:00"


@dataclass
class CliRun:
    result: Result

    @property
    def exit_code(self) -> int:
        return self.result.exit_code

    @property
    def output(self) -> str:
        return self.result.output

    @property
    def stdout(self) -> str:
        return self.result.stdout

    @property
    def stderr(self) -> str:
        return self.result.stderr


RunCli = Callable[..., CliRun]


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Overdue items and deadlines depend on 'now'; pin it for every test."""
    monkeypatch.setenv("INCIDENTKIT_NOW", PINNED_NOW)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture(autouse=True)
def _private_lint_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test has its own lint cache: none is written into this checkout's .git."""
    monkeypatch.delenv("INCIDENTKIT_NO_CACHE", raising=False)
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path_factory.mktemp("lint-cache")))


@pytest.fixture
def run_cli() -> RunCli:
    """Invoke the CLI in-process; on an unexpected exit code, show what it printed."""

    def run(
        *args: str,
        expect: int | None = 0,
        input: str | None = None,
        env: dict[str, str] | None = None,
    ) -> CliRun:
        runner = CliRunner()
        result = runner.invoke(
            cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False
        )
        if expect is not None and result.exit_code != expect:
            raise AssertionError(
                f"incidentkit {' '.join(map(str, args))} exited {result.exit_code}, expected {expect}\n"
                f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
            )
        return CliRun(result)

    return run


def write(root: Path, rel: str, text: str) -> Path:
    """Write a file (dedented) under root, creating folders."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def incident_text(
    id: str = "INC-2026-0001",
    severity: str = "S3",
    status: str = "resolved",
    extra: str = "",
    body: str = "## What happened\n\nThe agent answered from a stale policy page.\n",
    detected_at: str = "2026-03-02T10:00:00Z",
) -> str:
    resolved = 'resolved_at: "2026-03-03T09:00:00Z"\n' if status in ("resolved", "closed") else ""
    return (
        "---\n"
        f"id: {id}\n"
        "title: Support agent quoted a superseded refund window\n"
        f"status: {status}\n"
        f"severity: {severity}\n"
        "failure_modes: [factual-hallucination]\n"
        'started_at: "2026-03-01T08:00:00Z"\n'
        f'detected_at: "{detected_at}"\n'
        f"{resolved}"
        "detection: user-report\n"
        "agent: support-agent\n"
        f"{extra}"
        "---\n"
        f"{body}"
    )


def case_text(
    id: str = "refund-window",
    incidents: str = "[INC-2026-0001]",
    tier: str = "regression",
    extra: str = "",
) -> str:
    return (
        f"id: {id}\n"
        f"incidents: {incidents}\n"
        f"tier: {tier}\n"
        "input:\n"
        "  messages:\n"
        "    - role: user\n"
        "      content: How long do I have to ask for a refund?\n"
        "expected:\n"
        '  - contains: "24 hours"\n'
        f"{extra}"
    )


POSTMORTEM_BODY = """
## Summary

The support agent quoted a refund window that no longer exists.

## Timeline

- 2026-03-01 08:00 UTC: policy page updated.

## Root cause

1. Why? The retrieval index still held the old page.

## Why we didn't catch it earlier

No eval compared answers with the current policy.

## What we will change

Re-index on every policy change.

## How we will know it worked

Refund answers cite the current window.
"""


def postmortem_text(
    id: str = "PM-2026-0001",
    incidents: str = "[INC-2026-0001]",
    extra: str = "",
    body: str = POSTMORTEM_BODY,
    action_items: str | None = None,
) -> str:
    items = (
        action_items
        if action_items is not None
        else (
            "action_items:\n"
            "  - id: A1\n"
            "    description: Re-index the policy pages on every change\n"
            '    owner: "@asha-r"\n'
            '    due: "2027-01-15"\n'
            "    status: open\n"
            "    kind: fix\n"
        )
    )
    return (
        "---\n"
        f"id: {id}\n"
        "title: Superseded refund window quoted by the support agent\n"
        f"incidents: {incidents}\n"
        "status: published\n"
        'authors: ["@asha-r"]\n'
        "root_causes:\n"
        "  - category: retrieval-failure\n"
        "    description: The index kept a superseded page.\n"
        "evaluation_gaps:\n"
        "  - type: stale-test-data\n"
        "    description: Eval data predates the policy change.\n"
        "leading_indicators:\n"
        "  - metric: refund_answer_citation_age_days\n"
        '    threshold: "> 7"\n'
        "    description: Answers cite pages older than the latest policy.\n"
        f"{items}"
        "success_criteria:\n"
        "  - No refund answer cites a superseded page for 30 days.\n"
        f"{extra}"
        "---\n"
        f"{body}"
    )


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A minimal clean incident repository; override or add files by relative path."""

    def make(files: dict[str, str] | None = None, pyproject: str | None = None) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        defaults = {
            "incidents/INC-2026-0001-stale-refund-window.md": incident_text(),
            "evals/regression/refund-window.yaml": case_text(),
        }
        defaults.update(files or {})
        for rel, text in defaults.items():
            if text is None:
                continue
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if pyproject is not None:
            (root / "pyproject.toml").write_text(textwrap.dedent(pyproject), encoding="utf-8")
        return root

    return make


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Git identity and no global config, so commits in temporary repos behave the same everywhere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
    (home / ".gitconfig").write_text(
        "[user]\n\tname = Test\n\temail = test@example.com\n[commit]\n\tgpgsign = false\n"
        "[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    yield
