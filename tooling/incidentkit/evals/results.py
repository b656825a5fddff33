"""Reading eval results: JUnit XML (pytest, DeepEval, promptfoo...) and promptfoo JSON.

Each results file is one run. Reading is lenient about shape (a `testsuites`
or `testsuite` root, nested suites, `failure`/`error`/`skipped` children,
`<property name=... value=...>` or the value as element text) and strict about
safety: a file with a DOCTYPE or an entity declaration is refused, so neither
an entity expansion bomb nor an external entity can be smuggled in through CI
artifacts (the checks that `defusedxml` makes, without the dependency).

How a result names its case, most precise first (`TestResult.case_id`):

1. a `case` property (JUnit) or `testCase.metadata.case` (promptfoo);
2. the test name equal to a case ID;
3. a pytest parametrised name `test_fn[PARAM]` whose whole `PARAM` equals a
   case ID.

IDs compare exactly, never by prefix: `refund` does not match
`refund-policy`, and an `incident` property `INC-2026-004` does not name
`INC-2026-0042`. A result that names no known case is reported as unmatched.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from incidentkit.errors import UsageError

Status = Literal["passed", "failed", "skipped"]

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PARAMETRISED = re.compile(r"^[^\[\]]+\[(?P<param>.+)\]$")


@dataclass(frozen=True)
class TestResult:
    """One test's outcome in one run."""

    name: str
    status: Status
    case: str | None = None  # the `case` property, when the runner wrote one
    incidents: tuple[str, ...] = ()
    agent_version: str | None = None
    classname: str | None = None

    __test__ = False  # not a pytest test class, despite the name

    def case_id(self, known: Collection[str]) -> str | None:
        """The case this result is about, by the rules in the module docstring."""
        if self.case:
            return self.case
        if self.name in known:
            return self.name
        match = _PARAMETRISED.match(self.name)
        if match and match.group("param") in known:
            return match.group("param")
        return None


@dataclass(frozen=True)
class Run:
    """One results file."""

    path: Path
    results: tuple[TestResult, ...]
    agent_versions: frozenset[str] = field(default_factory=frozenset)

    @property
    def selected(self) -> int:
        return len(self.results)


def read_run(path: Path) -> Run:
    """Read one results file; `UsageError` when it is unreadable or of an unknown kind."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read results: {exc.strerror}") from None
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        results = tuple(_junit(path, raw))
    elif head in (b"{", b"["):
        results = tuple(_promptfoo(path, raw))
    else:
        raise UsageError(f"{path}: not a results file: expected JUnit XML or promptfoo JSON output")
    versions = frozenset(r.agent_version for r in results if r.agent_version)
    return Run(path=path, results=results, agent_versions=versions)


def _junit(path: Path, raw: bytes) -> Iterator[TestResult]:
    if _FORBIDDEN.search(raw):
        raise UsageError(
            f"{path}: refusing XML with a DOCTYPE or ENTITY declaration "
            "(JUnit results never need one; it is how entity-expansion attacks start)"
        )
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line, column = exc.position
        raise UsageError(f"{path}:{line}:{column + 1}: not well-formed XML: {exc}") from None
    if _tag(root) not in ("testsuites", "testsuite", "testcase"):
        raise UsageError(
            f"{path}: XML root <{_tag(root)}> is not JUnit (<testsuites> or <testsuite>)"
        )
    suite_props = _suite_properties(root)
    for element in root.iter():
        if _tag(element) == "testcase":
            yield _testcase(element, suite_props)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _properties(element: ET.Element) -> list[tuple[str, str]]:
    found = []
    for child in element:
        if _tag(child) != "properties":
            continue
        for prop in child:
            if _tag(prop) == "property" and prop.get("name"):
                value = prop.get("value")
                found.append(
                    (prop.get("name", ""), value if value is not None else (prop.text or ""))
                )
    return found


def _suite_properties(root: ET.Element) -> dict[str, str]:
    """Properties of the suites (e.g. a run-wide agent_version), outermost first."""
    props: dict[str, str] = {}
    for element in root.iter():
        if _tag(element) in ("testsuites", "testsuite"):
            for name, value in _properties(element):
                props.setdefault(name, value)
    return props


def _split_ids(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]


def _testcase(element: ET.Element, suite_props: dict[str, str]) -> TestResult:
    props = _properties(element)
    children = {_tag(c) for c in element}
    status: Status = "passed"
    if children & {"failure", "error"}:
        status = "failed"
    elif "skipped" in children:
        status = "skipped"
    cases = [v.strip() for k, v in props if k == "case" and v.strip()]
    incidents = [i for k, v in props if k == "incident" for i in _split_ids(v)]
    versions = [v.strip() for k, v in props if k == "agent_version" and v.strip()]
    version = versions[0] if versions else suite_props.get("agent_version")
    return TestResult(
        name=element.get("name", ""),
        status=status,
        case=cases[0] if cases else None,
        incidents=tuple(dict.fromkeys(incidents)),
        agent_version=version,
        classname=element.get("classname"),
    )


def _promptfoo(path: Path, raw: bytes) -> Iterator[TestResult]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: not valid JSON: {exc}") from None
    entries = _promptfoo_entries(data)
    if entries is None:
        raise UsageError(
            f"{path}: JSON without promptfoo results: expected results.results "
            "(the output of `promptfoo eval -o results.json`)"
        )
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        yield _promptfoo_entry(path, index, entry)


def _promptfoo_entries(data: Any) -> list[Any] | None:
    results = data.get("results") if isinstance(data, dict) else None
    if isinstance(results, dict):  # promptfoo >= 0.30: {"results": {"results": [...]}}
        results = results.get("results")
    return results if isinstance(results, list) else None


def _promptfoo_entry(path: Path, index: int, entry: dict[str, Any]) -> TestResult:
    test_case = entry.get("testCase") if isinstance(entry.get("testCase"), dict) else {}
    assert isinstance(test_case, dict)
    metadata = test_case.get("metadata") if isinstance(test_case.get("metadata"), dict) else {}
    assert isinstance(metadata, dict)
    success = entry.get("success")
    if not isinstance(success, bool):
        grading = entry.get("gradingResult")
        success = grading.get("pass") if isinstance(grading, dict) else None
    if not isinstance(success, bool):
        raise UsageError(
            f"{path}: results.results[{index}] has no boolean 'success'; is this promptfoo output?"
        )
    incident = metadata.get("incident")
    incidents = (
        _split_ids(incident)
        if isinstance(incident, str)
        else [str(i) for i in incident]
        if isinstance(incident, list)
        else []
    )
    case = metadata.get("case")
    version = metadata.get("agent_version")
    name = test_case.get("description") or entry.get("description") or f"result {index + 1}"
    return TestResult(
        name=str(name),
        status="passed" if success else "failed",
        case=str(case) if isinstance(case, str) and case else None,
        incidents=tuple(dict.fromkeys(incidents)),
        agent_version=str(version) if version else None,
    )
