"""`incidentkit redact`: typed placeholders, a diff first, exact bytes everywhere else."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import RunCli, case_text, incident_text
from incidentkit.errors import UsageError
from incidentkit.redaction import redact_text, yaml_regions

EMAIL = "jane.doe@acme-travel.io"
PHONE = "+44 20 7946 0958"
KEY = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2"
SLACK = "xoxb-" + "1234567890-abcdefghij"

BODY = f"""
## What happened

The agent emailed {EMAIL} and read out {PHONE} on the call.

## Minimal reproduction

```yaml title="minimal reproduction"
messages:
  - role: user
    content: "My email is {EMAIL}, call me on {PHONE}"
context:
  account_email: {EMAIL}
  api_key: {KEY}
```

```text
curl -H "Authorization: Bearer {SLACK}" https://api.example.com
```
"""


def _incident() -> str:
    return incident_text(
        id="INC-2026-0001", extra=f"tags: [{EMAIL}, billing]\n", body=BODY
    ).replace(
        "title: Support agent quoted a superseded refund window",
        f"title: Agent sent the refund to {EMAIL} instead",
    )


def _lint_rules(run_cli: RunCli, root: Path) -> list[tuple[str, str]]:
    result = run_cli("-C", root, "lint", "--format", "json", expect=None)
    return sorted((f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"])


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "incidents/INC-2026-0001-stale-refund-window.md": _incident(),
            "evals/regression/refund-window.yaml": case_text(
                extra=f'  - not-contains: "{PHONE}"\n  - not-contains: {EMAIL}\n'
            ),
        }
    )


def test_diff_first_then_write_and_lint_is_clean(run_cli: RunCli, repo: Path) -> None:
    incident = repo / "incidents" / "INC-2026-0001-stale-refund-window.md"
    case = repo / "evals" / "regression" / "refund-window.yaml"
    before = {p: p.read_bytes() for p in (incident, case)}
    rules = _lint_rules(run_cli, repo)
    assert ("incidents/INC-2026-0001-stale-refund-window.md", "personal-data") in rules
    assert ("incidents/INC-2026-0001-stale-refund-window.md", "secrets") in rules
    assert ("evals/regression/refund-window.yaml", "personal-data") in rules

    shown = run_cli("-C", repo, "redact", "incidents", "evals", expect=1)
    assert "--- a/incidents/INC-2026-0001-stale-refund-window.md" in shown.stdout
    assert "+++ b/evals/regression/refund-window.yaml" in shown.stdout
    assert f"-The agent emailed {EMAIL}" in shown.stdout
    assert "+The agent emailed [REDACTED-EMAIL] and read out [REDACTED-PHONE]" in shown.stdout
    assert "2 file(s) to redact" in shown.stderr
    assert {p: p.read_bytes() for p in before} == before  # nothing written without --write

    run_cli("-C", repo, "redact", "incidents", "evals", "--write")
    text = incident.read_text(encoding="utf-8")
    for secret in (EMAIL, PHONE, KEY, SLACK):
        assert secret not in text
    assert not [r for r in _lint_rules(run_cli, repo) if r[1] in ("personal-data", "secrets")]
    assert _lint_rules(run_cli, repo) == []
    # Nothing left: a second run finds nothing and exits 0.
    assert run_cli("-C", repo, "redact", "incidents", "evals").stdout == ""


def test_front_matter_and_code_blocks_keep_their_structure(run_cli: RunCli, repo: Path) -> None:
    incident = repo / "incidents" / "INC-2026-0001-stale-refund-window.md"
    run_cli("-C", repo, "redact", str(incident), "--write")
    text = incident.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == "Agent sent the refund to [REDACTED-EMAIL] instead"
    assert front["tags"] == ["[REDACTED-EMAIL]", "billing"]  # quoted, not a nested list
    block = text.split('```yaml title="minimal reproduction"\n')[1].split("```")[0]
    reproduction = yaml.safe_load(block)
    assert reproduction["messages"][0]["content"] == (
        "My email is [REDACTED-EMAIL], call me on [REDACTED-PHONE]"
    )
    assert reproduction["context"] == {
        "account_email": "[REDACTED-EMAIL]",
        "api_key": "[REDACTED-SECRET]",
    }
    assert 'Bearer [REDACTED-SECRET]" https://api.example.com' in text
    # Outside the replaced spans the file is exactly as it was.
    original = _incident()
    unquoted = text.replace('"[REDACTED-EMAIL]"', "[REDACTED-EMAIL]")
    assert unquoted.replace('"[REDACTED-SECRET]"', "[REDACTED-SECRET]") == (
        original.replace(EMAIL, "[REDACTED-EMAIL]")
        .replace(PHONE, "[REDACTED-PHONE]")
        .replace(KEY, "[REDACTED-SECRET]")
        .replace(SLACK, "[REDACTED-SECRET]")
    )


def test_eval_case_values_stay_strings(run_cli: RunCli, repo: Path) -> None:
    case = repo / "evals" / "regression" / "refund-window.yaml"
    run_cli("-C", repo, "redact", str(case), "--write")
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    assert data["expected"][-2:] == [
        {"not-contains": "[REDACTED-PHONE]"},
        {"not-contains": "[REDACTED-EMAIL]"},
    ]


@pytest.mark.parametrize(
    "raw",
    [
        b"---\nid: INC-2026-0001\n---\nNothing to hide here.\n",
        b"\xef\xbb\xbf---\r\nid: INC-2026-0001\r\n---\r\nNo hits, CRLF and a BOM.\r\nlast line",
    ],
)
def test_a_file_without_hits_is_untouched(run_cli: RunCli, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "INC-2026-0001-clean.md"
    path.write_bytes(raw)
    mtime = path.stat().st_mtime_ns
    result = run_cli("redact", str(path), "--write")
    assert result.stdout == ""
    assert path.read_bytes() == raw
    assert path.stat().st_mtime_ns == mtime


def test_crlf_and_bom_are_kept_around_replacements(run_cli: RunCli, tmp_path: Path) -> None:
    raw = f"\ufeff---\r\ntitle: mail {EMAIL}\r\n---\r\nCall {PHONE}.\r\n".encode()
    path = tmp_path / "record.md"
    path.write_bytes(raw)
    run_cli("redact", str(path), "--write")
    assert path.read_bytes() == (
        b"\xef\xbb\xbf---\r\ntitle: mail [REDACTED-EMAIL]\r\n---\r\nCall [REDACTED-PHONE].\r\n"
    )


def test_documentation_addresses_are_not_redacted() -> None:
    text = "Write to support@example.com or a@b.test.\n"
    assert redact_text(text, yaml_file=False) == (text, [])


def test_plain_scalar_is_quoted_only_when_needed() -> None:
    text = f"a: {EMAIL}\nb: 'x {EMAIL}'\nc: x {EMAIL} y  # note\nd: [{EMAIL}, {EMAIL}]\n"
    redacted, hits = redact_text(text, yaml_file=True)
    assert len(hits) == 5
    assert redacted == (
        'a: "[REDACTED-EMAIL]"\n'
        "b: 'x [REDACTED-EMAIL]'\n"
        "c: x [REDACTED-EMAIL] y  # note\n"
        'd: ["[REDACTED-EMAIL]", "[REDACTED-EMAIL]"]\n'
    )


def test_yaml_that_cannot_be_redacted_safely_is_refused() -> None:
    # A plain scalar continued on the next line: quoting the first line alone would break it.
    text = f"note: {EMAIL} wrote\n  more text\n"
    with pytest.raises(UsageError, match="cannot replace"):
        redact_text(text, yaml_file=True)


def test_yaml_regions_of_markdown() -> None:
    text = "---\na: 1\n---\n```yaml\nb: 2\n```\n```\nc: 3\n```\n"
    assert [text[s:e] for s, e in yaml_regions(text, yaml_file=False)] == ["a: 1\n", "b: 2\n"]


def test_non_utf8_and_missing_files(run_cli: RunCli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9 " + EMAIL.encode())
    result = run_cli("redact", str(bad), "--write", expect=1)
    assert "not UTF-8" in result.stderr
    assert bad.read_bytes() == b"caf\xe9 " + EMAIL.encode()
    result = run_cli("redact", str(tmp_path / "nope.md"), expect=2)
    assert "no such file" in result.stderr


def _redact_written(run_cli: RunCli, root: Path, body: str) -> str:
    """An incident with `body` in a fresh repository at `root`, after `redact --write`."""
    path = root / "incidents" / "INC-2026-0001-redact.md"
    path.parent.mkdir(parents=True)
    path.write_text(incident_text(body=body), encoding="utf-8")
    run_cli("-C", root, "redact", "--write", path)
    return path.read_text(encoding="utf-8")


def test_a_private_key_block_is_removed_whole(run_cli: RunCli, tmp_path: Path) -> None:
    key_lines = ["MIIEpAIBAAKCAQEA1ETW61+Jo2JfAbCdEfGh", "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGtleQ=="]
    body = (
        "## What happened\n\nThe agent echoed a deploy key:\n\n```\n"
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(key_lines)
        + "\n-----END RSA PRIVATE KEY-----\n```\n"
    )
    root = tmp_path / "pem"
    text = _redact_written(run_cli, root, body)
    assert not any(line in text for line in key_lines)
    assert "[REDACTED-SECRET]" in text
    assert _lint_rules(run_cli, root) == []


def test_the_repository_allows_addresses_for_lint_and_redact(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    body = "The vendor wrote from escalations@partner.io; the customer from jane.doe@gmail.com.\n"
    root = make_repo(
        {"incidents/INC-2026-0001-stale-refund-window.md": incident_text(body=body)},
        pyproject='[tool.incidentkit.personal_data]\nallow_emails = ["*@PARTNER.io"]\n',
    )
    incident = root / "incidents" / "INC-2026-0001-stale-refund-window.md"
    findings = json.loads(run_cli("-C", root, "lint", "--format", "json", expect=1).stdout)
    assert [f["message"] for f in findings["findings"] if f["rule"] == "personal-data"] == [
        "email address in published text"
    ]
    run_cli("-C", root, "redact", "--write", incident)
    text = incident.read_text(encoding="utf-8")
    assert "escalations@partner.io" in text
    assert "jane.doe@gmail.com" not in text


def test_a_bad_personal_data_setting_is_a_configuration_error(
    run_cli: RunCli, make_repo: Callable[..., Path]
) -> None:
    root = make_repo(pyproject='[tool.incidentkit.personal_data]\nallow_emails = "*@x.io"\n')
    result = run_cli("-C", root, "lint", expect=2)
    assert "personal_data" in result.stderr


def test_a_key_pair_and_a_url_password_are_redacted_in_yaml(tmp_path: Path) -> None:
    text = (
        "context:\n"
        "  aws_access_key_id: AKIAB3SKCZTKMBF6JDPY\n"
        "  aws_secret_access_key: cBfS83Cedu3QlYJJJbgIQrBc5O+x2A7CzMp1GAaw\n"
        "  dsn: postgres://app:Pa55!word@db.internal:5432/orders\n"
    )
    redacted, hits = redact_text(text, yaml_file=True)
    assert len(hits) == 3
    assert yaml.safe_load(redacted) == {
        "context": {
            "aws_access_key_id": "[REDACTED-SECRET]",
            "aws_secret_access_key": "[REDACTED-SECRET]",
            "dsn": "postgres://app:[REDACTED-SECRET]@db.internal:5432/orders",
        }
    }


def test_each_new_class_of_secret_goes_whole_through_redact_write(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """The classes of the fourth and fifth labelled batches, in one record, end to end."""
    secrets = {
        "SK08796d2cdee7de7ef71b3bf6504fd567": "twilio('{}', ",
        "Vb4tQ9xLm2Rk7Zp3Wn8Yc6Hj1Df5Gs0A": "'{}')",
        "S3cr3tPassw0rd": "mysql -u root -p{} app",
        "YE6SueD484HDMG": "the passphrase `{}` was in the ticket",
        "Vq8rT2mXz9Lp": "<password>{}</password>",
        "Y2ktYm90OmdocF9aeDlRdzNFcjdUeTFVaTVP": '{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}',
        "a8f5f167f44f4964e6c998dee827110c3b2e": "https://{}:x-oauth-basic@github.com/a/b.git",
    }
    lines = [shape.format(secret) for secret, shape in secrets.items()]
    code = "\n".join([lines[0] + lines[1], *lines[2:]])
    body = f"## What happened\n\nThe agent printed:\n\n```text\n{code}\n```\n"
    root = tmp_path / "classes"
    text = _redact_written(run_cli, root, body)
    expected = code
    for secret in secrets:
        expected = expected.replace(secret, "[REDACTED-SECRET]")
    assert expected in text  # every secret gone, every character around it kept
    assert not any(secret in text for secret in secrets)
    assert _lint_rules(run_cli, root) == []
