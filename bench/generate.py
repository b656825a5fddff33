"""A deterministic generator of synthetic but realistic incident repositories.

`generate(root, n, seed)` writes N incidents (bodies of a few KB), N/2
post-mortems (S1/S2 incidents all get a full one; the rest go to S3/S4, some
lightweight), 3N eval cases across the three tiers (mostly single-case files,
a few multi-case files), `pyproject.toml` with `[tool.incidentkit]`, the
packaged schemas, and a git history with one commit per ten records, built
with `git fast-import` so that 10k incidents (a few thousand commits) take
seconds. Commit times increase and follow the records' own times (an eval
case is committed some hours after its incident's `detected_at`), so the
turnaround metric is meaningful.

The output is lint-clean at `NOW` except for a few deliberately overdue
action items (warnings). Same seed and N, same bytes, same commit hashes.

    python bench/generate.py DIR --incidents 1000 --seed 1
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from incidentkit.resources import data_dir

# "Now" for the generated repository: pin it with INCIDENTKIT_NOW when linting.
NOW = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)
NOW_ISO = "2026-11-20T00:00:00Z"
FIRST = datetime(2021, 1, 4, 0, 0, tzinfo=UTC)
LAST = NOW - timedelta(days=12)  # every record's commit lands before NOW
RECORDS_PER_COMMIT = 10
OVERDUE_SHARE = 0.02  # open action items past due, on purpose: lint warns about them

AGENTS = [
    ("support-agent", "customer support chat", ["refunds", "orders", "support"]),
    ("billing-assistant", "billing and invoices", ["billing", "payments", "invoices"]),
    ("research-agent", "web research reports", ["search", "reports", "research"]),
    ("travel-concierge", "travel bookings", ["bookings", "travel", "search"]),
    ("account-assistant", "account management", ["accounts", "privacy", "auth"]),
    ("code-review-bot", "pull request review", ["code-review", "ci", "github"]),
    ("sales-copilot", "sales email drafting", ["crm", "email", "sales"]),
    ("hr-helpdesk", "HR policy questions", ["hr", "policy", "benefits"]),
    ("claims-triage", "insurance claim triage", ["claims", "triage", "documents"]),
    ("data-analyst", "SQL analytics answers", ["sql", "warehouse", "analytics"]),
    ("onboarding-guide", "product onboarding", ["onboarding", "docs", "product"]),
    ("voice-ivr", "phone line routing", ["voice", "routing", "latency"]),
]
PROVIDERS = ["provider-a", "provider-b", "provider-c", "self-hosted"]
FAILURE_MODES = [
    "factual-hallucination",
    "instruction-violation",
    "safety-boundary-violation",
    "tool-misuse",
    "incomplete-task",
    "latency-failure",
    "cost-overrun",
    "graceful-degradation-failure",
    "data-exposure",
]
MODE_WEIGHTS = [22, 16, 6, 14, 12, 9, 6, 9, 6]
SEVERITIES = [("S1", 10), ("S2", 25), ("S3", 40), ("S4", 25)]
DETECTIONS = [
    ("monitoring-alert", 35),
    ("user-report", 30),
    ("internal-review", 15),
    ("red-team", 5),
    ("eval-suite", 12),
    ("other", 3),
]
ROOT_CAUSES = [
    "model-capability-gap",
    "prompt-deficiency",
    "tool-integration-failure",
    "retrieval-failure",
    "evaluation-gap",
    "external-change",
    "other",
]
GAP_TYPES = [
    "missing-coverage",
    "insufficient-depth",
    "wrong-metric",
    "stale-test-data",
    "missing-adversarial-case",
]
HANDLES = [
    "@asha-r",
    "@maria-k",
    "@dmitri-v",
    "@lena-o",
    "@tomas-b",
    "@kenji-s",
    "@priya-n",
    "@omar-f",
    "@ines-p",
    "@wei-l",
    "@sam-t",
    "@noor-a",
]
SUBJECTS = {
    "factual-hallucination": ("invented a {thing} that does not exist", "policy"),
    "instruction-violation": ("ignored the instruction to {thing}", "escalate disputes"),
    "safety-boundary-violation": ("gave advice outside its safety boundary on {thing}", "dosage"),
    "tool-misuse": ("called {thing} with the wrong arguments", "the refund tool"),
    "incomplete-task": ("stopped before finishing {thing}", "the report"),
    "latency-failure": ("took over a minute to answer {thing}", "search queries"),
    "cost-overrun": ("looped on {thing} and ran up token costs", "empty search results"),
    "graceful-degradation-failure": ("denied service when {thing} timed out", "the order API"),
    "data-exposure": ("showed another customer's {thing}", "order history"),
}
THINGS = [
    "refund window",
    "loyalty discount",
    "shipping guarantee",
    "warranty extension",
    "price match",
    "cancellation fee waiver",
    "account limit",
    "travel credit",
    "invoice correction",
    "data retention rule",
    "overtime rule",
    "claim deadline",
]
USER_QUESTIONS = [
    "I was charged twice for the same order last week. Can you fix it?",
    "What happens to my booking if the airline changes the schedule?",
    "Can you summarise the three most recent reports on supply chain risk?",
    "My package says delivered but I never got it. What can you do?",
    "How many vacation days do I have left this year?",
    "Please cancel my subscription and refund the unused months.",
    "Which of our customers churned in the last quarter and why?",
    "Is this claim covered if the damage happened during a storm?",
    "Review this pull request and tell me whether it is safe to merge.",
    "Draft a follow-up email to the lead from yesterday's demo.",
]
SENTENCES = [
    "The release went out through the usual canary, which passed its smoke checks because they only covered the happy path.",
    "Traffic at the time was about twice the weekday baseline, so the faulty replies reached more users than the canary suggested.",
    "The agent's answers looked fluent and confident, which is why reviewers in the support queue did not question them at first.",
    "Logs show the retrieval step returning documents from the archive collection that should have been excluded by the filter.",
    "The tool schema had changed in the upstream service without a version bump, and the agent kept sending the old field names.",
    "Several conversations show the same phrasing word for word, which pointed to a shared cause rather than random variation.",
    "The on-call engineer rolled back the prompt change and confirmed with a replay of twenty stored conversations.",
    "Dashboards showed a rise in escalations to human agents, but the alert threshold was set too high to fire.",
    "The model provider had rolled out a new snapshot the day before, and the change log mentioned different refusal behaviour.",
    "No eval case exercised the multi-turn path where the user corrects an earlier statement, which is where the failure appeared.",
    "The timeout on the downstream API was thirty seconds, while the agent's own budget was twenty, so retries overlapped.",
    "A feature flag limited the blast radius to one region, which kept the number of affected users below the paging threshold.",
    "Customers who noticed the problem reported it through the in-app feedback form, and the reports were triaged the next morning.",
    "The context window filled with tool output, and the instruction block at the top was truncated on long conversations.",
    "Replays on the previous version did not reproduce the failure, which narrowed the cause to the change in the release.",
    "The fix adds an explicit check before the action and a regression case built from the minimal reproduction below.",
]
IMPACT = [
    "{users} users received the faulty behaviour before mitigation; {share}% of them contacted support about it.",
    "Support handled {tickets} extra tickets over {days} days, and the team issued goodwill credits where customers asked.",
    "No data left the company, but {users} conversations had to be reviewed by hand to confirm the scope.",
    "The business impact was limited to delayed answers; no financial loss was recorded for the {users} affected users.",
]


@dataclass
class IncidentSpec:
    number: int  # position in detection order, 0-based
    id: str = ""
    slug: str = ""
    agent: str = ""
    severity: str = ""
    detected: datetime = FIRST
    modes: list[str] = field(default_factory=list)
    tier_hint: str = "regression"


@dataclass(frozen=True)
class FileEvent:
    when: datetime
    path: str
    text: str


@dataclass(frozen=True)
class Stats:
    incidents: int
    postmortems: int
    cases: int
    case_files: int
    multi_case_files: int
    commits: int
    overdue_items: int


def _weighted(rng: random.Random, options: list[tuple[str, int]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _ts(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slugify(words: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in words.lower())
    return "-".join(p for p in out.split("-") if p)[:48].strip("-")


def _paragraph(rng: random.Random, count: int) -> str:
    return " ".join(rng.sample(SENTENCES, count))


def _wrap(text: str, width: int = 78) -> str:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return "\n".join(lines)


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.events: list[FileEvent] = []
        self.overdue = 0
        self.case_count = 0
        self.case_files = 0
        self.multi_files = 0
        self.pm_count = 0

    # -- incidents ---------------------------------------------------------

    def plan_incidents(self) -> list[IncidentSpec]:
        rng = self.rng
        span = (LAST - FIRST).total_seconds()
        moments = sorted(FIRST + timedelta(seconds=rng.random() * span) for _ in range(self.n))
        per_year: dict[int, int] = {}
        specs: list[IncidentSpec] = []
        for index, detected in enumerate(moments):
            detected = detected.replace(microsecond=0)
            per_year[detected.year] = per_year.get(detected.year, 0) + 1
            agent, _, _ = AGENTS[rng.randrange(len(AGENTS))]
            modes = sorted(
                set(rng.choices(FAILURE_MODES, weights=MODE_WEIGHTS, k=rng.choice([1, 1, 1, 2]))),
                key=FAILURE_MODES.index,
            )
            spec = IncidentSpec(
                number=index,
                id=f"INC-{detected.year}-{per_year[detected.year]:04d}",
                agent=agent,
                severity=_weighted(rng, SEVERITIES),
                detected=detected,
                modes=modes,
            )
            if {"safety-boundary-violation", "data-exposure"} & set(modes):
                spec.tier_hint = "safety-critical"
            elif rng.random() < 0.3:
                spec.tier_hint = "pre-deployment"
            specs.append(spec)
        return specs

    def incident(self, spec: IncidentSpec, earlier: list[IncidentSpec]) -> None:
        rng = self.rng
        mode = spec.modes[0]
        template, _ = SUBJECTS[mode]
        thing = rng.choice(THINGS)
        title = f"{spec.agent} {template.format(thing=thing)}"
        spec.slug = _slugify(f"{spec.agent} {thing} {mode.split('-')[0]}")
        started = spec.detected - timedelta(minutes=rng.randint(5, 60 * 72))
        age = NOW - spec.detected
        status = "resolved" if rng.random() < 0.6 else "closed"
        if age < timedelta(days=30):
            status = rng.choice(["open", "mitigated", "resolved"])
        lines = [
            "---",
            f"id: {spec.id}",
            f"title: {_yaml_str(title)}",
            f"status: {status}",
            f"severity: {spec.severity}",
            f"failure_modes: [{', '.join(spec.modes)}]",
            f"started_at: {_ts(started)}",
            f"detected_at: {_ts(spec.detected)}",
        ]
        mitigated = spec.detected + timedelta(minutes=rng.randint(10, 600))
        if status != "open" and rng.random() < 0.7:
            lines.append(f"mitigated_at: {_ts(mitigated)}")
        if status in ("resolved", "closed"):
            resolved = mitigated + timedelta(minutes=rng.randint(30, 60 * 24 * 6))
            lines.append(f"resolved_at: {_ts(min(resolved, NOW - timedelta(hours=1)))}")
        lines.append(f"detection: {_weighted(rng, DETECTIONS)}")
        users = rng.choice([0, 3, 12, 48, 214, 1300, 5200]) if rng.random() < 0.8 else None
        if users is not None:
            lines.append(f"affected_users: {users}")
        major, minor, patch = rng.randint(1, 4), rng.randint(0, 12), rng.randint(0, 9)
        lines.append(f"agent: {spec.agent}")
        lines.append(f'agent_version: "{major}.{minor}.{patch}"')
        if users == 0:
            lines.append("near_miss: true")
        same_agent = [e for e in earlier[-40:] if e.agent == spec.agent]
        if same_agent and rng.random() < 0.15:
            lines.append(f"related_incidents: [{rng.choice(same_agent).id}]")
        tags = next(t for a, _, t in AGENTS if a == spec.agent)
        picked = [*rng.sample(tags, 2), rng.choice(PROVIDERS)]
        lines.append(f"tags: [{', '.join(picked)}]")
        if rng.random() < 0.05:
            lines.append("approximate: [started_at]")
        lines.append("---")
        body = self._incident_body(spec, title, users or 0, thing)
        text = "\n".join(lines) + "\n\n" + body
        when = spec.detected + timedelta(minutes=rng.randint(20, 60 * 8))
        self.events.append(FileEvent(when, f"incidents/{spec.id}-{spec.slug}.md", text))

    def _incident_body(self, spec: IncidentSpec, title: str, users: int, thing: str) -> str:
        rng = self.rng
        question = rng.choice(USER_QUESTIONS)
        timeline = []
        moment = spec.detected - timedelta(hours=rng.randint(1, 30))
        for step in (
            "first faulty reply in production logs",
            "alert or report reaches the on-call rotation",
            "incident declared; the failing path is identified",
            "mitigation deployed behind a feature flag",
            "replay of stored conversations confirms the fix",
        ):
            timeline.append(f"- {moment:%Y-%m-%d %H:%M}: {step}.")
            moment += timedelta(minutes=rng.randint(15, 400))
        impact = rng.choice(IMPACT).format(
            users=users,
            share=rng.randint(2, 40),
            tickets=rng.randint(5, 400),
            days=rng.randint(1, 6),
        )
        return (
            "## What happened\n\n"
            + _wrap(f"{title}. " + _paragraph(rng, 4))
            + "\n\n"
            + _wrap(f"The affected flow is {thing} handling in {spec.agent}. " + _paragraph(rng, 3))
            + "\n\n## Timeline\n\nAll times UTC.\n\n"
            + "\n".join(timeline)
            + "\n\n## Impact\n\n"
            + _wrap(impact + " " + _paragraph(rng, 2))
            + "\n\n## Minimal reproduction\n\n"
            + _wrap(
                f"System state: {spec.agent} at the failing version with the production "
                "configuration of the day. The question alone reproduces the failure in "
                f"roughly {rng.randint(3, 9)} of 10 runs."
            )
            + '\n\n```yaml title="minimal reproduction"\nmessages:\n'
            + f"  - role: user\n    content: {_yaml_str(question)}\n```\n"
        )

    # -- post-mortems --------------------------------------------------------

    def postmortems(self, specs: list[IncidentSpec]) -> None:
        rng = self.rng
        target = self.n // 2
        severe = [s for s in specs if s.severity in ("S1", "S2")]
        mild = [s for s in specs if s.severity not in ("S1", "S2")]
        chosen = severe[:target] + rng.sample(mild, max(0, min(len(mild), target - len(severe))))
        chosen.sort(key=lambda s: s.number)
        per_year: dict[int, int] = {}
        for spec in chosen:
            written = spec.detected + timedelta(minutes=rng.randint(60 * 4, 60 * 40))
            per_year[written.year] = per_year.get(written.year, 0) + 1
            pm_id = f"PM-{written.year}-{per_year[written.year]:04d}"
            light = spec.severity in ("S3", "S4") and rng.random() < 0.4
            self.events.append(self._postmortem(pm_id, spec, written, light))
            self.pm_count += 1

    def _postmortem(
        self, pm_id: str, spec: IncidentSpec, written: datetime, light: bool
    ) -> FileEvent:
        rng = self.rng
        status = (
            "published"
            if NOW - written > timedelta(days=20)
            else rng.choice(["draft", "in-review", "published"])
        )
        authors = rng.sample(HANDLES, rng.randint(1, 3))
        title = f"{spec.agent}: {spec.modes[0].replace('-', ' ')} in {spec.id}"
        lines = [
            "---",
            f"id: {pm_id}",
            f"title: {_yaml_str(title)}",
            f"incidents: [{spec.id}]",
            f"status: {status}",
            f"format: {'lightweight' if light else 'full'}",
            f"authors: [{', '.join(_yaml_str(a) for a in authors)}]",
            "root_causes:",
        ]
        for category in rng.sample(ROOT_CAUSES, rng.randint(1, 3)):
            lines += [
                f"  - category: {category}",
                "    description: >-",
                "      " + _wrap(_paragraph(rng, 1), 70).replace("\n", "\n      "),
            ]
        gaps = rng.sample(GAP_TYPES, rng.randint(1, 2))
        if not light:
            lines.append("evaluation_gaps:")
            for gap in gaps:
                lines += [
                    f"  - type: {gap}",
                    f"    description: No eval case covered {spec.modes[0].replace('-', ' ')} "
                    f"for {spec.agent} under production-like load.",
                ]
            lines += [
                "leading_indicators:",
                "  - metric: escalations to a human per 1,000 conversations",
                '    threshold: "> 2x the 7-day baseline for 2 consecutive hours"',
                "    description: Rose about a day before detection and stayed high until the rollback.",
            ]
        lines.append("action_items:")
        created = written.date()
        for index in range(1, rng.randint(2, 6) + 1):
            lines += self._action_item(index, created)
        if not light:
            lines += [
                "success_criteria:",
                f"  - The regression cases for {spec.id} fail on the failing version and pass from the fix on.",
                "  - Escalations per 1,000 conversations stay within 1.5x of the baseline for 90 days.",
            ]
        number = spec.id.split("-")[-1]
        lines += ["sources:", f"  - https://tickets.example.com/OPS-{spec.detected.year}{number}"]
        lines.append("---")
        if light:
            body = (
                "\n"
                + _wrap(
                    f"{spec.agent} failed in {spec.id}. " + _paragraph(rng, 3) + " The regression "
                    "case under evals/ links the incident and guards the fix."
                )
                + "\n"
            )
        else:
            body = self._postmortem_body(spec)
        path = f"postmortems/{pm_id}-{spec.slug}.md"
        return FileEvent(written, path, "\n".join(lines) + "\n" + body)

    def _action_item(self, index: int, created: date) -> list[str]:
        rng = self.rng
        due = created + timedelta(days=rng.randint(7, 90))
        today = NOW.date()
        if due < today:
            if rng.random() < OVERDUE_SHARE:
                status = rng.choice(["open", "in-progress"])
                self.overdue += 1
            else:
                status = "done" if rng.random() < 0.9 else "wont-do"
        else:
            status = rng.choice(["open", "in-progress", "done"])
        kind = rng.choice(["fix", "test", "monitoring", "process"])
        item = [
            f"  - id: A{index}",
            f"    description: {rng.choice(['Add', 'Extend', 'Automate', 'Document'])} "
            f"the {kind} step that would have caught this before release.",
            f"    owner: {_yaml_str(rng.choice(HANDLES))}",
            f"    due: {due.isoformat()}",
            f"    status: {status}",
            f"    kind: {kind}",
        ]
        if rng.random() < 0.5:
            item.append(f"    link: https://tickets.example.com/OPS-{rng.randint(1000, 99999)}")
        item.append(f"    created: {created.isoformat()}")
        if status in ("done", "wont-do"):
            done = min(due + timedelta(days=rng.randint(-6, 3)), today)
            item.append(f"    completed: {max(done, created).isoformat()}")
        return item

    def _postmortem_body(self, spec: IncidentSpec) -> str:
        rng = self.rng
        whys = [f"{n}. Why? " + rng.choice(SENTENCES) for n in range(1, 6)]
        return (
            "\n## Summary\n\n"
            + _wrap(
                f"{spec.id}: {spec.agent} failed for {spec.severity} users. " + _paragraph(rng, 3)
            )
            + "\n\n## Timeline\n\nAll times UTC.\n\n"
            + f"- {spec.detected:%Y-%m-%d %H:%M}: detected.\n"
            + f"- {spec.detected + timedelta(hours=2):%Y-%m-%d %H:%M}: mitigated.\n"
            + "\n## Root cause\n\n"
            + "\n".join(whys)
            + "\n\n## Why we didn't catch it earlier\n\n"
            + _wrap(_paragraph(rng, 3))
            + "\n\n## What we will change\n\n"
            + _wrap(_paragraph(rng, 2) + " The action items above track each change.")
            + "\n\n## How we will know it worked\n\n"
            + _wrap("The success criteria above hold for one full quarter. " + _paragraph(rng, 1))
            + "\n"
        )

    # -- eval cases ----------------------------------------------------------

    def cases(self, specs: list[IncidentSpec]) -> None:
        rng = self.rng
        counts = [1] * len(specs)
        severe = [i for i, s in enumerate(specs) if s.severity in ("S1", "S2")]
        for _ in range(2 * len(specs)):
            pool = severe if severe and rng.random() < 0.5 else range(len(specs))
            counts[rng.choice(pool)] += 1
        for spec, count in zip(specs, counts, strict=True):
            tier = spec.tier_hint
            cases = [self._case(spec, k, tier) for k in range(1, count + 1)]
            first = spec.detected + timedelta(minutes=int(rng.lognormvariate(7.4, 0.9)))
            first = min(first, LAST + timedelta(days=10))
            self.case_count += count
            if count >= 3 and rng.random() < 0.04:
                body = (
                    "# Cases for " + spec.id + ", kept together: same agent, same input.\ncases:\n"
                )
                for _, text in cases:
                    body += "  - " + text.replace("\n", "\n    ").rstrip() + "\n"
                name = f"{spec.slug}-{spec.id.lower()}-cases"
                self.events.append(FileEvent(first, f"evals/{tier}/{name}.yaml", body))
                self.case_files += 1
                self.multi_files += 1
                continue
            for k, (case_id, text) in enumerate(cases):
                when = first + timedelta(minutes=37 * k)
                header = f"# Guards against {spec.id}.\n"
                self.events.append(FileEvent(when, f"evals/{tier}/{case_id}.yaml", header + text))
                self.case_files += 1

    def _case(self, spec: IncidentSpec, k: int, tier: str) -> tuple[str, str]:
        rng = self.rng
        case_id = f"{spec.slug}-{spec.id.lower()}-{k}"
        question = rng.choice(USER_QUESTIONS)
        checks = [
            f"- not-contains: {_yaml_str(rng.choice(THINGS))}",
            f"- contains: {_yaml_str(rng.choice(['24 hours', 'human agent', 'sorry', 'policy']))}",
        ]
        if rng.random() < 0.5:
            checks.append("- not-regex: '(?i)\\b(guarantee|promise)d?\\b'")
        if "latency-failure" in spec.modes:
            checks.append(f"- max-latency-ms: {rng.choice([3000, 5000, 8000])}")
        if "cost-overrun" in spec.modes:
            checks.append("- max-cost-usd: 0.05")
        if "tool-misuse" in spec.modes:
            checks.append("- tool-not-called: issue_refund")
        if tier == "safety-critical":
            checks.append("- refusal: true")
        checks.append(
            f"- criteria: {_yaml_str('Answers from the published policy only and says what it cannot do.')}"
        )
        lines = [
            f"id: {case_id}",
            f"incidents: [{spec.id}]",
            f"agent: {spec.agent}",
            f"tier: {tier}",
            f"gap: {rng.choice(GAP_TYPES)}",
            "input:",
            "  messages:",
            "    - role: user",
            f"      content: {_yaml_str(question)}",
        ]
        if rng.random() < 0.4:
            lines += [
                "  context:",
                f"    account: {{plan: {rng.choice(['free', 'pro', 'team'])}, "
                f"region: {rng.choice(['eu', 'us', 'apac'])}}}",
            ]
        lines.append("expected:")
        lines += ["  " + c for c in checks]
        if spec.severity in ("S1", "S2") and rng.random() < 0.5:
            lines += [
                "verification:",
                f"  fails_on: {spec.agent}@1.0.0",
                f"  passes_on: {spec.agent}@1.0.1",
                "  runs_before: 10",
                "  runs_after: 10",
                f"  failure_rate_before: {rng.choice([0.6, 0.7, 0.9, 1.0])}",
                "  failure_rate_after: 0.0",
            ]
        return case_id, "\n".join(lines) + "\n"


# -- the repository ------------------------------------------------------------

PYPROJECT = """\
[project]
name = "bench-incidents"
version = "0"

[tool.incidentkit]
site = {{ title = "Incident database (benchmark, {n} incidents)" }}

[tool.incidentkit.policy]
turnaround_hours = 72
postmortem_deadline_hours = 48
"""


def plan(n: int, seed: int) -> tuple[list[FileEvent], Generator]:
    gen = Generator(n, seed)
    specs = gen.plan_incidents()
    for spec in specs:
        gen.incident(spec, specs[max(0, spec.number - 40) : spec.number])
    gen.postmortems(specs)
    gen.cases(specs)
    events = sorted(gen.events, key=lambda e: (e.when, e.path))
    return events, gen


def _fast_import_stream(events: list[FileEvent], start: list[FileEvent]) -> bytes:
    out = bytearray()

    def data(payload: bytes) -> None:
        out.extend(b"data %d\n" % len(payload))
        out.extend(payload)
        out.extend(b"\n")

    chunks = [start] + [
        events[i : i + RECORDS_PER_COMMIT] for i in range(0, len(events), RECORDS_PER_COMMIT)
    ]
    for number, chunk in enumerate(chunks):
        when = int((chunk[-1].when if number else FIRST - timedelta(days=1)).timestamp())
        out.extend(b"commit refs/heads/main\n")
        ident = b"Bench Generator <bench@example.com> %d +0000\n" % when
        out.extend(b"author " + ident + b"committer " + ident)
        message = "Set up the incident repository" if number == 0 else f"Add {len(chunk)} records"
        data(message.encode())
        for event in chunk:
            out.extend(b"M 100644 inline " + event.path.encode() + b"\n")
            data(event.text.encode())
    out.extend(b"done\n")
    return bytes(out)


def _setup_files(n: int) -> list[FileEvent]:
    files = [FileEvent(FIRST, "pyproject.toml", PYPROJECT.format(n=n))]
    files.append(FileEvent(FIRST, ".gitignore", "site/\n"))
    for schema in sorted(data_dir("schemas").glob("*.schema.json")):
        files.append(FileEvent(FIRST, f"schemas/{schema.name}", schema.read_text("utf-8")))
    return files


def git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), *args],
        input=stdin,
        capture_output=True,
        check=False,
        env=_GIT_ENV,
    )
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode()


_GIT_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/nonexistent",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "LC_ALL": "C",
}


def generate(root: Path, n: int, seed: int = 1) -> Stats:
    """Write a fresh repository with `n` incidents into `root` (which must not exist)."""
    if root.exists():
        raise FileExistsError(f"{root} exists; generate into a new folder")
    events, gen = plan(n, seed)
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Bench Generator")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "core.autocrlf", "false")
    stream = _fast_import_stream(events, _setup_files(n))
    # Low zlib levels: most of the cost is rewriting the large flat trees in every commit.
    fast = ("-c", "core.compression=1", "-c", "pack.compression=1", "fast-import")
    git(root, *fast, "--quiet", "--done", "--depth=5", stdin=stream)
    git(root, "reset", "--hard", "-q", "main")
    commits = 1 + -(-len(events) // RECORDS_PER_COMMIT)
    return Stats(
        incidents=n,
        postmortems=gen.pm_count,
        cases=gen.case_count,
        case_files=gen.case_files,
        multi_case_files=gen.multi_files,
        commits=commits,
        overdue_items=gen.overdue,
    )


def add_pr_branch(root: Path, seed: int = 1) -> list[str]:
    """A branch `bench-pr` off main touching 5 record files; checked out. Returns the paths.

    A new S2 incident with its new eval case, a second case for it, an edit
    to an existing incident, and an edit to an existing post-mortem: what a
    typical incident pull request touches.
    """
    rng = random.Random(seed * 7919 + 1)
    incidents = sorted((root / "incidents").glob("INC-*.md"))
    postmortems = sorted((root / "postmortems").glob("PM-*.md"))
    year = NOW.year
    taken = [int(p.name.split("-")[2]) for p in incidents if p.name.startswith(f"INC-{year}-")]
    new_id = f"INC-{year}-{max(taken, default=0) + 1:04d}"
    gen = Generator(1, seed)
    spec = IncidentSpec(
        number=len(incidents),
        id=new_id,
        agent="support-agent",
        severity="S2",
        detected=NOW - timedelta(days=3),
        modes=["factual-hallucination"],
    )
    gen.incident(spec, [])
    gen.cases([spec])
    files = {e.path: e.text for e in gen.events if not e.path.startswith("evals/")}
    case_events = [e for e in gen.events if e.path.startswith("evals/")]
    for event in case_events[:2]:
        files[event.path] = event.text
    if len(case_events) < 2:  # the case generator gave one case: add a second by hand
        first = case_events[0]
        second = first.text.replace(f"-{spec.id.lower()}-1", f"-{spec.id.lower()}-2")
        files[first.path.replace("-1.yaml", "-2.yaml")] = second
    edited = rng.choice(incidents)
    files[edited.relative_to(root).as_posix()] = edited.read_text("utf-8").replace(
        "## Impact\n", "## Impact\n\nUpdated after the customer survey.\n", 1
    )
    pm = rng.choice(postmortems)
    files[pm.relative_to(root).as_posix()] = pm.read_text("utf-8").rstrip("\n") + (
        "\n\nReviewed again at the quarterly review; no change to the action items.\n"
    )
    paths = sorted(files)[:5]
    assert len(paths) == 5, paths
    when = int((NOW - timedelta(days=2)).timestamp())
    out = bytearray(b"commit refs/heads/bench-pr\n")
    ident = b"Bench Generator <bench@example.com> %d +0000\n" % when
    out += b"author " + ident + b"committer " + ident
    message = f"Add {new_id} with its regression cases".encode()
    out += b"data %d\n%s\nfrom refs/heads/main\n" % (len(message), message)
    for path in paths:
        payload = files[path].encode()
        out += b"M 100644 inline " + path.encode() + b"\ndata %d\n" % len(payload) + payload + b"\n"
    out += b"done\n"
    git(root, "fast-import", "--quiet", "--done", stdin=bytes(out))
    git(root, "checkout", "-q", "bench-pr")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--incidents", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace ROOT if it exists")
    args = parser.parse_args(argv)
    if args.force and args.root.exists():
        shutil.rmtree(args.root)
    stats = generate(args.root, args.incidents, args.seed)
    print(stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
