"""Reading eval results: JUnit XML (pytest, DeepEval, promptfoo...), promptfoo JSON, Inspect logs.

Each results file is one run (or, for promptfoo `--repeat` and Inspect
epochs, several: every entry is one attempt). Reading is lenient about shape
(a `testsuites` or `testsuite` root, nested suites, `<property name=...
value=...>` or the value as element text) and strict about safety: a file
with a DOCTYPE or an entity declaration is refused, so neither an entity
expansion bomb nor an external entity can be smuggled in through CI artifacts
(the checks that `defusedxml` makes, without the dependency).

Every result is one of (`Status`):

- `passed` / `failed`: the checks judged the reply (`<failure>`, promptfoo
  `failureReason: 1`);
- `inconclusive`: nothing was judged: the agent raised or timed out, its
  configuration is broken, the runner reported an error (JUnit `<error>`,
  promptfoo `failureReason: 2`), with the reason when the file gives one;
- `skipped`: not a run (a case awaiting a judge, a deselected test).

Repeated attempts are runs. pytest-rerunfailures and flaky write each rerun
as one more `<testcase>` with the same class and name and no outcome of its
own, before the final attempt: such an empty earlier duplicate was rerun
because it failed, so it reads as a failure (or as inconclusive when its
`inconclusive` property, written by the incidentkit plugin, says so). Maven
Surefire's `<rerunFailure>`/`<flakyFailure>` (and `...Error`) children are
extra failed (inconclusive) attempts. pytest-repeat's `test[2-3]` names a
repetition of `test` (`TestResult.case_id`).

How a result names its case, most precise first (`TestResult.case_id`):

1. a `case` property (JUnit) or `testCase.metadata.case` (promptfoo), the
   `case` metadata of an Inspect sample;
2. the test name equal to a case ID, after promptfoo's `test N: ` prefix;
3. a pytest parametrised name `test_fn[PARAM]` whose whole `PARAM` equals a
   case ID, after pytest-repeat's `-I-N` suffix.

IDs compare exactly, never by prefix: `refund` does not match
`refund-policy`, and an `incident` property `INC-2026-004` does not name
`INC-2026-0042`. A result that names no known case is reported as unmatched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from incidentkit.errors import UsageError

Status = Literal["passed", "failed", "inconclusive", "skipped"]

_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_PARAMETRISED = re.compile(r"^[^\[\]]+\[(?P<param>.+)\]$")
_REPEAT = re.compile(r"^(?:(?P<param>.+)-)?(?P<i>\d+)-(?P<n>\d+)$")  # pytest-repeat's `[I-N]`
_PROMPTFOO_NAME = re.compile(r"^test \d+: (?P<description>.*)$", re.DOTALL)
_PROMPTFOO_SUITE = re.compile(r"^\[(?P<provider>.+)\] prompt \d+$")
_PYTEST_SETUP = re.compile(r'^failed on (?:setup|teardown) with "(?:Failed: )?(?P<message>.*?)"?$')
_LABEL_VERSION = re.compile(r"^[^@\s]+@(?P<version>[^@\s]+)$")
_ATTEMPTS = {
    "rerunFailure": "failed",
    "flakyFailure": "failed",
    "rerunError": "inconclusive",
    "flakyError": "inconclusive",
}
# The property the incidentkit pytest plugin writes on an agent/config error.
INCONCLUSIVE_PROPERTY = "inconclusive"


@dataclass(frozen=True)
class TestResult:
    """One attempt of one test in one results file."""

    name: str
    status: Status
    case: str | None = None  # the `case` property, when the runner wrote one
    incidents: tuple[str, ...] = ()
    agent_version: str | None = None
    classname: str | None = None
    reason: str | None = None  # why it is inconclusive (or failed), when the file says
    provider: str | None = None  # promptfoo's provider label (or id)
    provider_id: str | None = None

    __test__ = False  # not a pytest test class, despite the name

    def case_id(self, known: Collection[str]) -> str | None:
        """The case this result is about, by the rules in the module docstring."""
        if self.case:
            return self.case
        for name in _names(self.name):
            if name in known:
                return name
            match = _PARAMETRISED.match(name)
            if not match:
                continue
            param = match.group("param")
            if param in known:
                return param
            repeat = _REPEAT.match(param)
            if not repeat or not _is_repetition(repeat):
                continue
            # `test_x[CASE-2-3]`, or `CASE[2-3]` (a YAML case repeated by the plugin)
            base = repeat.group("param") or name[: name.index("[")]
            if base in known:
                return base
        return None

    def provided_by(self, provider: str) -> bool:
        return provider in (self.provider, self.provider_id)


def _names(name: str) -> list[str]:
    promptfoo = _PROMPTFOO_NAME.match(name)
    return [name, promptfoo.group("description")] if promptfoo else [name]


def _is_repetition(match: re.Match[str]) -> bool:
    i, n = int(match.group("i")), int(match.group("n"))
    return 1 <= i <= n


@dataclass(frozen=True)
class Run:
    """One results file."""

    path: Path
    results: tuple[TestResult, ...]
    agent_versions: frozenset[str] = field(default_factory=frozenset)

    @property
    def selected(self) -> int:
        return len(self.results)

    @property
    def providers(self) -> tuple[str, ...]:
        """The providers the results name (promptfoo), in order of appearance."""
        named = (r.provider or r.provider_id for r in self.results)
        return tuple(dict.fromkeys(p for p in named if p))

    def only(self, provider: str) -> Run:
        """The results of one provider, matched by label or id."""
        kept = tuple(r for r in self.results if r.provided_by(provider))
        return make_run(self.path, kept)


def make_run(path: Path, results: tuple[TestResult, ...]) -> Run:
    versions = frozenset(r.agent_version for r in results if r.agent_version)
    return Run(path=path, results=results, agent_versions=versions)


def read_run(path: Path) -> Run:
    """Read one results file; `UsageError` when it is unreadable or of an unknown kind."""
    from incidentkit.evals import inspect_logs, promptfoo_results

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read results: {exc.strerror}") from None
    if raw[:4] == b"PK\x03\x04":
        results = tuple(inspect_logs.read_eval_zip(path, raw))
        return make_run(path, results)
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        results = tuple(_junit(path, raw))
    elif head in (b"{", b"["):
        data = promptfoo_results.load_json(path, raw)
        if inspect_logs.is_inspect_log(data):
            results = tuple(inspect_logs.read_json_log(path, data))
        else:
            results = tuple(promptfoo_results.read(path, data))
    else:
        raise UsageError(
            f"{path}: not a results file: expected JUnit XML, promptfoo JSON output "
            "or an Inspect AI log (.eval or .json)"
        )
    return make_run(path, results)


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
    if _tag(root) == "promptfoo":
        raise UsageError(
            f"{path}: this is promptfoo's XML export, not JUnit: write `-o results.json` "
            "or `-o results.junit.xml` instead"
        )
    if _tag(root) not in ("testsuites", "testsuite", "testcase"):
        raise UsageError(
            f"{path}: XML root <{_tag(root)}> is not JUnit (<testsuites> or <testsuite>)"
        )
    suite_props = _suite_properties(root)
    elements = [e for e in root.iter() if _tag(e) == "testcase"]
    last = {_identity(e): i for i, e in enumerate(elements)}
    for index, element in enumerate(elements):
        result = _testcase(element, suite_props)
        if last[_identity(element)] != index and result.status == "passed":
            # An earlier empty duplicate is a rerun attempt: it was rerun because it failed.
            result = replace(result, status="failed", reason="rerun after this attempt failed")
        yield from _attempts(element, result)
        yield result


def _identity(element: ET.Element) -> tuple[str, str]:
    return element.get("classname", ""), element.get("name", "")


def _attempts(element: ET.Element, result: TestResult) -> Iterator[TestResult]:
    """Surefire-style `<rerunFailure>`/`<flakyFailure>` children: earlier attempts."""
    for child in element:
        status = _ATTEMPTS.get(_tag(child))
        if status is not None:
            yield replace(result, status=status, reason=_message(child))  # type: ignore[arg-type]


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _message(element: ET.Element) -> str | None:
    text = element.get("message") or (element.text or "").strip()
    if not text:
        return None
    line = text.splitlines()[0]
    wrapped = _PYTEST_SETUP.match(line)  # pytest's `failed on setup with "Failed: ..."`
    return (wrapped.group("message") if wrapped else line)[:300]


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


def version_from_label(label: str) -> str | None:
    """`1.4.1` from a provider label `support-agent@1.4.1`; None for any other label."""
    match = _LABEL_VERSION.match(label.strip())
    return match.group("version") if match else None


def split_ids(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]


def _status(element: ET.Element, props: list[tuple[str, str]]) -> tuple[Status, str | None]:
    children = {_tag(c): c for c in element}
    marked = [v for k, v in props if k == INCONCLUSIVE_PROPERTY and v.strip()]
    if "error" in children:
        return "inconclusive", _message(children["error"]) or (marked[0] if marked else None)
    if marked:
        return "inconclusive", marked[0]
    if "failure" in children:
        return "failed", _message(children["failure"])
    if "skipped" in children:
        return "skipped", _message(children["skipped"])
    return "passed", None


def _testcase(element: ET.Element, suite_props: dict[str, str]) -> TestResult:
    props = _properties(element)
    status, reason = _status(element, props)
    cases = [v.strip() for k, v in props if k == "case" and v.strip()]
    incidents = [i for k, v in props if k == "incident" for i in split_ids(v)]
    versions = [v.strip() for k, v in props if k == "agent_version" and v.strip()]
    classname = element.get("classname")
    provider = _PROMPTFOO_SUITE.match(classname or "")
    label = provider.group("provider") if provider else None
    version = versions[0] if versions else suite_props.get("agent_version")
    if version is None and label:
        version = version_from_label(label)
    return TestResult(
        name=element.get("name", ""),
        status=status,
        case=cases[0] if cases else None,
        incidents=tuple(dict.fromkeys(incidents)),
        agent_version=version,
        classname=classname,
        reason=reason,
        provider=label,
    )
