"""An XSS corpus planted in every schema field of incidents, post-mortems and eval cases.

Each payload sets `window.__xss` (and some call `alert`) if it ever runs.
Two kinds of records, all in one repository so one build covers them:

- "all fields": per payload, an incident, a post-mortem and a case whose every
  free-text field holds it (valid records when the payload fits the field's
  pattern, so they are published and rendered);
- "in turn": per payload and per schema field, a record with just that field
  set to the payload (an enum or a pattern field then makes the record
  invalid: a --no-strict build leaves it out and names it in its notice).

The payloads: the issue's vectors, and OWASP's filter-evasion classes
(`javascript:` with case, entities and whitespace, nested anchors, event
handlers, `data:` URLs, SVG, `</script>` inside JSON, attribute breakouts,
mutation XSS), plus theme and Markdown-extension vectors (a `mermaid` class,
a snippet include, an external image).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    "[x](javascript:window.__xss=3)",
    "https://ok.example/ [x](javascript:window.__xss=4)",
    "https://ok.example/[x](onmouseover=window.__xss=5//)",
    "https://ok.example/|[x](javascript:window.__xss=6)",
    "javascript:window.__xss=7",
    "JaVaScRiPt:window.__xss=8",
    "&#106;avascript&#58;window.__xss=9",
    "java\tscript:window.__xss=10",
    "\x01 javascript:window.__xss=11",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTI8L3NjcmlwdD4=",
    "<svg onload=window.__xss=13>",
    "<svg><script>window.__xss=14</script></svg>",
    "</script><script>window.__xss=15</script>",
    '<a href="javascript:window.__xss=16">x</a>',
    '" onmouseover="window.__xss=17" x="',
    "' onfocus='window.__xss=18' autofocus x='",
    '<pre class="mermaid">graph TD; A-->B</pre>',
    '--8<-- "/etc/passwd"',
    ":smile: ![x](https://evil.example/x.png)",
    '<iframe src="https://evil.example/"></iframe>',
    "[a [b](javascript:window.__xss=23)](https://ok.example/)",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=24>",
    "<details open ontoggle=window.__xss=25>",
    "| one | two |\n|---|---|\n| a | b |",
]

INCIDENT_FIELDS = [
    "id", "title", "status", "severity", "failure_modes", "started_at", "detected_at",
    "mitigated_at", "resolved_at", "detection", "affected_users", "agent", "agent_version",
    "near_miss", "related_incidents", "regression_waiver.reason",
    "regression_waiver.approved_by", "tags", "approximate", "body",
]  # fmt: skip
POSTMORTEM_FIELDS = [
    "id", "title", "incidents", "status", "format", "authors", "root_causes.category",
    "root_causes.description", "evaluation_gaps.type", "evaluation_gaps.description",
    "leading_indicators.metric", "leading_indicators.threshold",
    "leading_indicators.description", "action_items.id", "action_items.description",
    "action_items.owner", "action_items.due", "action_items.status", "action_items.kind",
    "action_items.link", "action_items.created", "action_items.completed",
    "success_criteria", "sources", "body",
]  # fmt: skip
CASE_FIELDS = [
    "id", "incidents", "agent", "tier", "gap", "content", "contains", "fails_on", "passes_on",
    "reproduction.agent",
]  # fmt: skip
LISTS = {"failure_modes", "related_incidents", "tags", "approximate", "incidents", "authors"}
LISTS |= {"success_criteria", "sources"}


def incident(n: int, values: dict[str, str]) -> str:
    """An incident's file text; `values` overrides fields (dotted for nested ones)."""
    data: dict[str, object] = {
        "id": f"INC-2026-{n:04d}",
        "title": "A valid incident",
        "status": "resolved",
        "severity": "S2",
        "failure_modes": ["factual-hallucination"],
        "started_at": "2026-03-01T08:00:00Z",
        "detected_at": "2026-03-02T10:00:00Z",
        "resolved_at": "2026-03-03T09:00:00Z",
        "detection": "user-report",
        "agent": "support-agent",
        "tags": ["corpus"],
    }
    body = "## What happened\n\nIt went wrong.\n"
    for key, value in values.items():
        if key == "body":
            body = body_with(value)
        else:
            _set(data, key, [value] if key in LISTS else value)
    return _front_matter(data) + body


def postmortem(n: int, values: dict[str, str]) -> str:
    data: dict[str, object] = {
        "id": f"PM-2026-{n:04d}",
        "title": "A valid post-mortem",
        "incidents": [f"INC-2026-{n:04d}"],
        "status": "published",
        "authors": ["@asha-r"],
        "root_causes": [{"category": "retrieval-failure", "description": "Stale index."}],
        "evaluation_gaps": [{"type": "stale-test-data", "description": "Old data."}],
        "leading_indicators": [{"metric": "m", "threshold": "> 7", "description": "d"}],
        "action_items": [
            {
                "id": "A1",
                "description": "Re-index",
                "owner": "@asha-r",
                "due": "2027-01-15",
                "status": "open",
                "kind": "fix",
                "link": "https://ok.example/ticket/1",
            }
        ],
        "success_criteria": ["No stale answers."],
        "sources": ["https://ok.example/thread"],
    }
    body = "## Summary\n\nx\n\n## Timeline\n\nx\n\n## Root cause\n\nx\n\n" + (
        "## Why we didn't catch it earlier\n\nx\n\n## What we will change\n\nx\n\n"
        "## How we will know it worked\n\nx\n"
    )
    for key, value in values.items():
        if key == "body":
            body += "\n" + body_with(value)
        else:
            _set(data, key, [value] if key in LISTS else value)
    return _front_matter(data) + body


def case(n: int, values: dict[str, str], incident_n: int | None = None) -> str:
    data: dict[str, object] = {
        "id": f"corpus-{n}",
        "incidents": [f"INC-2026-{incident_n or n:04d}"],
        "tier": "regression",
        "agent": "support-agent",
        "input": {"messages": [{"role": "user", "content": "hi"}]},
        "expected": [{"contains": "hello"}],
        "verification": {"fails_on": "a@1", "passes_on": "a@2"},
        "reproduction": {"runs": 10, "failures": 3, "agent": "a@1"},
    }
    where = {
        "content": "input.messages.0.content",
        "contains": "expected.0.contains",
        "fails_on": "verification.fails_on",
        "passes_on": "verification.passes_on",
    }
    for key, value in values.items():
        _set(data, where.get(key, key), [value] if key in LISTS else value)
    return json.dumps(data, indent=2) + "\n"  # JSON is YAML


def body_with(payload: str) -> str:
    """A Markdown body carrying the payload raw, as a link target, as link text and in code."""
    return (
        f"## What happened\n\n{payload}\n\n[click]({payload})\n\n[{payload}](https://ok.example/)\n\n"
        f'<a href="{payload}">raw</a>\n\n```yaml\nx: {json.dumps(payload)}\n```\n\n'
        f"| a | b |\n|---|---|\n| {payload} | x |\n"
    )


def _set(data: dict[str, object], dotted: str, value: object) -> None:
    node: object = data
    parts = dotted.split(".")
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            assert isinstance(node, dict)
            node = node[part][0] if isinstance(node.get(part), list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        assert isinstance(node, dict)
        node[parts[-1]] = value


def _front_matter(data: dict[str, object]) -> str:
    lines = [f"{key}: {json.dumps(value)}" for key, value in data.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


FREE_TEXT_INCIDENT = ["title", "agent", "agent_version", "regression_waiver.reason", "tags", "body"]
FREE_TEXT_POSTMORTEM = [
    "title", "root_causes.description", "evaluation_gaps.description",
    "leading_indicators.metric", "leading_indicators.threshold",
    "leading_indicators.description", "action_items.description", "action_items.link",
    "success_criteria", "sources", "body",
]  # fmt: skip
FREE_TEXT_CASE = ["agent", "content", "contains", "reproduction.agent"]


def make_corpus_repo(root: Path) -> Path:
    """The repository: "all fields" records 1..P, then "in turn" records from 100 on."""
    n = 0
    for n, payload in enumerate(PAYLOADS, start=1):
        everywhere = dict.fromkeys(FREE_TEXT_INCIDENT, payload)
        everywhere["regression_waiver.approved_by"] = "@lead"
        write(root, f"incidents/INC-2026-{n:04d}-all.md", incident(n, everywhere))
        spaced = any(c.isspace() for c in payload)  # a link is one word (schema)
        fields = [f for f in FREE_TEXT_POSTMORTEM if f != "action_items.link" or not spaced]
        write(
            root,
            f"postmortems/PM-2026-{n:04d}-all.md",
            postmortem(n, dict.fromkeys(fields, payload)),
        )
        write(
            root,
            f"evals/regression/corpus-{n}.yaml",
            case(n, dict.fromkeys(FREE_TEXT_CASE, payload)),
        )
    # The other fields (enums, IDs, dates, handles) in turn; free text is covered above.
    n = 100
    for payload in PAYLOADS:
        for field in INCIDENT_FIELDS:
            if field not in FREE_TEXT_INCIDENT:
                n += 1
                write(root, f"incidents/INC-2026-{n:04d}-turn.md", incident(n, {field: payload}))
        for field in POSTMORTEM_FIELDS:
            if field not in FREE_TEXT_POSTMORTEM:
                n += 1
                values = {"incidents": "INC-2026-0001", field: payload}
                write(root, f"postmortems/PM-2026-{n:04d}-turn.md", postmortem(n, values))
        for field in CASE_FIELDS:
            if field not in FREE_TEXT_CASE:
                n += 1
                write(root, f"evals/regression/corpus-{n}.yaml", case(n, {field: payload}, 1))
    # The site title reaches site_name (there is no mkdocs.yml: the packaged one is used).
    write(
        root,
        "pyproject.toml",
        "[tool.incidentkit.site]\ntitle = '<img src=x onerror=window.__xss=99>'\n",
    )
    return root
