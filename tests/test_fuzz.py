"""Property-based tests: no input makes a command raise, hang or exit 3.

The first two properties feed random bytes and random YAML to lint. The
third builds whole repositories: record files whose fields hold valid,
huge, tiny, out-of-range and mistyped values (every schema field), raw YAML
with tags, anchors and odd scalars, Python tests nested deep or not UTF-8,
symlinks (inside, outside, dangling, looping), odd file names (non-UTF-8
bytes, spaces, non-ASCII), named pipes and links to a device. Then every read-only command runs on it in-process: lint in
each format, coverage, stats, review, export to a temporary file in each
format, and the gate on a temporary git repository. No case may reach
exit 3 (an internal error) or print a traceback.

The normal suite runs a fixed budget (`INCIDENTKIT_FUZZ_EXAMPLES`, default
12 repositories); set it higher for a longer run, e.g.
`INCIDENTKIT_FUZZ_EXAMPLES=500 pytest tests/test_fuzz.py -s`.
The budget and the number of cases run are printed. A failure prints the
repository that caused it; `INCIDENTKIT_FUZZ_SHRINK=1` also shrinks it to a
minimal one (slow); `INCIDENTKIT_FUZZ_BUILD=1` adds the site build.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from incidentkit.cli import cli
from incidentkit.clock import now
from incidentkit.config import Config
from incidentkit.lint import run_lint
from incidentkit.records.repository import load_repository

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
_fields = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "title",
            "status",
            "severity",
            "failure_modes",
            "detected_at",
            "started_at",
            "resolved_at",
            "incidents",
            "action_items",
            "tier",
            "expected",
            "cases",
            "related_incidents",
        ]
    ),
    _values,
    max_size=8,
)


def _lint_files(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (root / "incidents").mkdir(exist_ok=True)
        findings = run_lint(load_repository(Config(root=root)), now()).findings
        for finding in findings:
            assert finding.path and finding.line >= 1 and finding.column >= 1
            assert finding.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data: bytes) -> None:
    _lint_files(
        {
            "incidents/INC-2026-0001-x.md": b"---\n" + data,
            "postmortems/PM-2026-0001-x.md": data,
            "evals/regression/x.yaml": data,
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_fields, _fields)
def test_random_yaml_records_never_raise(
    incident: dict[str, object], case: dict[str, object]
) -> None:
    front = yaml.safe_dump(incident, allow_unicode=True).encode()
    _lint_files(
        {
            "incidents/INC-2026-0001-x.md": b"---\n" + front + b"---\nbody\n",
            "postmortems/PM-2026-0001-x.md": b"---\n" + front + b"---\n## Summary\n",
            "evals/regression/x.yaml": yaml.safe_dump(case).encode(),
        }
    )


# --- whole repositories, every read-only command ------------------------

EXAMPLES = int(os.environ.get("INCIDENTKIT_FUZZ_EXAMPLES", "12"))
# Shrinking a failing repository takes minutes; the failing example is printed either way.
SHRINK = os.environ.get("INCIDENTKIT_FUZZ_SHRINK") == "1"
# The site build takes seconds a repository: only in long runs.
BUILD = os.environ.get("INCIDENTKIT_FUZZ_BUILD") == "1"
# Per command: far above a normal run on a tiny repository, far below a hang.
COMMAND_SECONDS = 30.0
# The test process's peak memory: a few hundred MB normally; an alias bomb or an
# unbounded regex expansion would blow far past it.
PEAK_MEMORY_MB = 2048
# Named pipes and devices named like records (the record walk never opens them).
SPECIAL_FILES = True

# --- values for every schema field --------------------------------------------------------

TIMESTAMPS = [
    "2026-03-01T08:00:00Z",
    "2026-03-02T10:00:00+02:00",
    "2026-03-03T09:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "1900-01-01T00:00:00+14:00",
    "2999-12-31T23:59:59-12:00",
    "2026-03-01 08:00",
    "2026-03-01",
    "2026-02-30T00:00:00Z",
    "not a time",
    "",
]
HUGE_INTS: list[Any] = [0, -1, 2**53 - 1, 2**53, 10**20, -(10**20), 10**400]
WEIRD: list[Any] = [
    None,
    True,
    1.5,
    float("inf"),
    float("nan"),
    "",
    "x" * 20_000,
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "\u202ertl \U0001f680 \u00fcn\u00ef",
    "a{99999999999}",
    "@TODO",
    "YYYY-MM-DD",
    [],
    {},
    [[[[["deep"]]]]],
    {"nested": {"x": [1, {"y": None}]}},
]
INCIDENT_IDS = ["INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-004", "INC-9999-0001"]


def _one_of(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


_text = st.text(max_size=40)
_any = st.one_of(_one_of(WEIRD), _one_of(HUGE_INTS), _one_of(TIMESTAMPS), _text, st.integers())
_stamp = st.one_of(_one_of(TIMESTAMPS), _any)
_ids = st.lists(st.one_of(_one_of(INCIDENT_IDS), _any), max_size=3)


def _field(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a valid value, often a hostile one."""
    return st.one_of(valid, valid, _any)


INCIDENT = st.fixed_dictionaries(
    {
        "id": _field(_one_of(INCIDENT_IDS)),
        "title": _field(_text),
        "status": _field(_one_of(["open", "mitigated", "resolved", "closed"])),
        "severity": _field(_one_of(["S1", "S2", "S3", "S4"])),
        "failure_modes": _field(st.just(["tool-misuse"])),
        "started_at": _stamp,
        "detected_at": _stamp,
        "detection": _field(_one_of(["user-report", "monitoring-alert"])),
        "agent": _field(_one_of(["support-agent", "a"])),
    },
    optional={
        "resolved_at": _stamp,
        "mitigated_at": _stamp,
        "affected_users": st.one_of(_one_of(HUGE_INTS), _any),
        "agent_version": _any,
        "near_miss": _any,
        "related_incidents": _ids,
        "regression_waiver": st.one_of(
            st.fixed_dictionaries({"reason": _any, "approved_by": _any}), _any
        ),
        "tags": st.lists(_any, max_size=3),
        "approximate": st.lists(_one_of(["started_at", "detected_at", "x"]), max_size=2),
        "schema_version": st.one_of(_one_of(HUGE_INTS), _any),
        "unknown_field": _any,
    },
)
ACTION_ITEM = st.fixed_dictionaries(
    {
        "id": _field(_one_of(["A1", "A2"])),
        "description": _field(_text),
        "owner": _field(_one_of(["@asha-r", "@TODO"])),
        "due": _field(_one_of(["2027-01-15", "9999-12-31", "0001-01-01", "2026-13-01"])),
        "status": _field(_one_of(["open", "done", "in-progress", "wont-do"])),
        "kind": _field(_one_of(["fix", "test"])),
    },
    optional={"created": _stamp, "completed": _stamp, "link": _any},
)
POSTMORTEM = st.fixed_dictionaries(
    {
        "id": _field(_one_of(["PM-2026-0001", "PM-2026-0002"])),
        "title": _field(_text),
        "incidents": _field(_ids),
        "status": _field(_one_of(["draft", "published"])),
        "authors": _field(st.just(["@asha-r"])),
        "root_causes": _field(
            st.lists(
                st.fixed_dictionaries({"category": _field(st.just("other")), "description": _any}),
                max_size=2,
            )
        ),
        "action_items": _field(st.lists(ACTION_ITEM, max_size=3)),
    },
    optional={
        "format": _field(_one_of(["full", "lightweight"])),
        "evaluation_gaps": st.lists(
            st.fixed_dictionaries(
                {"type": _field(st.just("missing-coverage")), "description": _any}
            ),
            max_size=2,
        ),
        "leading_indicators": _any,
        "success_criteria": st.lists(_any, max_size=2),
        "sources": _any,
    },
)
CHECK = st.one_of(
    st.fixed_dictionaries({"contains": _any}),
    st.fixed_dictionaries(
        {"regex": st.one_of(_one_of(["a{99999999999}", "(" * 300, "(?i)ok"]), _any)}
    ),
    st.fixed_dictionaries({"max-latency-ms": _any}),
    st.fixed_dictionaries({"criteria": _any}),
    st.dictionaries(_text, _any, max_size=2),
)
CASE = st.fixed_dictionaries(
    {
        "id": _field(_one_of(["refund-window", "case-2"])),
        "incidents": _field(_ids),
        "tier": _field(_one_of(["regression", "safety-critical", "nope"])),
        "input": _field(
            st.fixed_dictionaries({"messages": st.just([{"role": "user", "content": "How long?"}])})
        ),
        "expected": _field(st.lists(CHECK, max_size=3)),
    },
    optional={
        "verification": st.one_of(
            st.fixed_dictionaries(
                {
                    "fails_on": _any,
                    "passes_on": _any,
                    "runs_before": st.one_of(_one_of(HUGE_INTS), _any),
                    "failure_rate_after": _any,
                }
            ),
            _any,
        ),
        "agent": _any,
        "gap": _any,
    },
)

RAW_YAML = [
    "tags: !!python/object/apply:os.system [echo pwned]\n",
    "title: !custom x\n",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "a: &a [*a]\n",
    "id: INC-2026-0001\nid: INC-2026-0002\n",
    'title: "\\ud800"\n',
    "affected_users: " + "9" * 5000 + "\n",
    "affected_users: 0x" + "f" * 4000 + "\n",
    "x: " + "[" * 300 + "]" * 300 + "\n",
    "\tbad: indent\n",
    "? [complex, key]\n: value\n",
    "<<: {title: merged}\n",
]
PYTHON = [
    "x = " + "-" * 3000 + "1\n",
    "x = " + "(" * 300 + ")" * 300 + "\n",
    "import pytest\n@pytest.mark.incident(id='INC-2026-0001')\ndef test_a():\n    pass\n",
    "import pytest\n@pytest.mark.incident('INC-2026-0002')\n@pytest.mark.skip\ndef test_b():\n    pass\n",
    "def broken(:\n",
    "x = 1\x00\n",
]


# --- the repository tree ------------------------------------------------------------------


@dataclass
class Tree:
    """What to lay out, as (relative path, bytes); symlinks and special files apart."""

    files: list[tuple[str, bytes]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (path, target kind)
    fifos: list[str] = field(default_factory=list)


def _front_matter(data: dict[str, Any], body: str) -> bytes:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n{body}".encode("utf-8", "surrogatepass")


NAME_SUFFIXES = ["a", "b", "café", "with space", "x" * 200, "\udcff", "ünï", "dup"]
BODIES = [
    "",
    "## What happened\n\nx\n",
    "## Summary\n\nCall +1 415 555 0100 or jane@acme-travel.io\n",
]


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    tree = Tree()
    for n in range(draw(st.integers(0, 4))):
        data = draw(INCIDENT)
        suffix = draw(st.sampled_from(NAME_SUFFIXES))
        number = draw(st.sampled_from(["0001", "0002", "0003", "004"]))
        raw = draw(st.sampled_from(["", *RAW_YAML]))
        content = _front_matter(data, draw(st.sampled_from(BODIES)))
        if raw:
            content = content.replace(b"---\n", b"---\n" + raw.encode("utf-8", "surrogatepass"), 1)
        folder = draw(st.sampled_from(["incidents", "incidents", "incidents/2026"]))
        tree.files.append((f"{folder}/INC-2026-{number}-{suffix}{n}.md", content))
    for n in range(draw(st.integers(0, 2))):
        content = _front_matter(draw(POSTMORTEM), draw(st.sampled_from(BODIES)))
        tree.files.append((f"postmortems/PM-2026-000{n + 1}-x.md", content))
    for n in range(draw(st.integers(0, 3))):
        data = draw(CASE)
        multi = draw(st.booleans())
        text = yaml.safe_dump({"cases": [data]} if multi else data, allow_unicode=True)
        raw = draw(st.sampled_from(["", *RAW_YAML]))
        tier = draw(st.sampled_from(["regression", "pre-deployment", "other"]))
        tree.files.append(
            (f"evals/{tier}/case-{n}.yaml", (raw + text).encode("utf-8", "surrogatepass"))
        )
    for n in range(draw(st.integers(0, 2))):
        tree.files.append((f"evals/regression/test_{n}.py", draw(st.sampled_from(PYTHON)).encode()))
    if draw(st.booleans()):
        tree.files.append(("incidents/INC-2026-0009-bytes.md", draw(st.binary(max_size=300))))
    for n in range(draw(st.integers(0, 2))):
        kind = draw(
            st.sampled_from(["inside", "outside", "dangling", "loop", "dir-loop", "device"])
        )
        where = draw(st.sampled_from(["incidents", "evals/regression", "postmortems"]))
        name = "INC-2026-0008-link.md" if where == "incidents" else f"link-{n}.yaml"
        if where == "postmortems":
            name = "PM-2026-0008-link.md"
        tree.links.append((f"{where}/{name}" if kind != "dir-loop" else f"{where}/loop{n}", kind))
    if SPECIAL_FILES and draw(st.booleans()):
        tree.fifos.append(
            draw(st.sampled_from(["incidents/INC-2026-0007-pipe.md", "evals/regression/pipe.yaml"]))
        )
    return tree


def lay_out(tree: Tree, root: Path, outside: Path) -> None:
    for rel, data in tree.files:
        path = Path(os.fsdecode(os.fsencode(str(root / rel))))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for folder in ("incidents", "postmortems", "evals/regression"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for rel, kind in tree.links:
        link = root / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists() or link.is_symlink():
            continue
        inside = next((root / r for r, _ in tree.files), root / "pyproject.toml")
        target = {
            "inside": inside,
            "outside": outside,
            "dangling": root / "nowhere.md",
            "loop": link,
            "dir-loop": link.parent,
            "device": Path("/dev/zero"),  # read only by a broken reader; reading changes nothing
        }[kind]
        link.symlink_to(target)
    for rel in tree.fifos:
        if not (root / rel).exists():
            os.mkfifo(root / rel)


# --- running the commands -----------------------------------------------------------------


@dataclass
class Tally:
    repositories: int = 0
    commands: int = 0
    exit_codes: dict[int, int] = field(default_factory=dict)
    slowest: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)  # exit 2: the kind of message


def read_only_commands(out: Path) -> list[list[str]]:
    return [
        ["lint"],
        ["lint", "--format", "json"],
        ["lint", "--format", "sarif"],
        ["lint", "--format", "github"],
        ["coverage"],
        ["coverage", "--format", "json"],
        ["stats"],
        ["stats", "--format", "json"],
        ["review", "--quarter", "2026Q1"],
        ["export", "--format", "json", "-o", str(out / "export.json")],
        ["export", "--format", "csv", "-o", str(out / "csv")],
        ["export", "--format", "sqlite", "-o", str(out / "db.sqlite")],
        ["gate", "--base", "main", "--worktree"],
        *([["build", "--no-strict", "--site-dir", str(out / "site")]] if BUILD else []),
    ]


def run_checked(root: Path, args: list[str], tally: Tally, *, valid_config: bool) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["-C", str(root), *args], catch_exceptions=True)
    elapsed = time.monotonic() - started
    tally.commands += 1
    tally.exit_codes[result.exit_code] = tally.exit_codes.get(result.exit_code, 0) + 1
    tally.slowest = max(tally.slowest, elapsed)
    if result.exit_code == 2:
        first = (result.stderr.strip().splitlines() or [""])[-1]
        kind = " ".join(args[:1]) + ": " + " ".join(w for w in first.split()[:6] if "/" not in w)
        tally.errors[kind] = tally.errors.get(kind, 0) + 1
    where = f"incidentkit {' '.join(args)} in {root}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where} raised {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2), f"{where} exited {result.exit_code}:\n{result.output}"
    if valid_config:  # bad records are findings (exit 1), never a usage or configuration error
        assert result.exit_code != 2, f"{where} exited 2:\n{result.output}"
    assert "Traceback" not in result.output, f"{where}:\n{result.output}"
    assert "internal error" not in result.output, f"{where}:\n{result.output}"
    assert elapsed < COMMAND_SECONDS, f"{where} took {elapsed:.1f} s"


def git_base(root: Path) -> None:
    """A repository whose main branch has only the config: the whole tree is the PR."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "pyproject.toml"],
        ["-c", "user.name=F", "-c", "user.email=f@example.com", "-c", "commit.gpgsign=false",
         "commit", "-q", "-m", "base"],
    ):  # fmt: skip
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


VALID_PYPROJECTS = [
    "[tool.incidentkit.policy]\nregression_severities = ['S1', 'S2']\n",
    "[tool.incidentkit.policy]\nverification_severities = ['S1', 'S2', 'S3']\nsince = 2026-01-01\n",
]
PYPROJECTS = [
    *VALID_PYPROJECTS,
    "[tool.incidentkit.policy]\nturnaround_hours = 1e400\n",
    "[tool.incidentkit]\nmax_file_bytes = 0x" + "f" * 4000 + "\n",
    "[tool.incidentkit]\nmax_file_bytes = 10\n",
    "[tool.incidentkit.policy]\nsince = 0001-01-01\npostmortem_deadline_hours = 0.001\n",
    "[tool.incidentkit.rules]\nno-such-rule = 'off'\n",
    "[tool.incidentkit\n",
]


def fuzz(tally: Tally, examples: int) -> Callable[[], None]:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if SHRINK else [])],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(trees(), st.sampled_from(PYPROJECTS))
    def every_command(tree: Tree, pyproject: str) -> None:
        with tempfile.TemporaryDirectory(prefix="incidentkit-fuzz-") as tmp:
            base = Path(tmp)
            root = base / "repo"
            root.mkdir()
            (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
            outside = base / "outside.md"
            outside.write_text("---\nid: INC-2026-0001\n---\nsecret@acme-travel.io\n", "utf-8")
            git_base(root)
            lay_out(tree, root, outside)
            out = base / "out"
            out.mkdir()
            tally.repositories += 1
            for args in read_only_commands(out):
                run_checked(root, args, tally, valid_config=pyproject in VALID_PYPROJECTS)
            shutil.rmtree(out)

    return every_command


def test_no_random_repository_reaches_an_internal_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed for the gate")
    monkeypatch.setenv("HOME", str(tmp_path))  # no user git config
    monkeypatch.delenv("INCIDENTKIT_DEBUG", raising=False)
    tally = Tally()
    started = time.monotonic()
    fuzz(tally, EXAMPLES)()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzz: budget {EXAMPLES} repositories (INCIDENTKIT_FUZZ_EXAMPLES); ran "
            f"{tally.repositories} repositories, {tally.commands} commands in {elapsed:.1f} s; "
            f"exit codes {dict(sorted(tally.exit_codes.items()))}; slowest command "
            f"{tally.slowest:.2f} s"
        )
        for kind, count in sorted(tally.errors.items(), key=lambda kv: -kv[1])[:8]:
            print(f"fuzz: exit 2 x{count}: {kind}")
    assert tally.repositories >= min(EXAMPLES, 1)
    assert 3 not in tally.exit_codes
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    assert peak_mb < PEAK_MEMORY_MB, f"peak memory {peak_mb:.0f} MB"
