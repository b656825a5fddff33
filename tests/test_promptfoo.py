"""promptfoo, for real: `export-cases --to promptfoo`, `promptfoo eval`, then `verify`.

promptfoo is installed from npm once into a cache folder (PROMPTFOO_TEST_CACHE,
default ~/.cache/incidentkit-tests); the tests skip, saying why, only when node
or npm is missing. The round trip on the example repository must record
byte for byte what the pytest route records (and what `make demo` recorded).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT, RunCli
from evalrepo import EXAMPLE_CASE_FILES, case_yaml, eval_repo, example_repo, pytest_route

PROMPTFOO_VERSION = "0.121.20"


@pytest.fixture(scope="session")
def promptfoo() -> Path:
    """The promptfoo CLI from npm, installed once per machine into a cache folder."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to install promptfoo from npm; neither is on PATH")
    default = Path.home() / ".cache" / "incidentkit-tests"
    cache = Path(os.environ.get("PROMPTFOO_TEST_CACHE", default)) / f"promptfoo-{PROMPTFOO_VERSION}"
    binary = cache / "node_modules" / ".bin" / "promptfoo"
    if not binary.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache.parent, prefix=".promptfoo-"))
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
             f"promptfoo@{PROMPTFOO_VERSION}"],
            cwd=staging, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"npm install promptfoo failed:\n{done.stderr[-2000:]}")
        if not binary.exists():  # another process may have finished first
            staging.rename(cache)
        shutil.rmtree(staging, ignore_errors=True)
    return binary


def run_promptfoo(binary: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PROMPTFOO_PYTHON": sys.executable,
        "PROMPTFOO_DISABLE_TELEMETRY": "1",
        "PROMPTFOO_DISABLE_UPDATE": "1",
        "PROMPTFOO_CONFIG_DIR": str(folder / ".promptfoo"),
    }
    return subprocess.run(
        [str(binary), "eval", "-c", "promptfooconfig.yaml", "--no-cache", "--no-table", *args],
        cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def example_results(promptfoo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository's INC-2026-0005 cases run by promptfoo on 1.4.0 and 1.4.1, 3x."""
    root = example_repo(tmp_path_factory.mktemp("pf-example"))
    from click.testing import CliRunner

    from incidentkit.cli import cli

    result = CliRunner().invoke(
        cli,
        ["-C", str(root), "export-cases", "--to", "promptfoo", "--output", "promptfoo",
         "--incident", "INC-2026-0005", "--agent-version", "1.4.0", "--agent-version", "1.4.1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    done = run_promptfoo(
        promptfoo, root / "promptfoo", "--repeat", "3",
        "-o", "results.json", "-o", "results.junit.xml",
    )  # fmt: skip
    assert (root / "promptfoo/results.json").exists(), done.stdout + done.stderr
    return root


def _verify(run_cli: RunCli, root: Path, results: str, *args: object, expect: int = 0) -> object:
    path = root / "promptfoo" / results
    return run_cli(
        "-C", root, "verify", "--incident", "INC-2026-0005", "--before", path,
        "--after", path, *args, expect=expect,
    )  # fmt: skip


@pytest.mark.parametrize("results", ["results.json", "results.junit.xml"])
def test_round_trip_records_what_the_pytest_route_records(
    example_results: Path, run_cli: RunCli, results: str, tmp_path: Path
) -> None:
    root = example_results
    fresh = example_repo(tmp_path / "fresh")
    for rel in EXAMPLE_CASE_FILES:  # each parametrised run starts from no evidence
        (root / rel).write_bytes((fresh / rel).read_bytes())
    result = _verify(
        run_cli, root, results, "--before-provider", "support-agent@1.4.0",
        "--after-provider", "support-agent@1.4.1", "--write",
    )  # fmt: skip
    assert "verified: fails before the fix, passes after it (3):" in result.stdout
    assert "before: 100% failed (3/3 runs); after: 0% failed (0/3 runs)" in result.stdout
    for rel in EXAMPLE_CASE_FILES:  # byte for byte what `make demo` recorded via pytest
        assert (root / rel).read_bytes() == (REPO_ROOT / rel).read_bytes(), rel


def test_the_pytest_route_records_the_same_bytes(tmp_path: Path, run_cli: RunCli) -> None:
    root = example_repo(tmp_path / "pytest-route")
    pytest_route(root, "1.4.0", root / "before.xml")
    pytest_route(root, "1.4.1", root / "after.xml")
    run_cli("-C", root, "verify", "--incident", "INC-2026-0005", "--write",
            "--before", root / "before.xml", "--after", root / "after.xml")  # fmt: skip
    for rel in EXAMPLE_CASE_FILES:
        assert (root / rel).read_bytes() == (REPO_ROOT / rel).read_bytes(), rel


def test_two_providers_are_never_one_failure_rate(example_results: Path, run_cli: RunCli) -> None:
    mixed = _verify(run_cli, example_results, "results.json", expect=2)
    assert "the before results hold several providers" in mixed.stderr
    assert "support-agent@1.4.0, support-agent@1.4.1" in mixed.stderr
    # the same provider on both sides: it passed "before", so it proves nothing
    same = _verify(run_cli, example_results, "results.json", "--provider", "support-agent@1.4.1")
    assert "no regression protection: passed before the fix (3):" in same.stdout
    unknown = _verify(
        run_cli, example_results, "results.json", "--provider", "support-agent@9", expect=2
    )
    assert "no before result comes from provider 'support-agent@9'" in unknown.stderr


def test_the_exported_config_keeps_metadata_and_versions(example_results: Path) -> None:
    import yaml

    config = yaml.safe_load((example_results / "promptfoo/promptfooconfig.yaml").read_text())
    assert [p["label"] for p in config["providers"]] == [
        "support-agent@1.4.0",
        "support-agent@1.4.1",
    ]
    assert {p["config"]["agent_version"] for p in config["providers"]} == {"1.4.0", "1.4.1"}
    by_case = {t["metadata"]["case"]: t for t in config["tests"]}
    assert by_case["refund-policy-no-retroactive-promise"]["metadata"] == {
        "case": "refund-policy-no-retroactive-promise",
        "incident": "INC-2026-0005",
        "tier": "regression",
    }
    results = json.loads((example_results / "promptfoo/results.json").read_text())
    entries = results["results"]["results"]
    assert len(entries) == 3 * 2 * 3  # cases x providers x --repeat


def test_a_provider_error_is_inconclusive(promptfoo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    agent = (
        "def run(input, agent=None, version=None):\n"
        "    if version == '1.0':\n"
        "        raise RuntimeError('upstream 503')\n"
        "    return {'output': 'ok', 'cost_usd': 0.001}\n"
    )
    root = eval_repo(
        tmp_path / "crash",
        {
            "crash_agent.py": agent,
            "evals/regression/c.yaml": case_yaml("c", [{"contains": "ok"}, {"max-cost-usd": 0.01}]),
        },
        agent='callable = "crash_agent:run"',
    )
    run_cli("-C", root, "export-cases", "--to", "promptfoo", "-o", "pf",
            "--agent-version", "1.0", "--agent-version", "1.1")  # fmt: skip
    run_promptfoo(promptfoo, root / "pf", "--repeat", "3", "-o", "out.json")
    out = root / "pf/out.json"
    result = run_cli("-C", root, "verify", "--before", out, "--before-provider", "support-agent@1.0",
                     "--after", out, "--after-provider", "support-agent@1.1", expect=1)  # fmt: skip
    assert "before: no judged run; 3 inconclusive; after: 0% failed (0/3 runs)" in result.stdout
    assert "upstream 503" in result.stdout
    assert "verification" not in (root / "evals/regression/c.yaml").read_text()


def test_untranslatable_checks_are_refused_with_the_reason(tmp_path: Path, run_cli: RunCli) -> None:
    root = eval_repo(
        tmp_path / "refuse",
        {
            "evals/regression/backref.yaml": case_yaml("backref", [{"regex": r"(a)\1"}]),
            "evals/regression/judge-only.yaml": case_yaml("judge-only", [{"criteria": "Kind."}]),
            "evals/regression/fine.yaml": case_yaml("fine", [{"regex": "(?i)refund"}]),
        },
    )
    refused = run_cli("-C", root, "export-cases", "--to", "promptfoo", "-o", "pf", expect=1)
    assert "2 check(s) cannot be exported with the same meaning, so nothing was written" in (
        refused.stderr
    )
    assert "evals/regression/backref.yaml:" in refused.stderr and "backreferences" in (
        refused.stderr
    )
    assert "judge-only: expected[0]: criteria:" in refused.stderr
    assert not (root / "pf").exists()
    partial = run_cli(
        "-C", root, "export-cases", "--to", "promptfoo", "-o", "pf", "--skip-untranslatable"
    )
    assert "not exported: evals/regression/backref.yaml" in partial.stderr
    assert "exported 1 case(s) for promptfoo" in partial.stderr
    # a file the command did not write is never replaced without --force
    (root / "mine").mkdir()
    (root / "mine/promptfooconfig.yaml").write_text("# my own\n")
    clobber = run_cli("-C", root, "export-cases", "--to", "promptfoo", "-o", "mine",
                      "--skip-untranslatable", expect=1)  # fmt: skip
    assert "was not written by incidentkit export-cases" in clobber.stderr
    assert (root / "mine/promptfooconfig.yaml").read_text() == "# my own\n"


JUDGE = """
def judge(case, reply, criterion):
    wanted = criterion.split('"')[1]
    return {"passed": wanted in reply["output"], "reason": f"looked for {wanted!r}"}
"""


def test_every_check_means_the_same_in_promptfoo_as_in_pytest(
    promptfoo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    """Each check type, passing and failing, plus tricky replies: promptfoo agrees with pytest."""
    from incidentkit.evals.results import read_run
    from test_pytest_plugin import META, PASS_AND_FAIL, REPLY

    files = {"judge_fn.py": JUDGE}
    for kind, (good, bad, _) in PASS_AND_FAIL.items():
        files[f"evals/regression/pass-{kind}.yaml"] = case_yaml(
            f"pass-{kind}", [{kind: good}], reply=REPLY, **META
        )
        files[f"evals/regression/fail-{kind}.yaml"] = case_yaml(
            f"fail-{kind}", [{kind: bad}], reply=REPLY, **META
        )
    tricky = {  # where a copied pattern or a naive translation would disagree with Python
        "kelvin": ([{"regex": "(?i)k"}], "\u212a"),
        "dollar-before-newline": ([{"regex": "hours$"}], "24 hours\n"),
        "dot-and-cr": ([{"regex": "a.b"}], "a\rb"),
        "unicode-digit": ([{"regex": r"\d"}], "\u0663"),
        "equals-strips-python-space": ([{"equals": "ok"}], "\x1cok\x1f"),
        "no-cost": ([{"max-cost-usd": 1}], "ok"),
        "judge-passes": ([{"contains": "24"}, {"criteria": 'Says "24 hours".'}], REPLY),
        "judge-fails": ([{"contains": "24"}, {"criteria": 'Says "30 days".'}], REPLY),
    }
    for name, (expected, reply) in tricky.items():
        extra = {} if name == "no-cost" else {"cost": 0.01}
        files[f"evals/regression/{name}.yaml"] = case_yaml(name, expected, reply=reply, **extra)
    root = eval_repo(tmp_path / "semantics", files)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.incidentkit.judge]\ncallable = "judge_fn:judge"\n'
    )
    subprocess.run(
        [sys.executable, "-m", "pytest", "evals", "-p", "no:cacheprovider", "-q",
         "--agent-version", "1.0", "--junitxml", "pytest.xml"],
        cwd=root, capture_output=True, check=False,
    )  # fmt: skip
    run_cli("-C", root, "export-cases", "--to", "promptfoo", "-o", "pf", "--agent-version", "1.0")
    run_promptfoo(promptfoo, root / "pf", "-o", "out.json")
    known = {p.stem for p in (root / "evals/regression").glob("*.yaml")}

    def outcomes(path: Path) -> dict[str, str]:
        return {r.case_id(known) or r.name: r.status for r in read_run(path).results}

    by_pytest = outcomes(root / "pytest.xml")
    by_promptfoo = outcomes(root / "pf/out.json")
    assert by_promptfoo == by_pytest
    assert {k: v for k, v in by_pytest.items() if k in tricky} == {
        "kelvin": "passed",
        "dollar-before-newline": "passed",
        "dot-and-cr": "passed",
        "unicode-digit": "passed",
        "equals-strips-python-space": "passed",
        "no-cost": "failed",
        "judge-passes": "passed",
        "judge-fails": "failed",
    }
    assert all(v == ("passed" if k.startswith("pass-") else "failed")
               for k, v in by_pytest.items() if k not in tricky)  # fmt: skip
