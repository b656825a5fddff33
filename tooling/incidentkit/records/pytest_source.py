"""Marked Python tests under `evals/`, and whether pytest would really run them.

Tests are found by reading the source's AST for `@pytest.mark.incident(...)`
and `@pytest.mark.tier(...)` marks (on the function, its class, or
`pytestmark`); user code is never imported. Each case also records what
pytest would do with it, as far as the source says:

- not collected: the file, class or function name does not match the
  repository's `python_files` / `python_classes` / `python_functions`, the
  file sits in a folder pytest does not recurse into, `__test__ = False`, a
  class with `__init__`, a function redefined later in the file;
- never run: `@pytest.mark.skip`, `skipif`/`xfail` with no condition or a
  constant true one (as a decorator or in `pytestmark`), a module-level
  `pytest.skip(..., allow_module_level=True)`, a test whose body is empty,
  cannot fail (no assert that can be false, no call, no raise, once branches
  like `if False:` are dropped) or starts by skipping itself, a test deleted
  by a module-level `del`, an `async def` test no async plugin is told to run
  (no `asyncio`/`anyio`/`trio` mark, no `asyncio_mode = auto` or
  `trio_mode = true`): pytest itself skips those;
- conditional (it counts, and coverage says so): `skipif`/`xfail` with a
  condition, a module-level `pytest.importorskip` (whether the module imports
  only a run can tell) or a skip under an `if`, an `async def` test a plugin
  is told to run (only a run knows the plugin is installed).

Marks are recognised under every name pytest's `mark` is bound to:
`pytest.mark.X`, `import pytest as pt; pt.mark.X`, `from pytest import mark
as m; m.X`, `m = pytest.mark; m.X`, and names bound to a mark (`s = m.skip`).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from incidentkit.findings import Finding, Level
from incidentkit.records.document import UnreadableFile, read_regular
from incidentkit.records.model import EvalCase
from incidentkit.records.pytest_config import Collection

_ALIAS_DEPTH = 5
_ASYNC_PLUGINS = {"asyncio": "pytest-asyncio", "anyio": "anyio", "trio": "pytest-trio"}
_ASYNC_MARKS = tuple(_ASYNC_PLUGINS)
_PYTEST_MODULES = ("pytest", "_pytest.outcomes", "_pytest.mark")
_MAX_SOURCE_BYTES = 10 * 1024 * 1024  # a test module is never this big


@dataclass(frozen=True)
class _Mark:
    name: str
    args: tuple[ast.expr, ...] = ()
    keywords: tuple[ast.keyword, ...] = ()

    def text_value(self, keyword: str) -> list[str]:
        values = [a for a in self.args if isinstance(a, ast.Constant)]
        values += [
            k.value for k in self.keywords if k.arg == keyword and isinstance(k.value, ast.Constant)
        ]
        return [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)]


@dataclass
class _Runs:
    """What stops a test from running, or makes its running conditional."""

    never: str | None = None
    conditions: list[str] = field(default_factory=list)

    def add(self, other: _Runs) -> _Runs:
        return _Runs(self.never or other.never, [*self.conditions, *other.conditions])


_HOOKS = (
    "pytest_collection_modifyitems",
    "pytest_ignore_collect",
    "pytest_collect_file",
    "pytest_pycollect_makeitem",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_generate_tests",
)


@dataclass(frozen=True)
class Imposed:
    """What a conftest.py does to the tests below it."""

    never: str | None = None
    conditions: tuple[str, ...] = ()


def conftest_effects(root: Path, files: list[Path]) -> dict[Path, Imposed]:
    """For each test module, what the conftest.py files above it impose.

    `collect_ignore` / `collect_ignore_glob` lists written as literals make
    pytest skip the files they name; hooks that can skip or deselect tests
    make every test below them conditional.
    """
    conftests = {f.parent: _conftest(f) for f in files if f.name == "conftest.py"}
    effects: dict[Path, Imposed] = {}
    for file in files:
        never: str | None = None
        conditions: list[str] = []
        for folder, (ignored, globs, hooks) in conftests.items():
            if folder not in file.parents:
                continue
            where = (folder / "conftest.py").relative_to(root).as_posix()
            rel = file.relative_to(folder).as_posix()
            if rel in ignored or any(fnmatch.fnmatchcase(rel, g) for g in globs):
                never = never or f"{where} leaves it out of collection (collect_ignore)"
            conditions += [f"{where} defines {h}, which may skip or deselect it" for h in hooks]
        if never or conditions:
            effects[file] = Imposed(never, tuple(conditions))
    return effects


def _conftest(file: Path) -> tuple[set[str], list[str], list[str]]:
    try:
        tree = ast.parse(python_text(read_regular(file, _MAX_SOURCE_BYTES)))
    except (OSError, UnreadableFile, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
        return set(), [], []  # pytest fails on it as loudly; python-syntax reports it
    ignored: set[str] = set()
    globs: list[str] = []
    hooks: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef) and stmt.name in _HOOKS:
            hooks.append(stmt.name)
        elif isinstance(stmt, ast.Assign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            try:
                value = ast.literal_eval(stmt.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            items = (
                [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []
            )
            if "collect_ignore" in names:
                ignored.update(PurePosixPath(v).as_posix() for v in items)
            if "collect_ignore_glob" in names:
                globs += items
    return ignored, globs, hooks


def python_text(raw: bytes) -> str:
    """Source text as Python reads it: in the encoding a PEP 263 coding line or a
    BOM names, else UTF-8. `UnicodeDecodeError` for bytes that encoding refuses,
    `SyntaxError` for an encoding Python does not know."""
    return importlib.util.decode_source(raw)


def scan_python(
    root: Path,
    file: Path,
    collection: Collection | None = None,
    evals_dir: str = "evals",
    imposed: Imposed | None = None,
) -> tuple[list[EvalCase], Finding | None]:
    """Marked tests of one Python file, or the reason its markers cannot be read."""
    rel = file.relative_to(root).as_posix()
    try:
        source = python_text(read_regular(file, _MAX_SOURCE_BYTES))
    except UnreadableFile as exc:
        message = "file is over 10 MB" if exc.size is not None else exc.message
        return [], _problem(rel, 1, 1, message, exc.hint or "split the file")
    except UnicodeDecodeError as exc:
        return [], _problem(
            rel,
            1,
            1,
            f"byte {exc.start} is not valid {exc.encoding.upper()}",
            "save the file as UTF-8 (or in the encoding its `# -*- coding: ... -*-` line names)",
        )
    except SyntaxError as exc:  # bytes no coding line declares, or an encoding Python lacks
        return [], _problem(
            rel,
            1,
            1,
            f"Python cannot read the file: {exc.msg}",
            "save the file as UTF-8, or name its encoding in a `# -*- coding: ... -*-` first line",
        )
    except OSError as exc:
        return [], _problem(rel, 1, 1, f"cannot read file: {exc.strerror}", "check the file")
    try:
        tree = ast.parse(source, filename=str(file))
    except SyntaxError as exc:
        return [], _problem(
            rel,
            exc.lineno or 1,
            exc.offset or 1,
            f"Python syntax error: {exc.msg}",
            "fix the syntax: until then its @pytest.mark.incident markers are not seen as coverage",
        )
    except ValueError as exc:  # e.g. a NUL byte in the source
        return [], _problem(
            rel,
            1,
            1,
            # MemoryError and RecursionError from the parser say nothing useful themselves
            f"not Python source pytest can read: {exc}"
            if isinstance(exc, ValueError)
            else "not Python source pytest can read: nested too deeply for Python's parser",
            "fix or remove the file",
        )
    except (RecursionError, MemoryError):
        # Python's parser gives up on expressions nested thousands deep (`x = ---...1`)
        # with these rather than a SyntaxError; pytest could not import the file either.
        return [], _problem(
            rel,
            1,
            1,
            "Python syntax error: nested too deeply for Python's parser",
            "simplify the deeply nested expression: until then its markers are not seen as coverage",
        )
    scanner = _Scanner(tree, rel, collection or Collection(), evals_dir, imposed or Imposed())
    try:
        return list(scanner.cases()), None
    except RecursionError:
        return [], _problem(rel, 1, 1, "the source nests too deeply to read", "flatten the code")


def python_cases(root: Path, file: Path) -> list[EvalCase]:
    """Marked test functions of one Python file; a file that does not parse has none."""
    return scan_python(root, file)[0]


def _problem(rel: str, line: int, column: int, message: str, hint: str) -> Finding:
    return Finding(rel, max(line, 1), max(column, 1), "python-syntax", Level.ERROR, message, hint)


class _Scanner:
    def __init__(
        self, tree: ast.Module, rel: str, collection: Collection, evals_dir: str, imposed: Imposed
    ) -> None:
        self.imposed = imposed
        self.tree = tree
        self.rel = rel
        self.collection = collection
        self.evals_dir = evals_dir
        self.aliases = _aliases(tree.body)

    def cases(self) -> Iterator[EvalCase]:
        module = self._module_runs().add(_Runs(self.imposed.never, list(self.imposed.conditions)))
        module_marks = self._pytestmark(self.tree.body)
        module = module.add(_mark_runs(module_marks))
        last = _last_bindings(self.tree.body)
        for node in self.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                runs = module.add(self._binding_runs(node, last, "function"))
                runs = runs.add(_Runs(self._name_rule("function", node.name)))
                yield from self._case(node, node.name, module_marks, runs)
            elif isinstance(node, ast.ClassDef):
                yield from self._class(node, module_marks, module, last)

    def _class(
        self, node: ast.ClassDef, inherited: list[_Mark], module: _Runs, last: dict[str, int]
    ) -> Iterator[EvalCase]:
        marks = inherited + self._marks(node.decorator_list) + self._pytestmark(node.body)
        runs = module.add(_mark_runs(marks[len(inherited) :])).add(
            self._binding_runs(node, last, "class")
        )
        runs = runs.add(_unittest_runs(node.decorator_list))
        runs = runs.add(_Runs(self._name_rule("class", node.name)))
        if any(isinstance(s, ast.FunctionDef) and s.name == "__init__" for s in node.body):
            runs = runs.add(
                _Runs(f"class {node.name} has an __init__, so pytest does not collect it")
            )
        if _test_false(node.body):
            runs = runs.add(_Runs(f"class {node.name} sets __test__ = False"))
        inner_last = _last_bindings(node.body)
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                item_runs = runs.add(self._binding_runs(item, inner_last, "method"))
                item_runs = item_runs.add(_Runs(self._name_rule("function", item.name)))
                yield from self._case(item, f"{node.name}::{item.name}", marks, item_runs)

    def _case(
        self,
        fn: ast.FunctionDef | ast.AsyncFunctionDef,
        name: str,
        inherited: list[_Mark],
        runs: _Runs,
    ) -> Iterator[EvalCase]:
        own = self._marks(fn.decorator_list)
        marks = inherited + own
        incidents = tuple(
            dict.fromkeys(v for m in marks if m.name == "incident" for v in m.text_value("id"))
        )
        if not incidents:
            return
        tiers = [v for m in marks if m.name == "tier" for v in m.text_value("name")]
        runs = runs.add(_mark_runs(own)).add(_body_runs(fn, self.aliases))
        runs = runs.add(_unittest_runs(fn.decorator_list))
        if isinstance(fn, ast.AsyncFunctionDef):
            runs = runs.add(self._async_runs(marks))
        line = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
        yield EvalCase(
            id=f"{self.rel}::{name}",
            incidents=incidents,
            tier=tiers[-1] if tiers else None,
            gap=None,
            agent=None,
            path=self.rel,
            line=line,
            source="python",
            not_run=runs.never,
            conditional="; ".join(dict.fromkeys(runs.conditions)) or None,
        )

    def _async_runs(self, marks: list[_Mark]) -> _Runs:
        """pytest itself skips an `async def` test ("async def functions are not natively
        supported"): it runs only when a plugin is told to run it, by a mark
        (`asyncio`, `anyio`, `trio`) or by the config (`asyncio_mode = auto`,
        `trio_mode = true`). Whether the plugin is installed only a run knows."""
        plugin = next((m.name for m in marks if m.name in _ASYNC_MARKS), None)
        if plugin is None:
            plugin = self.collection.async_plugin()
        if plugin is None:
            return _Runs(
                "an async def test with no async plugin set to run it: pytest skips it "
                "(mark it @pytest.mark.asyncio or @pytest.mark.anyio, or set asyncio_mode = auto)"
            )
        plugin = _ASYNC_PLUGINS.get(plugin, plugin)
        return _Runs(None, [f"async: runs only where {plugin} is installed"])

    # -- the file ------------------------------------------------------------

    def _module_runs(self) -> _Runs:
        runs = _Runs()
        below = PurePosixPath(self.rel).parent
        evals = PurePosixPath(self.evals_dir)
        parts = below.relative_to(evals).parts if below.is_relative_to(evals) else below.parts
        folder = self.collection.skipped_folder(parts)
        if folder is not None:
            runs.never = f"pytest does not look in folder '{folder}' (norecursedirs)"
        elif (config := self.collection.rejecting(lambda c: c.collects_file(self.rel))) is not None:
            runs.never = (
                f"pytest does not collect {PurePosixPath(self.rel).name}: the name matches no "
                f"python_files pattern ({' '.join(config.python_files)}; {config.source})"
            )
        if _test_false(self.tree.body):
            runs.never = runs.never or "the module sets __test__ = False"
        for stmt in self.tree.body:
            call = _call_of(stmt, self.aliases)
            if call == "skip":
                runs.never = (
                    runs.never or f"the module is skipped by pytest.skip() on line {stmt.lineno}"
                )
            elif call == "importorskip":
                runs.conditions.append(_importorskip(stmt))
            elif not isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for inner in ast.walk(stmt):
                    if (
                        isinstance(inner, ast.stmt)
                        and inner is not stmt
                        and _call_of(inner, self.aliases) in ("skip", "importorskip")
                    ):
                        runs.conditions.append(f"the module may skip itself (line {inner.lineno})")
        return runs

    def _name_rule(self, kind: str, name: str) -> str | None:
        """Why pytest does not collect the function or class `name`, or None when it does."""
        if kind == "class":
            config = self.collection.rejecting(lambda c: c.collects_class(name))
        else:
            config = self.collection.rejecting(lambda c: c.collects_function(name))
        if config is None:
            return None
        option = config.python_classes if kind == "class" else config.python_functions
        where = (
            "" if config.after is not None or config is self.collection else f"; {config.source}"
        )
        return (
            f"pytest does not collect {kind} {name}: the name matches no "
            f"python_{kind}{'es' if kind == 'class' else 's'} pattern ({' '.join(option)}{where})"
        )

    def _binding_runs(self, node: ast.stmt, last: dict[str, int], what: str) -> _Runs:
        name = getattr(node, "name", "")
        later = last.get(name)
        if later is not None and later < 0:
            return _Runs(
                f"the {what} {name} is deleted (`del`) on line {-later}; pytest does not see it"
            )
        if later is not None and later != node.lineno:
            return _Runs(
                f"the {what} {name} is defined again on line {later}; pytest only sees the last one"
            )
        return _Runs()

    # -- marks ---------------------------------------------------------------

    def _pytestmark(self, body: list[ast.stmt]) -> list[_Mark]:
        found: list[_Mark] = []
        for stmt in body:
            value: ast.expr | None = None
            if (
                isinstance(stmt, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets)
            ) or (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == "pytestmark"
            ):
                value = stmt.value
            if value is not None:
                items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                found = self._marks(items)  # the last assignment is the one pytest sees
        return found

    def _marks(self, exprs: Iterable[ast.expr]) -> list[_Mark]:
        found: list[_Mark] = []
        for expr in exprs:
            mark = self._mark(expr, 0)
            if mark is not None:
                found.append(mark)
        return found

    def _mark(self, expr: ast.expr, depth: int) -> _Mark | None:
        if depth > _ALIAS_DEPTH:
            return None
        if isinstance(expr, ast.Name) and expr.id in self.aliases.marks:
            return self._mark(self.aliases.marks[expr.id], depth + 1)
        if isinstance(expr, ast.Call):
            base = self._mark(expr.func, depth + 1)
            if base is None:
                return None
            return _Mark(base.name, (*base.args, *expr.args), (*base.keywords, *expr.keywords))
        name = _mark_name(expr, self.aliases.mark_names)
        return _Mark(name) if name else None


@dataclass
class _Aliases:
    marks: dict[str, ast.expr] = field(default_factory=dict)  # module-level names bound to marks
    functions: dict[str, str] = field(default_factory=dict)  # local name -> pytest.skip/xfail/...
    modules: set[str] = field(default_factory=lambda: {"pytest"})
    mark_names: set[str] = field(default_factory=lambda: {"mark"})  # names bound to pytest.mark


def _aliases(body: list[ast.stmt]) -> _Aliases:
    found = _Aliases()
    for stmt in body:
        if isinstance(stmt, ast.Import):
            found.modules.update(a.asname or a.name for a in stmt.names if a.name == "pytest")
        elif isinstance(stmt, ast.ImportFrom) and stmt.module in _PYTEST_MODULES:
            for a in stmt.names:
                if a.name in ("skip", "xfail", "importorskip", "fail"):
                    found.functions[a.asname or a.name] = a.name
                elif a.name in ("mark", "MARK_GEN"):  # `from pytest import mark as m`
                    found.mark_names.add(a.asname or a.name)
        elif (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            value = stmt.value
            func = value.func if isinstance(value, ast.Call) else value
            if _is_mark_namespace(value, found):  # `m = pytest.mark`, `m = mark`
                found.mark_names.add(stmt.targets[0].id)
            elif _mark_name(func, found.mark_names) is not None:
                found.marks[stmt.targets[0].id] = value
    return found


def _is_mark_namespace(expr: ast.expr, aliases: _Aliases) -> bool:
    """`pytest.mark` (under any name pytest was imported as) or a name bound to it."""
    if isinstance(expr, ast.Name):
        return expr.id in aliases.mark_names
    return (
        isinstance(expr, ast.Attribute)
        and expr.attr == "mark"
        and isinstance(expr.value, ast.Name)
        and expr.value.id in aliases.modules
    )


def _mark_name(func: ast.expr, mark_names: set[str]) -> str | None:
    # pytest.mark.X / anything.mark.X / m.X where `m` is bound to pytest.mark
    if isinstance(func, ast.Attribute):
        owner = func.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
            isinstance(owner, ast.Name) and owner.id in mark_names
        ):
            return func.attr
    return None


def _importorskip(stmt: ast.stmt) -> str:
    """The condition a module-level `pytest.importorskip(...)` puts on every test."""
    call = stmt.value if isinstance(stmt, ast.Expr | ast.Assign) else None
    args = call.args if isinstance(call, ast.Call) else []
    name = args[0].value if args and isinstance(args[0], ast.Constant) else None
    if isinstance(name, str):
        return (
            f"pytest.importorskip({name!r}) on line {stmt.lineno}: the whole module runs only "
            f"where {name} imports, which only a run can tell"
        )
    return f"pytest.importorskip on line {stmt.lineno}: the module runs only where it imports"


def _mark_runs(marks: list[_Mark]) -> _Runs:
    runs = _Runs()
    for mark in marks:
        if mark.name == "skip":
            runs.never = runs.never or "skipped by @pytest.mark.skip"
        elif mark.name == "parametrize" and _empty_parameters(mark):
            runs.never = runs.never or "@pytest.mark.parametrize with no values: pytest skips it"
        elif mark.name in ("skipif", "xfail"):
            conditions = [k.value for k in mark.keywords if k.arg == "condition"] or list(mark.args)
            what = "skipped" if mark.name == "skipif" else "expected to fail (xfail)"
            if not conditions:
                runs.never = runs.never or f"{what}: @pytest.mark.{mark.name} without a condition"
                continue
            for condition in conditions:
                value = _constant(condition)
                if value is True:
                    runs.never = (
                        runs.never or f"{what}: @pytest.mark.{mark.name}({ast.unparse(condition)})"
                    )
                elif value is None:
                    runs.conditions.append(f"@pytest.mark.{mark.name}({ast.unparse(condition)})")
    return runs


def _unittest_runs(decorators: list[ast.expr]) -> _Runs:
    """`@unittest.skip`, `skipIf`, `skipUnless` and `expectedFailure`, which pytest honours."""
    runs = _Runs()
    for dec in decorators:
        func = dec.func if isinstance(dec, ast.Call) else dec
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if owner is not None and not (isinstance(owner, ast.Name) and owner.id == "unittest"):
            continue
        args = dec.args if isinstance(dec, ast.Call) else []
        if name == "skip" and owner is not None:
            runs.never = runs.never or "skipped by @unittest.skip"
        elif name == "expectedFailure":
            runs.never = runs.never or "expected to fail (@unittest.expectedFailure)"
        elif name in ("skipIf", "skipUnless") and args:
            value = _constant(args[0])
            skipped = value if name == "skipIf" else (None if value is None else not value)
            if skipped is True:
                runs.never = runs.never or f"skipped: @unittest.{name}({ast.unparse(args[0])})"
            elif skipped is None:
                runs.conditions.append(f"@unittest.{name}({ast.unparse(args[0])})")
    return runs


def _empty_parameters(mark: _Mark) -> bool:
    values = [k.value for k in mark.keywords if k.arg == "argvalues"] or list(mark.args[1:2])
    return bool(values) and isinstance(values[0], ast.List | ast.Tuple) and not values[0].elts


def _constant(expr: ast.expr, depth: int = 0) -> bool | None:
    """A condition's truth when the source fixes it (`True`, `1 == 1`, `"not False"`);
    None when it depends on something only a run knows."""
    if depth > _ALIAS_DEPTH:
        return None
    if isinstance(expr, ast.Constant):
        if isinstance(expr.value, str):  # pytest evaluates a string condition as Python
            try:
                parsed = ast.parse(expr.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, MemoryError, RecursionError):
                return None
            return _constant(parsed, depth + 1)
        return bool(expr.value)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner = _constant(expr.operand, depth + 1)
        return None if inner is None else not inner
    if isinstance(expr, ast.BoolOp):
        values = [_constant(v, depth + 1) for v in expr.values]
        if isinstance(expr.op, ast.And):
            return False if False in values else (None if None in values else True)
        return True if True in values else (None if None in values else False)
    if isinstance(expr, ast.Compare | ast.BinOp | ast.Tuple | ast.List):
        try:  # only literals reach eval: literal_eval refuses names and calls
            return (
                bool(ast.literal_eval(expr))
                if not isinstance(expr, ast.Compare)
                else _compare(expr)
            )
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
    return None


def _compare(expr: ast.Compare) -> bool | None:
    ops = {
        ast.Eq: operator.eq,
        ast.NotEq: operator.ne,
        ast.Lt: operator.lt,
        ast.LtE: operator.le,
        ast.Gt: operator.gt,
        ast.GtE: operator.ge,
        ast.Is: operator.is_,
        ast.IsNot: operator.is_not,
    }
    left = ast.literal_eval(expr.left)
    for op, right_node in zip(expr.ops, expr.comparators, strict=True):
        fn = ops.get(type(op))
        if fn is None:
            return None
        right = ast.literal_eval(right_node)
        if not fn(left, right):
            return False
        left = right
    return True


def _call_of(stmt: ast.stmt, aliases: _Aliases) -> str | None:
    """'skip', 'xfail', 'importorskip' or 'fail' when `stmt` is a call to that pytest function."""
    value = stmt.value if isinstance(stmt, ast.Expr | ast.Assign) else None
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    if isinstance(func, ast.Name):
        return aliases.functions.get(func.id)
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in aliases.modules
    ):
        return func.attr if func.attr in ("skip", "xfail", "importorskip", "fail") else None
    return None


def _body_runs(fn: ast.FunctionDef | ast.AsyncFunctionDef, aliases: _Aliases) -> _Runs:
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    if all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in body
    ):
        return _Runs("the test body is empty: it checks nothing")
    if not any(_may_fail(s) for s in body):
        return _Runs(
            "the test body cannot fail: it has no assert that can be false, no call and no raise"
        )
    runs = _Runs()
    for stmt in body:
        call = _call_of(stmt, aliases)
        if call in ("skip", "xfail"):
            return _Runs(
                f"the test calls pytest.{call}() on line {stmt.lineno} before it checks anything"
            )
        if isinstance(stmt, ast.Return | ast.Raise):
            if stmt is body[0]:
                what = "returns" if isinstance(stmt, ast.Return) else "raises"
                return _Runs(f"the test {what} on line {stmt.lineno} before it checks anything")
            break
        for inner in ast.walk(stmt):
            if (
                isinstance(inner, ast.stmt)
                and inner is not stmt
                and _call_of(inner, aliases) in ("skip", "xfail", "importorskip")
            ):
                runs.conditions.append(f"the test may skip itself (line {inner.lineno})")
                break
    return runs


def _may_fail(node: ast.AST) -> bool:
    """Whether running `node` could make a test fail: an assert that is not always true, a
    call, an await or a raise, outside branches the source rules out (`if False:`)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
        return False  # defining it runs nothing; calling it is a call
    if isinstance(node, ast.Raise | ast.Call | ast.Await):
        return True
    if isinstance(node, ast.Assert):
        test = node.test
        always = _constant(test) is True or (
            isinstance(test, ast.Tuple | ast.List | ast.Set | ast.Dict) and _nonempty(test)
        )
        return _may_fail(test) if always else True
    if isinstance(node, ast.If | ast.While | ast.IfExp):
        value = _constant(node.test)
        if value is not None:
            taken = node.body if value else node.orelse
            branch = taken if isinstance(taken, list) else [taken]
            return any(_may_fail(n) for n in branch)
    return any(_may_fail(child) for child in ast.iter_child_nodes(node))


def _nonempty(expr: ast.Tuple | ast.List | ast.Set | ast.Dict) -> bool:
    return bool(expr.keys if isinstance(expr, ast.Dict) else expr.elts)


def _last_bindings(body: list[ast.stmt]) -> dict[str, int]:
    """Name -> line of the last statement in `body` that binds it (def, class, assignment);
    minus the line when the last such statement deletes it (`del name`)."""
    last: dict[str, int] = {}
    for stmt in body:
        if isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    last[target.id] = -stmt.lineno
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            last[stmt.name] = stmt.lineno
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    last[target.id] = stmt.lineno
        elif isinstance(stmt, ast.AnnAssign | ast.AugAssign) and isinstance(stmt.target, ast.Name):
            last[stmt.target.id] = stmt.lineno
    return last


def _test_false(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__test__" for t in stmt.targets)
            and _constant(stmt.value) is False
        ):
            return True
    return False
