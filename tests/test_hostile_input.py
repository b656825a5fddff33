"""Hostile input gets a finding or a clear error (exit 1 or 2), never an internal error (exit 3).

Each test is one reproduction from issue 19: a record, a schema or a flag
that used to crash a command with an OverflowError, a RecursionError, a
MemoryError, a referencing error or a UnicodeEncodeError.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import RunCli, case_text, incident_text, write
from gitrepo import GitRepo
from incidentkit.evals.checks import CheckError, parse_checks

MakeRepo = Callable[..., Path]
INC = "incidents/INC-2026-0001-stale-refund-window.md"
CASE = "evals/regression/refund-window.yaml"
READ_ONLY = [
    ["lint"],
    ["coverage"],
    ["stats"],
    ["stats", "--format", "json"],
    ["review", "--quarter", "2026Q1"],
    ["export", "--format", "json", "-o", "-"],
]


def run_every_command(run_cli: RunCli, root: Path, tmp_path: Path) -> dict[str, int]:
    """Every read-only command, and every export format into a fresh file; name -> exit code."""
    codes: dict[str, int] = {}
    for args in READ_ONLY:
        result = run_cli("-C", root, *args, expect=None)
        assert "internal error" not in result.stderr, (args, result.stderr)
        codes[" ".join(args)] = result.exit_code
    for fmt in ("json", "csv", "sqlite"):
        out = tmp_path / f"export-{fmt}-{len(list(tmp_path.iterdir()))}"
        result = run_cli("-C", root, "export", "--format", fmt, "-o", out, expect=None)
        assert "internal error" not in result.stderr, (fmt, result.stderr)
        codes[f"export {fmt}"] = result.exit_code
    assert set(codes.values()) <= {0, 1, 2}, codes
    return codes


def findings(run_cli: RunCli, root: Path) -> list[dict[str, object]]:
    result = run_cli("-C", root, "lint", "--format", "json", expect=None)
    assert result.exit_code in (0, 1), result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return found


@pytest.fixture
def git_repo(tmp_path: Path, git_env: None) -> Iterator[GitRepo]:
    repo = GitRepo(tmp_path / "git-repo")
    repo.write(INC, incident_text())
    repo.write(CASE, case_text())
    repo.commit("base", "2026-03-04T10:00:00Z")
    repo.branch("pr")
    yield repo
    repo.close()


# --- regular expressions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    ["a{99999999999}", "a{4294967296}", "x{1,99999999999999999999}", "(" * 500 + ")" * 500],
)
def test_an_unbounded_regex_is_a_finding(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, pattern: str
) -> None:
    root = make_repo({CASE: case_text(extra=f"  - regex: '{pattern}'\n")})
    found = findings(run_cli, root)
    assert [f["rule"] for f in found] == ["eval-regex"]
    assert (found[0]["path"], found[0]["line"]) == (CASE, 10)
    run_every_command(run_cli, root, tmp_path)
    with pytest.raises(CheckError, match="not a valid regex"):
        parse_checks([{"not-regex": pattern}])


def test_an_unbounded_regex_fails_the_gate_cleanly(git_repo: GitRepo, run_cli: RunCli) -> None:
    git_repo.write(CASE, case_text(extra="  - regex: 'a{99999999999}'\n"))
    git_repo.commit("a huge count", "2026-03-05T10:00:00Z")
    result = run_cli("-C", git_repo.root, "gate", "--base", "main", expect=1)
    assert "eval-regex" in result.output


def test_a_bounded_regex_is_still_fine(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo({CASE: case_text(extra="  - regex: '(?i)a{1,10000}[{99999}]\\{99999}'\n")})
    assert findings(run_cli, root) == []


# --- Python source nested too deeply ------------------------------------------------------


@pytest.mark.parametrize("depth", [3_000, 10_000, 200_000])
def test_python_nested_thousands_deep_is_a_syntax_finding(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, depth: int
) -> None:
    root = make_repo({"evals/regression/test_d.py": "x = " + "-" * depth + "1\n"})
    found = findings(run_cli, root)
    assert [(f["rule"], f["path"]) for f in found] == [
        ("python-syntax", "evals/regression/test_d.py")
    ]
    assert "nested too deeply" in str(found[0]["message"])
    run_every_command(run_cli, root, tmp_path)


def test_python_nested_thousands_deep_does_not_break_the_gate(
    git_repo: GitRepo, run_cli: RunCli
) -> None:
    git_repo.write("evals/regression/test_d.py", "x = " + "-" * 3000 + "1\n")
    git_repo.commit("deep", "2026-03-05T10:00:00Z")
    result = run_cli("-C", git_repo.root, "gate", "--base", "main", expect=1)
    assert "python-syntax" in result.output


# --- schemas ------------------------------------------------------------------------------


def _schema_with(root: Path, name: str, **properties: object) -> Path:
    """Copy the repository's schemas into `root` and add `properties` to one of them."""
    from incidentkit.resources import data_dir

    folder = root / "schemas"
    folder.mkdir(exist_ok=True)
    for source in data_dir("schemas").iterdir():
        if source.suffix == ".json":
            (folder / source.name).write_bytes(source.read_bytes())
    schema = json.loads((folder / name).read_text(encoding="utf-8"))
    schema["properties"].update(properties)
    (folder / name).write_text(json.dumps(schema, indent=2), encoding="utf-8")
    return folder / name


@pytest.mark.parametrize(
    "ref",
    [
        "https://schemas.example.invalid/remote.json",
        "http://127.0.0.1:9/never-listened.json",
        "other.schema.json#/x",
        "#/$defs/missing",
    ],
)
def test_a_schema_ref_that_does_not_resolve_locally_is_a_configuration_error(
    make_repo: MakeRepo, run_cli: RunCli, ref: str
) -> None:
    root = make_repo()
    _schema_with(root, "incident.schema.json", agent={"$ref": ref})
    for args in (["lint"], ["stats"], ["export", "--format", "json", "-o", "-"]):
        result = run_cli("-C", root, *args, expect=None)
        if args == ["lint"]:
            assert result.exit_code == 2, result.output
            assert ref in result.stderr and "incident.schema.json" in result.stderr
            assert "network" in result.stderr
        assert result.exit_code in (0, 1, 2) and "internal error" not in result.stderr


def test_a_local_schema_ref_still_resolves(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo()
    path = _schema_with(root, "incident.schema.json", agent={"$ref": "#/$defs/agent"})
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema.setdefault("$defs", {})["agent"] = {"type": "string", "minLength": 1}
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert findings(run_cli, root) == []


def test_a_schema_pattern_the_engine_cannot_run_is_a_configuration_error(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    root = make_repo()
    _schema_with(
        root, "incident.schema.json", agent={"type": "string", "pattern": "a{99999999999}"}
    )
    result = run_cli("-C", root, "lint", expect=2)
    assert "incident.schema.json" in result.stderr and "a{99999999999}" in result.stderr


# --- dates near year 1 and 9999 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("started", "detected"),
    [
        ("9999-12-31T00:00:00-12:00", "9999-12-31T23:59:59-12:00"),
        ("0001-01-01T00:00:00+14:00", "0001-01-01T10:00:00+14:00"),
        ("1899-12-31T00:00:00Z", "1899-12-31T10:00:00Z"),
        ("3000-01-01T00:00:00Z", "3000-01-01T10:00:00Z"),
    ],
)
def test_timestamps_outside_the_accepted_years_are_schema_findings(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, started: str, detected: str
) -> None:
    text = incident_text().replace("2026-03-01T08:00:00Z", started)
    text = text.replace("2026-03-02T10:00:00Z", detected)
    text = text.replace('"2026-03-03T09:00:00Z"', detected)
    root = make_repo({INC: text})
    found = findings(run_cli, root)
    messages = [str(f["message"]) for f in found if f["rule"] == "schema"]
    assert messages and all("outside the years 1900 to 2999" in m for m in messages), found
    run_every_command(run_cli, root, tmp_path)


@pytest.mark.parametrize("due", ["9999-12-31", "0001-01-01"])
def test_dates_outside_the_accepted_years_are_schema_findings(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, due: str
) -> None:
    from conftest import postmortem_text

    pm = postmortem_text().replace('due: "2027-01-15"', f"due: {due}")
    root = make_repo({"postmortems/PM-2026-0001-x.md": pm})
    found = findings(run_cli, root)
    assert any("outside the years" in str(f["message"]) for f in found), found
    run_every_command(run_cli, root, tmp_path)


def test_new_incident_refuses_a_detected_at_past_year_9999_in_utc(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    root = make_repo()
    result = run_cli(
        "-C", root, "new", "incident", "--title", "t", "--severity", "S3",
        "--failure-mode", "tool-misuse", "--detection", "user-report", "--agent", "a",
        "--started-at", "2026-01-01T00:00:00Z",
        "--detected-at", "9999-12-31T23:59:59-12:00",
        expect=2,
    )  # fmt: skip
    assert "--detected-at" in result.stderr and "outside the years" in result.stderr
    assert sorted(p.name for p in (root / "incidents").iterdir()) == [Path(INC).name]


@pytest.mark.parametrize("quarter", ["9999Q4", "0001Q1", "0000Q1"])
def test_review_of_a_quarter_outside_the_years_is_a_usage_error(
    make_repo: MakeRepo, run_cli: RunCli, quarter: str
) -> None:
    result = run_cli("-C", make_repo(), "review", "--quarter", quarter, expect=2)
    assert "outside the years" in result.stderr


def test_review_at_the_edges_of_the_years(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo()
    for quarter in ("1900Q1", "2999Q4"):
        run_cli("-C", root, "review", "--quarter", quarter)


# --- integers -----------------------------------------------------------------------------


@pytest.mark.parametrize("users", ["99999999999999999999", "9" * 5000, "9007199254740992"])
def test_huge_affected_users_is_a_finding_and_exports_stay_whole(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, users: str
) -> None:
    root = make_repo({INC: incident_text(extra=f"affected_users: {users}\n")})
    found = findings(run_cli, root)
    assert [(f["rule"], f["line"]) for f in found] == [("schema", 12)], found
    run_every_command(run_cli, root, tmp_path)
    db = tmp_path / "out.sqlite"
    run_cli("-C", root, "export", "--format", "sqlite", "-o", db, expect=0)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, affected_users FROM incidents").fetchall()
    conn.close()
    assert rows == [("INC-2026-0001", None)]


def test_the_largest_exact_integer_exports(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_repo({INC: incident_text(extra="affected_users: 9007199254740991\n")})
    assert findings(run_cli, root) == []
    db = tmp_path / "out.sqlite"
    run_cli("-C", root, "export", "--format", "sqlite", "-o", db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT affected_users FROM incidents").fetchone() == (2**53 - 1,)
    conn.close()


@pytest.mark.parametrize(
    "setting", ["turnaround_hours = 1e300", "postmortem_deadline_hours = 1e308"]
)
def test_huge_policy_hours_are_a_configuration_error(
    make_repo: MakeRepo, run_cli: RunCli, setting: str
) -> None:
    root = make_repo(pyproject=f"[tool.incidentkit.policy]\n{setting}\n")
    result = run_cli("-C", root, "coverage", expect=2)
    assert "87600" in result.stderr


# --- file names that are not UTF-8 --------------------------------------------------------


def test_a_file_name_that_is_not_utf8_exports_escaped(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_repo()
    name = os.fsdecode(os.fsencode(root / "incidents") + b"/INC-2026-0002-caf\xff.md")
    Path(name).write_bytes(incident_text(id="INC-2026-0002").encode())
    run_every_command(run_cli, root, tmp_path)
    folder = tmp_path / "csv"
    run_cli("-C", root, "export", "--format", "csv", "-o", folder)
    text = (folder / "incidents.csv").read_text(encoding="utf-8")
    assert "incidents/INC-2026-0002-caf\\xff.md" in text
    db = tmp_path / "db.sqlite"
    run_cli("-C", root, "export", "--format", "sqlite", "-o", db)
    with sqlite3.connect(db) as conn:
        paths = [r[0] for r in conn.execute("SELECT path FROM incidents ORDER BY id")]
    conn.close()
    assert paths[1] == "incidents/INC-2026-0002-caf\\xff.md"
    doc = json.loads(run_cli("-C", root, "export", "--format", "json", "-o", "-").stdout)
    assert doc["incidents"][1]["path"] == "incidents/INC-2026-0002-caf\\xff.md"


def test_a_surrogate_escape_in_yaml_is_a_finding(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    text = incident_text().replace("agent: support-agent", 'agent: "support\\ud800agent"')
    root = make_repo({INC: text})
    assert "yaml-syntax" in [f["rule"] for f in findings(run_cli, root)]
    run_every_command(run_cli, root, tmp_path)


def test_a_lint_report_naming_a_file_that_is_not_utf8_is_written(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    root = make_repo()
    name = os.fsdecode(os.fsencode(root / "incidents") + b"/INC-2026-0002-\xfe.md")
    Path(name).write_bytes(b"no front matter\n")
    report = tmp_path / "report.txt"
    run_cli("-C", root, "lint", "-o", report, expect=1)
    assert "INC-2026-0002-\\udcfe.md" in report.read_text(encoding="utf-8")


def test_every_command_survives_all_of_them_at_once(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path
) -> None:
    """All of the above in one repository, through every command at once."""
    root = make_repo(
        {
            CASE: case_text(extra="  - regex: 'a{99999999999}'\n"),
            "evals/regression/test_d.py": "x = " + "-" * 3000 + "1\n",
            "incidents/INC-2026-0002-y.md": incident_text(
                id="INC-2026-0002", detected_at="9999-12-31T23:59:59-12:00"
            ),
            "incidents/INC-2026-0003-z.md": incident_text(
                id="INC-2026-0003", extra="affected_users: 99999999999999999999\n"
            ),
        }
    )
    write(
        root,
        "incidents/INC-2026-0004-tag.md",
        incident_text(id="INC-2026-0004", extra="tags: !!python/object/apply:os.system [x]\n"),
    )
    codes = run_every_command(run_cli, root, tmp_path)
    assert codes["lint"] == 1


@pytest.mark.parametrize("literal", ["0x" + "f" * 4000, "0o" + "7" * 5000, "0b" + "1" * 20000])
def test_an_int_literal_too_long_to_print_is_a_finding(
    make_repo: MakeRepo, run_cli: RunCli, tmp_path: Path, literal: str
) -> None:
    """Hex, octal and binary literals escape Python's 4,300-digit limit until printed."""
    root = make_repo({INC: incident_text(extra=f"affected_users: {literal}\ntags: [{literal}]\n")})
    found = findings(run_cli, root)
    assert [(f["rule"], f["line"]) for f in found] == [("schema", 12)], found
    for fmt in ("text", "sarif", "github"):
        run_cli("-C", root, "lint", "--format", fmt, expect=1)
    run_every_command(run_cli, root, tmp_path)


def test_a_config_int_too_long_to_print_is_a_configuration_error(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    root = make_repo(pyproject="[tool.incidentkit]\nmax_file_bytes = 0x" + "f" * 4000 + "\n")
    result = run_cli("-C", root, "lint", expect=2)
    assert "pyproject.toml" in result.stderr and "too large" in result.stderr


def test_reports_name_a_file_that_is_not_utf8_under_a_utf8_locale(make_repo: MakeRepo) -> None:
    """Standard output in a UTF-8 locale is strict: the name is escaped, not a crash."""
    import subprocess
    import sys

    root = make_repo()
    Path(os.fsdecode(os.fsencode(root / "incidents") + b"/INC-2026-0002-\xfe.md")).write_bytes(
        b"no front matter\n"
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}
    for fmt in ("text", "json", "github", "sarif"):
        done = subprocess.run(
            [sys.executable, "-c", "from incidentkit.cli import main; main()", "-C", str(root),
             "lint", "--format", fmt],
            capture_output=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
        assert b"INC-2026-0002-" in done.stdout
