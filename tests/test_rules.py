"""Every lint rule, triggered and not: data-driven cases over real files.

Each triggering case names the rule, the file, the line and the level it must
produce; each passing case shows input the rule must accept. A rule with no
case of either kind fails `test_every_rule_has_cases`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO_ROOT, case_text, incident_text, postmortem_text
from incidentkit.clock import now
from incidentkit.config import load_config
from incidentkit.findings import Finding, Level
from incidentkit.lint import lint_repository, run_lint
from incidentkit.records.repository import load_repository
from incidentkit.rules import RULES

INC = "incidents/INC-2026-0001-stale-refund-window.md"
CASE = "evals/regression/refund-window.yaml"
PM = "postmortems/PM-2026-0001-stale-refund-window.md"
S2 = incident_text(severity="S2")


@dataclass
class Case:
    rule: str
    files: dict[str, str | bytes | None]
    expected: list[tuple[str, int, Level]] = field(default_factory=list)  # (path, line, level)
    name: str = ""


TRIGGERS = [
    Case("file-size", {INC: ""}, [(INC, 1, Level.ERROR)], "empty"),
    Case(
        "file-size", {INC: "---\n" + "x: y\n" * 300_000 + "---\n"}, [(INC, 1, Level.ERROR)], "huge"
    ),
    Case("encoding", {INC: incident_text().encode() + b"caf\xe9\n"}, [(INC, 16, Level.ERROR)]),
    Case("front-matter", {INC: "# Just a heading\n"}, [(INC, 1, Level.ERROR)], "missing"),
    Case(
        "front-matter",
        {INC: "---\nid: INC-2026-0001\ntitle: x\n"},
        [(INC, 1, Level.ERROR)],
        "unterminated",
    ),
    Case("front-matter", {INC: "---\n- a list\n---\n"}, [(INC, 2, Level.ERROR)], "not-a-mapping"),
    Case(
        "yaml-syntax",
        {INC: "---\nid: INC-2026-0001\ntitle: [unclosed\nstatus: open\n---\n"},
        [(INC, 4, Level.ERROR)],
    ),
    Case(
        "yaml-syntax",
        {INC: "---\nid: INC-2026-0001\ntags:\n\t- a\n---\n"},
        [(INC, 4, Level.ERROR)],
        "tab",
    ),
    Case("duplicate-key", {INC: incident_text(extra="severity: S4\n")}, [(INC, 12, Level.ERROR)]),
    Case(
        "yaml-tag",
        {INC: incident_text(extra="tags: !!python/object/apply:os.system [echo pwned]\n")},
        [(INC, 12, Level.ERROR)],
        "python-object",
    ),
    Case(
        "yaml-tag",
        {CASE: case_text(extra="  - contains: !secret-tag x\n")},
        [(CASE, 10, Level.ERROR)],
        "custom-scalar-tag",
    ),
    Case(
        "yaml-tag",
        {INC: incident_text(extra="!!binary aGk=: x\n")},
        [(INC, 12, Level.ERROR)],
        "tagged-key",
    ),
    Case(
        "alias-bomb",
        {
            CASE: "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n"
                for n, p in zip("bcdef", "abcde", strict=True)
            )
        },
        [(CASE, 4, Level.ERROR)],  # "d" is the first node past the limit
    ),
    Case(
        "schema",
        {INC: incident_text().replace("severity: S3", "severity: S5")},
        [(INC, 5, Level.ERROR)],
        "enum",
    ),
    Case(
        "schema",
        {INC: incident_text(extra="severty: S3\n")},
        [(INC, 12, Level.ERROR)],
        "unknown-field",
    ),
    Case(
        "schema",
        {
            INC: incident_text().replace(
                'detected_at: "2026-03-02T10:00:00Z"', 'detected_at: "2026-03-02 10:00"'
            )
        },
        [(INC, 8, Level.ERROR)],
        "timestamp-without-zone",
    ),
    Case(
        "schema",
        {INC: incident_text(status="closed").replace('resolved_at: "2026-03-03T09:00:00Z"\n', "")},
        [(INC, 2, Level.ERROR)],
        "resolved-needs-resolved_at",
    ),
    Case(
        "schema",
        {
            PM: postmortem_text(
                action_items='action_items:\n  - id: A1\n    description: d\n    owner: "@a"\n    due: 2027-01-01\n    status: open\n'
            )
        },
        [(PM, 18, Level.ERROR)],
        "action-item-missing-kind",
    ),
    Case(
        "unique-id", {"incidents/INC-2026-0001-copy.md": incident_text()}, [(INC, 2, Level.ERROR)]
    ),
    Case(
        "id-filename",
        {"incidents/INC-2026-0002-wrong-name.md": incident_text(id="INC-2026-0003")},
        [("incidents/INC-2026-0002-wrong-name.md", 2, Level.ERROR)],
    ),
    Case(
        "id-filename",
        {INC: incident_text(id="INC-2025-0001")},
        [(INC, 2, Level.ERROR)] * 2,
        "year-and-name",
    ),
    Case("tier-folder", {CASE: case_text(tier="safety-critical")}, [(CASE, 3, Level.ERROR)]),
    Case("broken-link", {CASE: case_text(incidents="[INC-2026-001]")}, [(CASE, 2, Level.ERROR)]),
    Case(
        "broken-link",
        {PM: postmortem_text(incidents="\n  - INC-2026-0009")},
        [(PM, 5, Level.ERROR)],
        "postmortem",
    ),
    Case(
        "broken-link",
        {
            "evals/regression/test_x.py": "import pytest\n\n@pytest.mark.incident(id='INC-2026-0042')\ndef test_x():\n    pass\n"
        },
        [("evals/regression/test_x.py", 3, Level.ERROR)],
        "python-marker",
    ),
    Case(
        "timestamp-order",
        {
            INC: incident_text().replace(
                'detected_at: "2026-03-02T10:00:00Z"', 'detected_at: "2026-03-01T09:00:00+05:00"'
            )
        },
        [(INC, 8, Level.ERROR)],
    ),
    Case(
        "postmortem-sections",
        {PM: postmortem_text(body="## Summary\n\nx\n\n## Root cause\n\ny\n\n## Timeline\n\nz\n")},
        [(PM, 27, Level.ERROR)] * 3 + [(PM, 31, Level.ERROR)],
    ),
    Case(
        "lightweight-severity",
        {INC: S2, PM: postmortem_text(extra="format: lightweight\n")},
        [(PM, 26, Level.ERROR)],
    ),
    Case(
        "action-item-owner",
        {PM: postmortem_text().replace('owner: "@asha-r"', 'owner: "@TODO"')},
        [(PM, 20, Level.ERROR)],
    ),
    Case(
        "overdue-action-item",
        {PM: postmortem_text().replace('due: "2027-01-15"', 'due: "2026-10-01"')},
        [(PM, 21, Level.WARNING)],
    ),
    Case("postmortem-deadline", {INC: S2}, [(INC, 2, Level.WARNING)]),
    Case(
        "personal-data",
        {INC: incident_text(body="Customer wrote from jane.doe@gmail.com and +1 415 555 0100.\n")},
        [(INC, 13, Level.ERROR), (INC, 13, Level.ERROR)],
    ),
    Case(
        "secrets",
        {CASE: case_text(extra="# the key was sk-proj-abcdefghijklmnopqrstuvwxyz012345\n")},
        [(CASE, 10, Level.ERROR)],
    ),
    Case(
        "blaming-language",
        {
            INC: S2,
            PM: postmortem_text(
                body=postmortem_text().split("---\n")[2] + "\nIt was Sam's fault.\n"
            ),
        },
        [(PM, 52, Level.WARNING)],
    ),
    Case(
        "python-syntax",
        {
            "evals/regression/test_x.py": "import pytest\n\n@pytest.mark.incident(id='INC-2026-0001')\ndef test_x(:\n    pass\n"
        },
        [("evals/regression/test_x.py", 4, Level.ERROR)],
    ),
    Case(
        "python-syntax",
        {"evals/regression/test_x.py": b"# incident \xff\n"},
        [("evals/regression/test_x.py", 1, Level.ERROR)],
        "not-utf8",
    ),
    Case(
        "file-size",
        {"incidents/INC-2026-0002-folder.md/readme.txt": "x"},
        [("incidents/INC-2026-0002-folder.md", 1, Level.ERROR)],
        "folder",
    ),
    Case(
        "eval-regex", {CASE: case_text(extra="  - regex: '(unclosed'\n")}, [(CASE, 10, Level.ERROR)]
    ),
    Case(
        "action-item-ids",
        {
            PM: postmortem_text(
                action_items=(
                    "action_items:\n"
                    "  - {id: A1, description: d, owner: '@a', due: '2027-01-01', status: open, kind: fix}\n"
                    "  - {id: A1, description: e, owner: '@a', due: '2027-01-01', status: done, kind: fix,"
                    " created: '2026-05-01', completed: '2026-04-01'}\n"
                )
            )
        },
        [(PM, 19, Level.ERROR), (PM, 19, Level.ERROR)],
    ),
    Case("schema", {CASE: "cases:\n  id: x\n"}, [(CASE, 1, Level.ERROR)], "cases-not-a-list"),
    Case(
        "file-size",
        {"incidents/INC-2026-0002-linked.md": "symlink:" + str(REPO_ROOT / "README.md")},
        [("incidents/INC-2026-0002-linked.md", 1, Level.ERROR)],
        "symlink-outside",
    ),
    Case(
        "python-syntax",
        {"evals/regression/test_plain.py": "def test_x(:\n    pass\n"},
        [("evals/regression/test_plain.py", 1, Level.ERROR)],
        "without-markers",
    ),
    Case(
        "id-filename",
        {CASE: "# a comment\n" + case_text(id="other-name")},
        [(CASE, 2, Level.ERROR)],
        "eval-case",
    ),
    Case(
        "schema",
        {INC: incident_text().replace("severity: S3", "severity: 1")},
        [(INC, 5, Level.ERROR)],
        "one-finding-per-value",
    ),
    Case(
        "suppression-reason",
        {
            INC: incident_text(
                body="<!-- incidentkit: ignore[personal-data] -->\nMail jane.doe@gmail.com\n"
            )
        },
        [(INC, 13, Level.ERROR)],
    ),
    Case(
        "placeholder",
        {CASE: case_text(extra='  - criteria: "TODO: what a correct reply does"\n')},
        [(CASE, 10, Level.ERROR)],
        "case-criteria",
    ),
    Case(
        "placeholder",
        # a YAML escape spells the placeholder word the source text does not hold
        {CASE: case_text(extra='  - criteria: "\\x54ODO: what a correct reply does"\n')},
        [(CASE, 10, Level.ERROR)],
        "case-criteria-escaped",
    ),
    Case(
        "placeholder",
        {CASE: case_text(extra='  - criteria: "TO\\\n    DO: what a correct reply does"\n')},
        [(CASE, 10, Level.ERROR)],
        "case-criteria-line-continuation",
    ),
    Case(
        "placeholder",
        {
            PM: postmortem_text(
                action_items='action_items:\n  - id: A1\n    description: fix\n    owner: "@asha-r"\n    due: "YYYY-MM-DD"\n    status: open\n    kind: fix\n'
            )
        },
        [(PM, 21, Level.ERROR)],
        "postmortem-due-date",
    ),
    Case(
        "placeholder",
        {
            INC: incident_text(
                body="## What happened\n\n<!-- From the first wrong behaviour to detection and mitigation: what the agent did, and which systems and processes let it happen. -->\n\n## Impact\n\nTwelve customers.\n"
            )
        },
        [(INC, 15, Level.ERROR)],
        "guidance-only-section",
    ),
    Case(
        "placeholder",
        {INC: incident_text(body="## Root cause\n\n1. Why did TODO happen? Because TODO.\n")},
        [(INC, 15, Level.ERROR)],
        "five-whys",
    ),
    Case(
        "stray-file",
        {"incidents/INC-2026-0002-upper.MD": incident_text(id="INC-2026-0002", severity="S1")},
        [("incidents/INC-2026-0002-upper.MD", 1, Level.ERROR)],
        "upper-case-extension",
    ),
    Case(
        "stray-file",
        {"evals/regression/_draft.yaml": case_text(id="_draft")},
        [("evals/regression/_draft.yaml", 1, Level.ERROR)],
        "leading-underscore",
    ),
]

PASSES = [
    Case("file-size", {}),
    Case("encoding", {INC: "\ufeff" + incident_text().replace("\n", "\r\n")}, name="bom-crlf"),
    Case("front-matter", {}),
    Case("yaml-syntax", {}),
    Case("duplicate-key", {}),
    Case("alias-bomb", {CASE: case_text() + "anchors: &a {x: 1}\n"}, name="small-anchor"),
    Case(
        "yaml-tag",
        {CASE: case_text().replace("tier: regression", "tier: !!str regression")},
        name="plain-explicit-tag",
    ),
    Case(
        "schema",
        {INC: incident_text().replace('"2026-03-01T08:00:00Z"', "2026-03-01T08:00:00Z")},
        name="unquoted-timestamp",
    ),
    Case("unique-id", {}),
    Case("id-filename", {}),
    Case("tier-folder", {}),
    Case(
        "broken-link",
        {
            "evals/regression/test_x.py": "import pytest\n\n@pytest.mark.incident('INC-2026-0001')\ndef test_x():\n    pass\n"
        },
    ),
    Case(
        "timestamp-order",
        {
            INC: incident_text().replace(
                'detected_at: "2026-03-02T10:00:00Z"', 'detected_at: "2026-03-01T12:00:00+02:00"'
            )
        },
        name="zones",
    ),
    Case("postmortem-sections", {PM: postmortem_text()}),
    Case(
        "lightweight-severity",
        {PM: postmortem_text(extra="format: lightweight\n", body="One paragraph.\n")},
    ),
    Case("action-item-owner", {PM: postmortem_text()}),
    Case(
        "overdue-action-item",
        {
            PM: postmortem_text()
            .replace("status: open", "status: done")
            .replace('due: "2027-01-15"', 'due: "2026-10-01"')
        },
        name="done-never-overdue",
    ),
    Case("postmortem-deadline", {INC: S2, PM: postmortem_text()}, name="has-postmortem"),
    Case("postmortem-deadline", {INC: S2}, name="before-since"),
    Case(
        "personal-data",
        {
            INC: incident_text(
                body="Wrote from [REDACTED-EMAIL]; see support@example.com, INC-2026-0001 on 2026-03-04 10:00.\n"
            )
        },
    ),
    Case("secrets", {}),
    Case(
        "python-syntax",
        {
            "evals/regression/test_x.py": "import pytest\n\n@pytest.mark.incident(id='INC-2026-0001')\ndef test_x():\n    pass\n"
        },
    ),
    Case(
        "eval-regex",
        {
            CASE: case_text(
                extra="  - regex: '(?i)before travel'\n  - not-regex: '\\bretroactive\\b'\n"
            )
        },
    ),
    Case("action-item-ids", {PM: postmortem_text()}),
    Case(
        "blaming-language",
        {
            PM: postmortem_text(
                body=postmortem_text().split("---\n")[2]
                + "\n<!-- incidentkit: ignore[blaming-language] quoting the customer's ticket -->\n"
                + "They called it human error.\n"
            )
        },
        name="suppression-comment-is-not-prose",
    ),
    Case(
        "blaming-language",
        {
            PM: postmortem_text(
                body=postmortem_text().split("---\n")[2]
                + "\nA blameless review of the default fault handler.\n"
            )
        },
    ),
    Case(
        "blaming-language",
        {
            PM: postmortem_text(
                extra='sources: ["Ops Weekly: the engineer forgot the flag"]\n',
                body=postmortem_text().split("---\n")[2]
                + "\n> The on-call engineer ignored three pages, the ticket says.\n"
                + '\nThe customer wrote "your operator botched it" in the ticket.\n'
                + "\n```\nerror: operator forgot to pass -n\n```\n"
                + "\n`git blame` shows the fault handler changed; nobody is blamed.\n",
            ).replace(
                "title: Superseded refund window quoted by the support agent",
                "title: The engineer forgot the dry-run flag",
            )
        },
        name="front-matter-quotes-and-code",
    ),
    Case(
        "suppression-reason",
        {
            INC: incident_text(
                body="<!-- incidentkit: ignore[personal-data] the vendor's public address -->\nMail jane.doe@gmail.com\n"
            )
        },
    ),
    Case(
        "placeholder",
        {
            INC: incident_text(
                body="## What happened\n\n<!-- From the first wrong behaviour to detection and mitigation: what the agent did, and which systems and processes let it happen. -->\n\nThe agent kept a TODO list in memory and lost it.\n"
            )
        },
        name="guidance-kept-above-real-text",
    ),
    Case(
        "stray-file",
        {
            "incidents/2026/INC-2026-0002-nested.md": incident_text(id="INC-2026-0002"),
            "incidents/README.md": "# Incidents\n",
            "incidents/.gitkeep": "",
        },
        name="nested-record-readme-gitkeep",
    ),
]

SINCE_2027 = '[tool.incidentkit.policy]\nsince = "2027-01-01"\n'


def _lint(make_repo: Callable[..., Path], case: Case) -> list[Finding]:
    pyproject = SINCE_2027 if case.name == "before-since" else None
    root = make_repo(
        {k: v for k, v in case.files.items() if not isinstance(v, bytes)}, pyproject=pyproject
    )
    for rel, data in case.files.items():
        if isinstance(data, bytes):
            (root / rel).write_bytes(data)
        elif isinstance(data, str) and data.startswith("symlink:"):
            (root / rel).unlink()
            (root / rel).symlink_to(data.removeprefix("symlink:"))
    config = load_config(root)
    streamed = lint_repository(config, now()).findings
    # the one-pass lint (file rules while reading) and linting loaded records agree
    assert run_lint(load_repository(config), now()).findings == streamed
    return streamed


@pytest.mark.parametrize("case", TRIGGERS, ids=lambda c: f"{c.rule}-{c.name or 'bad'}")
def test_rule_triggers(make_repo: Callable[..., Path], case: Case) -> None:
    findings = _lint(make_repo, case)
    got = [(f.path, f.line, f.level) for f in findings if f.rule == case.rule]
    assert got == case.expected, "\n".join(str(f) for f in findings)
    for f in findings:
        if f.rule == case.rule:
            assert f.hint, f"{f.rule} finding without a fix hint: {f}"


@pytest.mark.parametrize("case", PASSES, ids=lambda c: f"{c.rule}-{c.name or 'ok'}")
def test_rule_passes(make_repo: Callable[..., Path], case: Case) -> None:
    findings = _lint(make_repo, case)
    assert [f for f in findings if f.rule == case.rule] == []


def test_every_rule_has_cases() -> None:
    assert {c.rule for c in TRIGGERS} == set(RULES)
    assert {c.rule for c in PASSES} == set(RULES)


def test_every_rule_documents_itself() -> None:
    for rule in RULES.values():
        assert len(rule.summary) > 20, rule.id
        if rule.check is not None:
            module = Path(__file__).parents[1] / "tooling" / rule.module
            assert module.is_file(), f"rule {rule.id} should live in {rule.module}"
