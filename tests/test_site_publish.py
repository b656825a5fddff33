"""What a site build and an export may publish: strict builds, redaction, invalid records.

Real builds through the CLI and through plain MkDocs, real exports; every
file written is searched for the planted strings.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import RunCli, case_text, incident_text, postmortem_text, write

API_KEY = "sk-ant-api03-" + "Zq9x" * 8
AWS_KEY = "AKIAQ7ZX5KDM2PLR4TBW"
GH_TOKEN = "ghp_" + "a1B2c3D4" * 5
EMAIL = "jane.roe@acme-payments.com"
PHONE = "+1 415 555 0134"
SECRETS = [API_KEY, AWS_KEY, GH_TOKEN, EMAIL, PHONE]
# Pieces that survive any escaping or encoding of the whole string.
FRAGMENTS = ["Zq9xZq9x", "Q7ZX5KDM", "a1B2c3D4", "acme-payments", "555 0134", "555&#32;0134"]

BODY = f"""## What happened

The customer {EMAIL} (phone {PHONE}) was shown another account.

## Minimal reproduction

```yaml title="minimal reproduction"
messages:
  - role: user
    content: "my key is {API_KEY} and aws {AWS_KEY}"
context:
  github_token: {GH_TOKEN}
```
"""


def secret_repo(root: Path) -> Path:
    """A clean repository except for personal data and secrets in fields and bodies."""
    write(
        root,
        "incidents/INC-2026-0001-leak.md",
        incident_text(
            severity="S2",
            body=BODY,
            extra=f'regression_waiver:\n  reason: "asked by {EMAIL}"\n  approved_by: "@lead"\n',
        ).replace(
            "title: Support agent quoted a superseded refund window",
            f'title: "Leaked {EMAIL} to another customer"',
        ),
    )
    write(
        root,
        "postmortems/PM-2026-0001-leak.md",
        postmortem_text(
            extra=f'sources:\n  - "https://hooks.example.com/x?token={GH_TOKEN}"\n',
            action_items=(
                "action_items:\n"
                "  - id: A1\n"
                f'    description: "Rotate {AWS_KEY} and call {PHONE}"\n'
                '    owner: "@asha-r"\n'
                '    due: "2027-01-15"\n'
                "    status: open\n"
                "    kind: fix\n"
            ),
        ),
    )
    write(root, "evals/regression/refund-window.yaml", case_text())
    write(root, "pyproject.toml", "[tool.incidentkit]\n")
    return root


def leaks(folder: Path) -> list[str]:
    """Every (file, secret) pair found anywhere under `folder`, binary files included."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes().decode("utf-8", "replace")
            found += [f"{path.relative_to(folder)}: {s}" for s in SECRETS + FRAGMENTS if s in data]
    return found


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return secret_repo(tmp_path / "repo")


def test_strict_build_refuses_flagged_secrets(repo: Path, tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "site"
    result = run_cli("-C", repo, "build", "--site-dir", out, expect=1)
    assert "incidentkit redact" in result.stderr
    assert "secrets" in result.stderr and "personal-data" in result.stderr
    assert "INC-2026-0001-leak.md" in result.stderr
    assert not out.exists()


def test_non_strict_build_publishes_them_redacted(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    out = tmp_path / "site"
    run_cli("-C", repo, "build", "--site-dir", out, "--no-strict")
    assert leaks(out) == []
    incident = (out / "incidents" / "INC-2026-0001" / "index.html").read_text(encoding="utf-8")
    for placeholder in ("[REDACTED-EMAIL]", "[REDACTED-PHONE]", "[REDACTED-SECRET]"):
        assert placeholder in incident
    assert "Leaked [REDACTED-EMAIL] to another customer" in incident  # title and <title>
    index = (out / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "[REDACTED-SECRET]" in index


@pytest.mark.parametrize("fmt", ["json", "csv", "sqlite"])
def test_export_redacts_every_field(repo: Path, tmp_path: Path, run_cli: RunCli, fmt: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / f"export.{fmt}"
    run_cli("-C", repo, "export", "--format", fmt, "--output", out)
    assert leaks(folder) == []
    if fmt == "sqlite":
        with sqlite3.connect(out) as db:
            title = db.execute("SELECT title FROM incidents").fetchone()[0]
            item = db.execute("SELECT description FROM action_items").fetchone()[0]
        assert title == "Leaked [REDACTED-EMAIL] to another customer"
        assert item == "Rotate [REDACTED-SECRET] and call [REDACTED-PHONE]"


INVALID_STATUS = "[x](javascript:alert(1))"


def invalid_repo(root: Path) -> Path:
    """One good incident, one whose status is not in the schema's enum."""
    write(root, "incidents/INC-2026-0001-good.md", incident_text())
    write(
        root,
        "incidents/INC-2026-0002-bad.md",
        incident_text(id="INC-2026-0002").replace(
            "status: resolved", f'status: "{INVALID_STATUS}"'
        ),
    )
    write(root, "evals/regression/refund-window.yaml", case_text())
    write(root, "pyproject.toml", "[tool.incidentkit]\n")
    return root


def test_strict_build_fails_with_the_lint_findings(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = invalid_repo(tmp_path / "repo")
    result = run_cli("-C", root, "build", "--site-dir", tmp_path / "site", expect=1)
    assert "INC-2026-0002-bad.md" in result.stderr and "schema" in result.stderr
    assert "incidentkit lint" in result.stderr


def test_non_strict_build_leaves_invalid_records_out(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = invalid_repo(tmp_path / "repo")
    out = tmp_path / "site"
    result = run_cli("-C", root, "build", "--site-dir", out, "--no-strict")
    assert "INC-2026-0002-bad.md" in result.stderr
    assert not (out / "incidents" / "INC-2026-0002").exists()
    for page in ("", "incidents"):
        html = (out / page / "index.html").read_text(encoding="utf-8")
        assert "ik-notice" in html and "INC-2026-0002-bad.md" in html  # the visible notice
        assert "INC-2026-0001" in html
    for html_file in out.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert 'href="javascript' not in html.lower()
        assert "ik-status-x" not in html  # the invalid value never became a badge


def test_plain_mkdocs_strict_build_fails_on_lint_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = invalid_repo(tmp_path / "repo")
    write(root, "mkdocs.yml", "site_name: x\ntheme:\n  name: material\nplugins:\n  - incidentkit\n")
    (root / "docs").mkdir()
    strict = load_mkdocs(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "a"), strict=True)
    with pytest.raises(Abort):
        build(strict)
    assert "INC-2026-0002-bad.md" in caplog.text and "lint errors" in caplog.text
    relaxed = load_mkdocs(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "b"), strict=False)
    build(relaxed)
    assert (tmp_path / "b" / "incidents" / "INC-2026-0001" / "index.html").is_file()
    assert not (tmp_path / "b" / "incidents" / "INC-2026-0002").exists()


def test_any_title_reaches_the_page_title_intact(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Titles go into page.meta directly: YAML front matter split astral characters into
    surrogates and, failing to parse, showed the whole front matter as page text."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "repo"
    title = "Emoji \U0001f600, line sep \u2028, NEL \x85, [x](javascript:alert(1)) & <b>"
    write(
        root,
        "incidents/INC-2026-0001-title.md",
        incident_text().replace(
            "title: Support agent quoted a superseded refund window",
            'title: "Emoji \\U0001F600, line sep \\u2028, NEL \\x85, '
            '[x](javascript:alert(1)) & <b>"',
        ),
    )
    write(root, "evals/regression/refund-window.yaml", case_text())
    write(root, "pyproject.toml", "[tool.incidentkit]\n")
    out = tmp_path / "site"
    run_cli("-C", root, "build", "--site-dir", out)
    html = (out / "incidents" / "INC-2026-0001" / "index.html").read_text(encoding="utf-8")
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"<title>INC-2026-0001: {escaped} - " in html
    assert f"<h1>INC-2026-0001: {escaped}</h1>" in html
    assert "<hr" not in html and 'href="javascript' not in html


def test_the_repositorys_allowances_apply_as_in_lint(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An address lint allows (`allow_emails`) is published as written, on the site and in
    exports; one it flags is not."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "repo"
    body = "## What happened\n\nEscalated to jane.roe@ourco-payments.com by the agent.\n"
    write(root, "incidents/INC-2026-0001-allowed.md", incident_text(body=body))
    write(root, "evals/regression/refund-window.yaml", case_text())
    write(
        root,
        "pyproject.toml",
        '[tool.incidentkit.personal_data]\nallow_emails = ["*@ourco-payments.com"]\n',
    )
    run_cli("-C", root, "lint")
    out = tmp_path / "site"
    run_cli("-C", root, "build", "--site-dir", out)
    html = (out / "incidents" / "INC-2026-0001" / "index.html").read_text(encoding="utf-8")
    assert "jane.roe@ourco-payments.com" in html
    export = tmp_path / "export.json"
    run_cli("-C", root, "export", "--format", "json", "--output", export)
    assert "[REDACTED-EMAIL]" not in export.read_text(encoding="utf-8")
