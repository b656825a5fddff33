"""A small incident database whose numbers are worked out by hand below.

Shared by test_stats, test_review and test_export. Every expected value is
derived in the comments next to the record it comes from, not by running
the code under test.

Incidents (TTD = detected - started, TTR = resolved - detected, hours; Q = UTC quarter):

    id    sev status     modes                               TTD   TTR   Q       detection
    0001  S1  resolved   tool-misuse, instruction-violation  2     10    2026Q1  monitoring-alert
    0002  S2  closed     factual-hallucination               4     24    2026Q1  user-report   (+05:30)
    0003  S3  resolved   factual-hallucination               1     6     2026Q1  user-report
          detected 2026-04-01T02:00:00+05:00 = 2026-03-31T21:00Z: April locally, Q1 in UTC
    0004  S3  open       latency-failure                     6     -     2026Q2  monitoring-alert
          detected 2026-05-01T16:00:00-08:00 = 2026-05-02T00:00Z
    0005  S4  mitigated  cost-overrun                        -     -     2026Q3  internal-review
          no started_at; detected 2026-06-30T23:30:00-08:00 = 2026-07-01T07:30Z: June locally
    0006  S2  resolved   factual-hallucination, data-exposure 8    24    2026Q3  red-team
          related_incidents: [INC-2026-0002]; title has a pipe and a <script>

MTTD over 1, 2, 4, 6, 8 (5 values, odd): median 4; p90 rank 3.6 -> 6 + 0.6 * 2 = 7.2; 1 missing.
MTTR over 6, 10, 24, 24 (4 values, even): median (10 + 24) / 2 = 17; p90 rank 2.7 -> 24; 2 missing.
2026Q1: MTTD 1, 2, 4 -> median 2, p90 rank 1.8 -> 2 + 0.8 * 2 = 3.6; MTTR 6, 10, 24 -> median 10,
        p90 10 + 0.8 * 14 = 21.2.
2026Q2: MTTD 6 (median 6, p90 6); MTTR none, 1 missing.
2026Q3: MTTD 8, 1 missing; MTTR 24, 1 missing.

Post-mortems: PM-2026-0001 -> [0001]; PM-2026-0002 -> [0002, 0006].
Root causes: PM1 tool-integration-failure, prompt-deficiency; PM2 retrieval-failure,
prompt-deficiency, external-change -> prompt-deficiency 2, the others 1.
Evaluation gaps: PM1 missing-coverage, missing-adversarial-case; PM2 missing-coverage,
stale-test-data -> missing-coverage 2, the others 1.
Action items (today 2026-11-26):
    PM1/A1 @asha-r done        due 2026-01-31 created 2026-01-11 completed 2026-01-20
    PM1/A2 @asha-r open        due 2026-03-01 created 2026-01-11            -> overdue
    PM1/A3 @ben-t  in-progress due 2027-01-01 created 2026-07-15
    PM2/A1 @ben-t  wont-do     due 2026-02-01 created 2026-02-03 completed 2026-07-20 (never overdue)
    PM2/A2 @asha-r open        due 2026-12-31 created 2026-07-12
    -> @asha-r total 3, open 2, overdue 1, done 1; @ben-t total 2, open 1, overdue 0, done 0.
Eval cases: billing-no-refund -> 0001 (verified); refund-a -> 0002, 0006; refund-b -> 0003;
no-leak -> 0006 (safety-critical). Without post-mortem: 0003, 0004, 0005. Without cases: 0004, 0005.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import POSTMORTEM_BODY


def incident(
    n: int,
    severity: str,
    status: str,
    modes: str,
    started: str | None,
    detected: str,
    resolved: str | None,
    detection: str,
    agent: str,
    extra: str = "",
    title: str | None = None,
) -> str:
    lines = [
        "---",
        f"id: INC-2026-{n:04d}",
        f"title: {title or f'Incident number {n}'}",
        f"status: {status}",
        f"severity: {severity}",
        f"failure_modes: [{modes}]",
    ]
    if started:
        lines.append(f'started_at: "{started}"')
    lines.append(f'detected_at: "{detected}"')
    if resolved:
        lines.append(f'resolved_at: "{resolved}"')
    lines += [f"detection: {detection}", f"agent: {agent}"]
    return "\n".join(lines) + "\n" + extra + "---\n\n## What happened\n\nSomething failed.\n"


def postmortem(pm_id: str, incidents: str, causes: list[str], gaps: list[str], items: str) -> str:
    cause_yaml = "".join(f"  - category: {c}\n    description: A cause.\n" for c in causes)
    gap_yaml = "".join(f"  - type: {g}\n    description: A gap.\n" for g in gaps)
    return (
        "---\n"
        f"id: {pm_id}\n"
        "title: A post-mortem\n"
        f"incidents: {incidents}\n"
        "status: published\n"
        'authors: ["@asha-r"]\n'
        f"root_causes:\n{cause_yaml}"
        f"evaluation_gaps:\n{gap_yaml}"
        "leading_indicators:\n"
        "  - metric: error_rate\n"
        '    threshold: "> 2%"\n'
        "    description: Errors rise first.\n"
        f"action_items:\n{items}"
        "success_criteria:\n"
        "  - Nothing recurs for 30 days.\n"
        "---\n" + POSTMORTEM_BODY
    )


def item(
    aid: str,
    owner: str,
    status: str,
    due: str,
    created: str,
    completed: str | None = None,
) -> str:
    text = (
        f"  - id: {aid}\n"
        "    description: Do the thing\n"
        f'    owner: "{owner}"\n'
        f"    due: {due}\n"
        f"    status: {status}\n"
        "    kind: fix\n"
        f"    created: {created}\n"
    )
    return text + (f"    completed: {completed}\n" if completed else "")


def case(case_id: str, incidents: str, tier: str = "regression", extra: str = "") -> str:
    return (
        f"id: {case_id}\n"
        f"incidents: {incidents}\n"
        f"tier: {tier}\n"
        "input:\n"
        "  messages:\n"
        "    - role: user\n"
        "      content: Hello\n"
        "expected:\n"
        '  - contains: "hi"\n'
        f"{extra}"
    )


FILES: dict[str, str | None] = {
    # the conftest defaults are replaced by this database
    "incidents/INC-2026-0001-stale-refund-window.md": None,
    "evals/regression/refund-window.yaml": None,
    "incidents/INC-2026-0001-refund-tool.md": incident(
        1, "S1", "resolved", "tool-misuse, instruction-violation",
        "2026-01-10T00:00:00Z", "2026-01-10T02:00:00Z", "2026-01-10T12:00:00Z",
        "monitoring-alert", "billing-assistant", extra="tags: [billing, payments]\n",
    ),
    "incidents/INC-2026-0002-policy.md": incident(
        2, "S2", "closed", "factual-hallucination",
        "2026-02-01T10:00:00+05:30", "2026-02-01T14:00:00+05:30", "2026-02-02T08:30:00Z",
        "user-report", "support-agent", extra="tags: [refunds]\n",
    ),
    "incidents/INC-2026-0003-boundary.md": incident(
        3, "S3", "resolved", "factual-hallucination",
        "2026-03-31T20:00:00Z", "2026-04-01T02:00:00+05:00", "2026-04-01T03:00:00Z",
        "user-report", "support-agent", extra="tags: [refunds, billing]\n",
    ),
    "incidents/INC-2026-0004-latency.md": incident(
        4, "S3", "open", "latency-failure",
        "2026-05-01T10:00:00-08:00", "2026-05-01T16:00:00-08:00", None,
        "monitoring-alert", "search-agent",
    ),
    "incidents/INC-2026-0005-spend.md": incident(
        5, "S4", "mitigated", "cost-overrun",
        None, "2026-06-30T23:30:00-08:00", None,
        "internal-review", "search-agent",
    ),
    "incidents/INC-2026-0006-leak.md": incident(
        6, "S2", "resolved", "factual-hallucination, data-exposure",
        "2026-07-10T00:00:00Z", "2026-07-10T08:00:00Z", "2026-07-11T08:00:00Z",
        "red-team", "support-agent", extra="related_incidents: [INC-2026-0002]\n",
        title="'Leak | of <script>alert(1)</script> data'",
    ),
    "postmortems/PM-2026-0001-refund-tool.md": postmortem(
        "PM-2026-0001", "[INC-2026-0001]",
        ["tool-integration-failure", "prompt-deficiency"],
        ["missing-coverage", "missing-adversarial-case"],
        item("A1", "@asha-r", "done", "2026-01-31", "2026-01-11", "2026-01-20")
        + item("A2", "@asha-r", "open", "2026-03-01", "2026-01-11")
        + item("A3", "@ben-t", "in-progress", "2027-01-01", "2026-07-15"),
    ),
    "postmortems/PM-2026-0002-policy.md": postmortem(
        "PM-2026-0002", "[INC-2026-0002, INC-2026-0006]",
        ["retrieval-failure", "prompt-deficiency", "external-change"],
        ["missing-coverage", "stale-test-data"],
        item("A1", "@ben-t", "wont-do", "2026-02-01", "2026-02-03", "2026-07-20")
        + item("A2", "@asha-r", "open", "2026-12-31", "2026-07-12"),
    ),
    "evals/regression/billing-no-refund.yaml": case(
        "billing-no-refund", "[INC-2026-0001]",
        extra="verification:\n  fails_on: billing-assistant@1.0\n  passes_on: billing-assistant@1.1\n",
    ),
    "evals/regression/refund-cases.yaml": "cases:\n"
    + "".join(
        "  - " + case(cid, incs).replace("\n", "\n    ").rstrip() + "\n"
        for cid, incs in (("refund-a", "[INC-2026-0002, INC-2026-0006]"),
                          ("refund-b", "[INC-2026-0003]"))
    ),
    "evals/safety-critical/no-leak.yaml": case("no-leak", "[INC-2026-0006]", "safety-critical"),
}  # fmt: skip


def build(make_repo: Callable[..., Path]) -> Path:
    """Write the database into the test's temporary repository and return its root."""
    return make_repo(FILES)
