"""`incidentkit minimize`: ddmin over a conversation, against test-local agents.

The failure needs three specific messages of a 15-message conversation (an
order number, a membership, and the last user turn asking for money back)
and one context key; everything else is noise the command must remove.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import RunCli
from evalrepo import eval_repo
from incidentkit.evals.minimize import ddmin

NEEDED = {3: "ORDER-7731", 8: "platinum", 14: "money back"}

MESSAGES = [
    ("user", "Hi there, I have a question about one of my trips this year"),
    ("assistant", "Of course, I am happy to help with your trips. What is it about?"),
    ("user", "It is about a flight I booked a while ago for a family visit"),
    ("user", "The booking reference on my confirmation is ORDER-7731 from the spring sale"),
    ("assistant", "Thanks, I have noted the booking reference you gave me just now"),
    ("user", "The weather forecast for the destination looks terrible all week"),
    ("assistant", "I am sorry to hear that; weather can be hard to plan around"),
    ("user", "My sister also said she might not be at home that week anyway"),
    ("user", "I have been a platinum member of your programme since 2019 and fly often"),
    ("assistant", "Thank you for being a loyal member of the programme for so long"),
    ("user", "I also wonder whether I can choose a seat next to the window"),
    ("assistant", "Seat selection is available in the app under Manage booking"),
    ("user", "Good to know, the app has been quite useful for me so far"),
    ("assistant", "Glad to hear it. Is there anything else I can help you with today?"),
    ("user", "So please tell me, can I get my money back for this trip now?"),
]
CONTEXT = {"locale": "en-GB", "tier": "gold", "channel": "chat", "experiment": "b"}

# Fails (promises the invented policy) only when all three needed messages and
# the gold tier are in the input; CALLS counts every call.
MARKER_AGENT = """
CALLS = []
NEEDED = {needed!r}
FAIL_RATE = {rate!r}
SEED = 7


def run(input, agent=None, version=None):
    import random

    index = len(CALLS)
    CALLS.append(index)
    text = " ".join(m["content"] for m in input["messages"])
    context = input.get("context") or {{}}
    bad = all(marker in text for marker in NEEDED) and context.get("tier") == "gold"
    if bad and random.Random(SEED * 1_000_003 + index).random() < FAIL_RATE:
        return "Good news: a retroactive refund on any booking."
    return "You can cancel free of charge within 24 hours of booking."
"""

CASE_HEAD = """\
# Guards against INC-2026-0001. The conversation is the whole chat from the
# incident report; minimize should cut it down.
id: long-chat
incidents: [INC-2026-0001]
tier: regression
"""

CASE_TAIL = """\
expected:
  # the invented policy
  - not-contains: "retroactive refund"
"""


def _case_text() -> str:
    lines = ["input:", "  messages:"]
    for role, content in MESSAGES:
        lines += [f"    - role: {role}", f"      content: {json.dumps(content)}"]
    lines.append(f"  context: {json.dumps(CONTEXT)}")
    return CASE_HEAD + "\n".join(lines) + "\n" + CASE_TAIL


@pytest.fixture(autouse=True)
def isolated_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """The adapter puts the repository on sys.path and imports its agent; undo both.

    Only the test's own agent modules are forgotten: dropping incidentkit's
    would give later tests a second copy of its exception classes.
    """
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def _repo(tmp_path: Path, rate: float = 1.0, agent: str | None = None) -> Path:
    source = agent or MARKER_AGENT.format(needed=list(NEEDED.values()), rate=rate)
    return eval_repo(
        tmp_path / "repo",
        {"marker_agent.py": source, "evals/regression/long-chat.yaml": _case_text()},
        agent='callable = "marker_agent:run"',
    )


def _calls() -> int:
    return len(sys.modules["marker_agent"].CALLS)


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _assert_the_three_messages(data: dict[str, Any]) -> None:
    messages = data["input"]["messages"]
    assert len(messages) == 3
    for message, index in zip(messages, sorted(NEEDED), strict=True):
        role, original = MESSAGES[index]
        assert message["role"] == role
        assert NEEDED[index] in message["content"]
        assert message["content"] in original  # shortened, never rewritten
    assert data["input"]["context"] == {"tier": "gold"}


# --- ddmin itself ------------------------------------------------------------------


def test_ddmin_finds_the_three_items_a_failure_needs() -> None:
    tested: list[list[int]] = []

    def fails(subset: list[int]) -> bool:
        tested.append(subset)
        return {3, 8, 11} <= set(subset)

    assert ddmin(list(range(16)), fails) == [3, 8, 11]
    assert len(tested) < 100  # far from the 65536 subsets


def test_ddmin_edge_cases() -> None:
    assert ddmin([], lambda s: True) == []
    assert ddmin([1, 2, 3], lambda s: True) == []  # nothing is needed
    assert ddmin([1, 2, 3], lambda s: 2 in s) == [2]
    assert ddmin([1, 2], lambda s: s == [1, 2]) == [1, 2]


# --- the command --------------------------------------------------------------------


def test_a_15_message_conversation_minimises_to_the_3_messages_it_needs(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = _repo(tmp_path)
    out = run_cli("-C", root, "minimize", "long-chat")
    written = root / "evals/regression/long-chat.min.yaml"
    data = _load(written)
    _assert_the_three_messages(data)
    assert data["id"] == "long-chat.min"
    assert data["expected"] == [{"not-contains": "retroactive refund"}]
    assert "[messages] kept messages #4, #9, #15 of 15" in out.stdout
    assert "[context] removed context key(s)" in out.stdout
    assert "[text] shortened message" in out.stdout
    chars = sum(len(m["content"]) for m in data["input"]["messages"])
    assert f"final size: 3 message(s), {chars} character(s), 1 context key(s)" in out.stdout
    assert "(was 15 message(s)" in out.stdout
    assert f"{_calls()} agent call(s)" in out.stdout
    assert f"wrote {written}" in out.stderr
    # the original is untouched and the repository still lints clean
    assert (root / "evals/regression/long-chat.yaml").read_text(encoding="utf-8") == _case_text()
    run_cli("-C", root, "lint")


def test_a_seeded_stochastic_agent_minimises_to_the_same_3_messages(
    run_cli: RunCli, tmp_path: Path
) -> None:
    # fails 80% of the time when the input still holds what it needs: a step
    # keeps a reduction when at least 2 of 5 runs fail
    root = _repo(tmp_path, rate=0.8)
    run_cli(
        "-C",
        root,
        "minimize",
        "long-chat",
        "--runs-per-step",
        "5",
        "--threshold",
        "0.4",
        "--jobs",
        "1",
    )
    _assert_the_three_messages(_load(root / "evals/regression/long-chat.min.yaml"))


def test_max_runs_caps_the_agent_calls_and_keeps_the_best_so_far(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = _repo(tmp_path)
    out = run_cli("-C", root, "minimize", "long-chat", "--max-runs", "23", "--jobs", "1")
    assert _calls() <= 23
    # every step so far kept all 15 messages: nothing to write
    assert "no smaller input found within --max-runs 23: nothing written" in out.stderr
    out = run_cli("-C", root, "minimize", "long-chat", "--max-runs", "40", "--jobs", "1")
    assert _calls() <= 23 + 40
    assert "stopped at --max-runs" in out.stdout
    best = _load(root / "evals/regression/long-chat.min.yaml")
    text = " ".join(m["content"] for m in best["input"]["messages"])
    assert all(marker in text for marker in NEEDED.values())  # still fails
    assert len(best["input"]["messages"]) < len(MESSAGES)


@pytest.mark.parametrize("max_runs", [5, 12, 40, 97])
def test_max_runs_is_never_exceeded(run_cli: RunCli, tmp_path: Path, max_runs: int) -> None:
    root = _repo(tmp_path, rate=0.8)
    run_cli("-C", root, "minimize", "long-chat", "--max-runs", max_runs, "--jobs", "3")
    assert _calls() <= max_runs


def test_an_existing_min_file_is_kept_unless_force(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path)
    written = root / "evals/regression/long-chat.min.yaml"
    written.write_text("# mine\n", encoding="utf-8")
    out = run_cli("-C", root, "minimize", "long-chat", expect=1)
    assert "already exists" in out.stderr
    assert written.read_text(encoding="utf-8") == "# mine\n"
    run_cli("-C", root, "minimize", "long-chat", "--force")
    _assert_the_three_messages(_load(written))


def test_write_replaces_the_input_in_place_and_keeps_comments(
    run_cli: RunCli, tmp_path: Path
) -> None:
    root = _repo(tmp_path)
    case_file = root / "evals/regression/long-chat.yaml"
    run_cli("-C", root, "minimize", "long-chat", "--write")
    text = case_file.read_text(encoding="utf-8")
    assert text.startswith(CASE_HEAD)
    assert text.endswith(CASE_TAIL)
    data = _load(case_file)
    assert data["id"] == "long-chat"
    _assert_the_three_messages(data)
    assert not (root / "evals/regression/long-chat.min.yaml").exists()
    run_cli("-C", root, "lint")


def test_a_case_that_does_not_fail_exits_1(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, rate=0.0)
    out = run_cli("-C", root, "minimize", "long-chat", expect=1)
    assert "failed in 0 of" in out.stderr
    assert "below the threshold of 50%: nothing to minimise" in out.stderr
    assert not (root / "evals/regression/long-chat.min.yaml").exists()


def test_an_already_minimal_case_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path)
    run_cli("-C", root, "minimize", "long-chat", "--write")
    out = run_cli("-C", root, "minimize", "long-chat")
    assert "is already minimal: nothing written" in out.stderr
    assert not (root / "evals/regression/long-chat.min.yaml").exists()


def test_on_a_terminal_it_states_the_upper_bound_and_asks(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import incidentkit.cli.reproduce as command

    monkeypatch.setattr(command, "interactive", lambda: True)
    root = _repo(tmp_path)
    out = run_cli("-C", root, "minimize", "long-chat", "--max-runs", "60", input="n\n", expect=1)
    assert "long-chat: up to 60 agent call(s)" in out.stderr
    assert "marker_agent" not in sys.modules or _calls() == 0


INTERRUPTING = """
import os
import signal
import time

CALLS = []


def run(input, agent=None, version=None):
    CALLS.append(len(CALLS))
    if len(CALLS) == 8:
        os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.005)
    return "a retroactive refund"
"""


def test_ctrl_c_prints_the_best_input_and_writes_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path, agent=INTERRUPTING)
    out = run_cli("-C", root, "minimize", "long-chat", "--jobs", "1", expect=130)
    assert "interrupted: the best input found so far" in out.stdout
    assert "best input so far:" in out.stdout
    assert "interrupted: nothing written" in out.stderr
    assert not (root / "evals/regression/long-chat.min.yaml").exists()
    assert (root / "evals/regression/long-chat.yaml").read_text(encoding="utf-8") == _case_text()


def test_a_case_in_a_multi_case_file_gets_its_own_min_file(run_cli: RunCli, tmp_path: Path) -> None:
    root = _repo(tmp_path)
    single = _case_text()
    body = "\n".join("    " + line if line else line for line in single.splitlines()[2:])
    multi = "cases:\n  - " + body.lstrip() + "\n"
    (root / "evals/regression/long-chat.yaml").unlink()
    (root / "evals/regression/chats.yaml").write_text(multi, encoding="utf-8")
    run_cli("-C", root, "minimize", root / "evals/regression/chats.yaml", "--case", "long-chat")
    _assert_the_three_messages(_load(root / "evals/regression/long-chat.min.yaml"))
    run_cli("-C", root, "lint")


def test_seeded_agent_is_reproducible() -> None:
    # the marker agent's randomness depends only on the call index
    draws = [random.Random(7 * 1_000_003 + i).random() < 0.8 for i in range(10)]
    assert draws == [random.Random(7 * 1_000_003 + i).random() < 0.8 for i in range(10)]
