"""Python regexes rendered for JavaScript match exactly what Python matches, checked in node."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess

import pytest

from incidentkit.evals.checks import REFUSAL_PATTERNS
from incidentkit.evals.jsregex import Untranslatable, to_javascript

PATTERNS = [
    r"(?i)before travel",
    r"(?i)refund\w*\s.{0,40}\b(any|all|every)\s+(past\s+|previous\s+)?bookings?\b",
    r"(?i)\bretroactive(ly)?\b",
    r"^refund$",
    r"(?m)^b$",
    r"\d+ days",
    r"\AHello\Z",
    r"(?s)a.b",
    r"a.b",
    r"(?i)k",
    r"(?i)s",
    r"(?i)i",
    r"[^a-z]+",
    r"(?x) 24 \s hours  # verbose",
    r"colou?r",
    r"(?<=EUR )\d+",
    r"(?<!not )allowed",
    r"a{2,3}?b",
    r"\W+\B",
    r"(?i)[a-f]{2}",
    r"(?a)\w+",
    r"(?a)(?i)\bk\b",
    r"24 hours",
    r"$",
    r"(?:x|y|)z",
    r"[\s\S]",
    r"(?i)ß",
    r"[\u2019']s\b",
    r"\.\*\+\?\(\)\[\]\{\}\|\^\$\\/`",
    "(?i)" + "|".join(f"(?:{p})" for p in REFUSAL_PATTERNS),
]

TEXTS = [
    "",
    "before Travel",
    "REFUND on ANY booking",
    "Refunds for all past bookings",
    "retroactively",
    "refund\n",
    "refund",
    "a\nb\nc",
    "١٢٣ days",
    "12 days",
    "Hello",
    "Hello\n",
    "a\nb",
    "a\rb",
    "a\u2028b",
    "\u212a",
    "\u017f",
    "\u0130",
    "\u0131",
    "ABC",
    "colour",
    "EUR 90",
    "not allowed",
    "is allowed",
    "aab",
    "aaab",
    "é_x",
    "ÉCOLE",
    "I can\u2019t do that",
    "I\u00a0cannot help",
    "I'm sorry, but no",
    "24 hours",
    "24\u3000hours",
    "Ǆ ǆ ǅ",
    "ß",
    "ẞ",
    "SS",
    "customer\u2019s order",
    "xz",
    "yz",
    "z",
    ".*+?()[]{}|^$\\/`",
    "I'M UNABLE TO HELP",
    "not permitted to",
    "\U0001f600 emoji",
]


def _random_texts(count: int) -> list[str]:
    pool = "abkKsSiI \n\r\t_-'\u2019.\u212a\u017f\u0130\u0131é\u06612EUR\u00a0\u2028ßẞ"
    rng = random.Random(13)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(count)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_translations_match_what_python_matches() -> None:
    texts = TEXTS + _random_texts(300)
    programs = [to_javascript(p).program() for p in PATTERNS]
    script = (
        "const d = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(d.programs.map(p => {"
        "  const f = new Function('output', p); return d.texts.map(t => f(t)); })));"
    )
    done = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"programs": programs, "texts": texts}),
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    mismatches = [
        (pattern, text, got)
        for pattern, row in zip(PATTERNS, json.loads(done.stdout), strict=True)
        for text, got in zip(texts, row, strict=True)
        if got != (re.search(pattern, text) is not None)
    ]
    assert mismatches == []


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        (r"(a)\1", "backreferences"),
        (r"(?P<x>a)(?P=x)", "backreferences"),
        (r"(a)?(?(1)b|c)", "conditional groups"),
        (r"(?>ab)", "atomic groups"),
        (r"a*+", "possessive repeats"),
        (r"a(?i:b)", "flags scoped to a group"),
        (r"(", "not a valid Python regex"),
    ],
)
def test_what_javascript_cannot_mean_the_same_is_refused(pattern: str, says: str) -> None:
    with pytest.raises(Untranslatable, match=re.escape(says)):
        to_javascript(pattern)


def test_plain_patterns_stay_readable() -> None:
    assert to_javascript("24 hours").source == "24 hours"
    assert to_javascript("refund").source == "refund"
    assert to_javascript("(?i)k").source == r"[Kk\u{212A}]"
