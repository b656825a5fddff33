"""Finding the eval cases under `evals/` and what incidents they guard against.

YAML cases come from documents already read by the repository loader (one case
per file, or several under `cases:`). Python tests are found by reading the
source's AST for `@pytest.mark.incident(...)` and `@pytest.mark.tier(...)`
decorators; user code is never imported.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from incidentkit.findings import Finding, Level
from incidentkit.records.document import Document
from incidentkit.records.model import EvalCase


def yaml_cases(doc: Document) -> list[EvalCase]:
    """The cases of one YAML eval file (nothing when it did not parse)."""
    if not doc.readable:
        return []
    data = doc.data
    cases = data.get("cases")
    if isinstance(cases, list):
        return [
            EvalCase.from_yaml(doc, c, ("cases", i))
            for i, c in enumerate(cases)
            if isinstance(c, dict)
        ]
    return [EvalCase.from_yaml(doc, data, ())]


def python_cases(root: Path, file: Path) -> list[EvalCase]:
    """Marked test functions of one Python file; a file that does not parse has none."""
    return scan_python(root, file)[0]


def scan_python(root: Path, file: Path) -> tuple[list[EvalCase], Finding | None]:
    """Marked tests of one Python file, or the reason its markers cannot be read."""
    rel = file.relative_to(root).as_posix()
    try:
        source = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], _python_problem(
            rel, 1, 1, f"byte {exc.start} is not valid UTF-8", "save the file as UTF-8"
        )
    except OSError as exc:
        return [], _python_problem(rel, 1, 1, f"cannot read file: {exc.strerror}", "check the file")
    try:
        tree = ast.parse(source, filename=str(file))
    except SyntaxError as exc:
        return [], _python_problem(
            rel,
            exc.lineno or 1,
            exc.offset or 1,
            f"Python syntax error: {exc.msg}",
            "fix the syntax: until then its @pytest.mark.incident markers are not seen as coverage",
        )
    except ValueError as exc:  # e.g. a NUL byte in the source
        return [], _python_problem(rel, 1, 1, f"not Python source: {exc}", "fix or remove the file")
    except (RecursionError, MemoryError):
        # Python's parser gives up on expressions nested thousands deep (`x = ---...1`)
        # with these rather than a SyntaxError; pytest could not import the file either.
        return [], _python_problem(
            rel,
            1,
            1,
            "Python syntax error: nested too deeply for Python's parser",
            "simplify the deeply nested expression: until then its markers are not seen as coverage",
        )
    return list(_marked_tests(tree, rel)), None


def _python_problem(rel: str, line: int, column: int, message: str, hint: str) -> Finding:
    return Finding(rel, max(line, 1), max(column, 1), "python-syntax", Level.ERROR, message, hint)


def _marked_tests(tree: ast.Module, rel: str) -> Iterator[EvalCase]:
    module_marks = _pytestmark(tree.body)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            yield from _case(node, rel, node.name, module_marks)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_marks = module_marks + _marks(node.decorator_list) + _pytestmark(node.body)
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith("test"):
                    yield from _case(item, rel, f"{node.name}::{item.name}", class_marks)


@dataclass(frozen=True)
class _Mark:
    name: str
    value: str


def _case(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, rel: str, name: str, inherited: list[_Mark]
) -> Iterator[EvalCase]:
    marks = inherited + _marks(fn.decorator_list)
    incidents = tuple(dict.fromkeys(m.value for m in marks if m.name == "incident"))
    if not incidents:
        return
    tiers = [m.value for m in marks if m.name == "tier"]
    line = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
    yield EvalCase(
        id=f"{rel}::{name}",
        incidents=incidents,
        tier=tiers[-1] if tiers else None,
        gap=None,
        agent=None,
        path=rel,
        line=line,
        source="python",
    )


def _pytestmark(body: list[ast.stmt]) -> list[_Mark]:
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
        ):
            value = stmt.value
            items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return _marks(items)
    return []


def _marks(decorators: Iterable[ast.expr]) -> list[_Mark]:
    found: list[_Mark] = []
    for dec in decorators:
        if not isinstance(dec, ast.Call):
            continue
        name = _mark_name(dec.func)
        if name not in ("incident", "tier"):
            continue
        keyword = "id" if name == "incident" else "name"
        values = [a for a in dec.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        values += [
            k.value
            for k in dec.keywords
            if k.arg == keyword
            and isinstance(k.value, ast.Constant)
            and isinstance(k.value.value, str)
        ]
        found.extend(_Mark(name, str(v.value)) for v in values if isinstance(v, ast.Constant))
    return found


def _mark_name(func: ast.expr) -> str | None:
    # pytest.mark.incident / mark.incident, however `mark` was imported
    if isinstance(func, ast.Attribute):
        owner = func.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
            isinstance(owner, ast.Name) and owner.id == "mark"
        ):
            return func.attr
    return None


def link_graph(cases: Iterable[EvalCase]) -> dict[str, list[EvalCase]]:
    """Incident ID -> the cases that name it, in discovery order. IDs match exactly."""
    graph: dict[str, list[EvalCase]] = defaultdict(list)
    for case in cases:
        for incident_id in case.incidents:
            graph[incident_id].append(case)
    return dict(graph)
