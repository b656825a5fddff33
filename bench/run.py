"""`make bench`: incidentkit's speed and memory, as ratios to floors measured in the same run.

Builds (and caches under `.bench/`, by seed and size) generated repositories
of 1k and 10k incidents, then measures every figure as the median of several
whole-process runs, with peak memory, the runs of all figures interleaved so
that the shared machine's noise hits figure and floor alike. Writes
`docs/benchmarks.md` and `docs/benchmarks.json` and prints the table.

Knobs: BENCH_SIZES=1000 (comma-separated sizes; default 1000,10000),
BENCH_RUNS=3 (runs per figure, at least 3 for the report), BENCH_SEED=1,
BENCH_SITE_RUNS=1 (runs of the two site builds at the largest size, minutes
each; 0 skips them and their rows say n/a), BENCH_PROSE_RUNS=5 (rounds of
lint and lint with the prose rules off at each size, back to back, at least
BENCH_RUNS: their share is a small difference of two noisy times).
`--traces-only` measures only the trace-reading figures and folds them into
the last report; `--report-only` re-renders the report from its JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import posixpath
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import trace_read
from floor_lint import front_matter

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / ".bench"
BIN = Path(sys.executable).parent
PYTHON = sys.executable
INCIDENTKIT = str(BIN / "incidentkit")
TIME = Path("/usr/bin/time")
ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INCIDENTKIT_"))},
    "INCIDENTKIT_NOW": generate.NOW_ISO,
    "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
}
ENV.pop("CI", None)

Command = list[str]


@dataclass
class Sample:
    seconds: float
    peak_kb: int
    cpu: float | None = None  # user + system seconds of the process and its children


@dataclass
class Figure:
    name: str
    size: int | None
    commands: list[Command]
    cwd: Path
    samples: list[Sample] = field(default_factory=list)
    available: bool = True
    error: str = ""
    env: dict[str, str] = field(default_factory=dict)  # on top of ENV
    prepare: Callable[[], None] | None = None  # before each run, not timed
    finish: Callable[[], None] | None = None  # after each run, not timed: undoes `prepare`
    prime: bool = False  # one untimed run first (a warm cache)
    max_runs: int | None = None  # fewer runs than the others (the 10k site builds)
    min_runs: int | None = None  # more runs than the others (the prose share's pair)

    @property
    def seconds(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def peak_kb(self) -> int | None:
        return int(statistics.median(s.peak_kb for s in self.samples)) if self.samples else None

    @property
    def cpu(self) -> float | None:
        known = [s.cpu for s in self.samples if s.cpu is not None]
        return statistics.median(known) if known and len(known) == len(self.samples) else None


# -- measuring one run ---------------------------------------------------------


def _run_once(command: Command, cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Wall time, CPU time and peak RSS of one whole process (and its children)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        if TIME.exists():
            wrapped = [str(TIME), "-v", "-o", report.name, *command]
        else:  # the child's rusage, read in a wrapper process after it exits
            wrapped = [
                PYTHON,
                "-c",
                "import resource, subprocess, sys\n"
                "rc = subprocess.call(sys.argv[2:])\n"
                "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
                "open(sys.argv[1], 'w').write('Maximum resident set size (kbytes): %d\\n"
                "User time (seconds): %.2f\\nSystem time (seconds): %.2f\\n'"
                " % (r.ru_maxrss, r.ru_utime, r.ru_stime))\n"
                "sys.exit(rc)",
                report.name,
                *command,
            ]
        start = time.perf_counter()
        result = subprocess.run(
            wrapped,
            cwd=cwd,
            env={**ENV, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seconds = time.perf_counter() - start
        text = Path(report.name).read_text()
    if result.returncode not in (0, 1):  # 1: lint/gate findings, still a full run
        stderr = result.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(
            f"{' '.join(command)} exited {result.returncode}: {' | '.join(stderr[-3:])}"
        )
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    times = [re.search(rf"{kind} time \(seconds\): ([\d.]+)", text) for kind in ("User", "System")]
    cpu = sum(float(t.group(1)) for t in times if t) if all(times) else None
    return Sample(seconds, int(match.group(1)) if match else 0, cpu)


def _measure(figure: Figure) -> None:
    if not figure.available or figure.error:
        return
    if figure.max_runs is not None and len(figure.samples) >= figure.max_runs:
        return
    try:
        if figure.prepare is not None:
            figure.prepare()
        parts = [_run_once(c, figure.cwd, figure.env) for c in figure.commands]
    except RuntimeError as exc:
        figure.error = str(exc)
        return
    finally:
        # The next figure measures the repository as committed: a file left edited
        # would make the gate export the head instead of reading it in place.
        if figure.finish is not None:
            figure.finish()
    figure.samples.append(_together(parts))


def _together(parts: list[Sample]) -> Sample:
    """Runs one after the other as one sample: times add up, the peak is the highest."""
    cpus = [p.cpu for p in parts]
    cpu = None if None in cpus else sum(c for c in cpus if c is not None)
    return Sample(sum(p.seconds for p in parts), max(p.peak_kb for p in parts), cpu)


def _measure_all(figs: list[Figure], runs: int, seed: int) -> None:
    """Every figure `runs` times, interleaved; warm figures primed first."""
    for f in figs:
        if f.prime:
            print(f"bench: priming {f.name} ({f.size or '-'})", flush=True)
            _prime(f)
    rounds = max([runs, *(f.min_runs or 0 for f in figs)])
    for run in range(rounds):
        for f in figs:
            if f.max_runs is not None and run >= f.max_runs:
                continue
            if run >= max(runs, f.min_runs or 0):
                continue
            if f.name.startswith("floor S") and not f.samples:
                site_out = BENCH / f"site-s{seed}-n{f.size}"
                built = [g for g in figs if g.name == "site build" and g.size == f.size]
                if built and built[0].samples and site_out.is_dir():  # this run's build
                    pages = match_pages(site_out, f.cwd)
                    print(f"bench: floor S has {pages} pages, as the incidentkit site", flush=True)
            print(f"bench: run {run + 1}/{rounds}: {f.name} ({f.size or '-'})", flush=True)
            _measure(f)


def _prime(figure: Figure) -> None:
    """One untimed run, so that a warm figure starts from a cache of the repository."""
    if not figure.prime or not figure.available or figure.error:
        return
    try:
        for command in figure.commands:
            _run_once(command, figure.cwd, figure.env)
    except RuntimeError as exc:
        figure.error = str(exc)


# -- the repositories ----------------------------------------------------------


def _generator_hash() -> str:
    """The cache key's version part: the generator and the packaged schemas it copies."""
    digest = hashlib.sha256((Path(__file__).parent / "generate.py").read_bytes())
    for schema in sorted(generate.data_dir("schemas").glob("*.json")):
        digest.update(schema.read_bytes())
    return digest.hexdigest()[:12]


def repository(n: int, seed: int) -> tuple[Path, float | None]:
    """The cached repository for (seed, n), with its `bench-pr` branch checked out."""
    root = BENCH / f"repo-s{seed}-n{n}"
    stamp = root / ".git" / "bench-generator"
    if stamp.is_file() and stamp.read_text() == _generator_hash():
        return root, None
    if root.exists():
        shutil.rmtree(root)
    print(f"bench: generating {n} incidents (seed {seed}) in {root} ...", flush=True)
    start = time.perf_counter()
    generate.generate(root, n, seed)
    took = time.perf_counter() - start
    generate.add_pr_branch(root, seed)
    stamp.write_text(_generator_hash())
    return root, took


def peer_files(repo: Path, n: int, seed: int) -> Path:
    """The repository's front matters as YAML files, one folder per schema (not timed)."""
    out = BENCH / f"peer-s{seed}-n{n}"
    stamp = out / ".stamp"
    if stamp.is_file() and stamp.read_text() == _generator_hash():
        return out
    shutil.rmtree(out, ignore_errors=True)
    for kind, folder in (("i", "incidents"), ("p", "postmortems")):
        (out / kind).mkdir(parents=True)
        for index, file in enumerate(sorted((repo / folder).glob("*.md"))):
            matter = front_matter(file.read_text(encoding="utf-8")) or ""
            (out / kind / f"{index}.yaml").write_text(matter, encoding="utf-8")
    (out / "e").mkdir()
    count = 0
    for file in sorted((repo / "evals").rglob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        if "\ncases:\n" in f"\n{text}":  # one file per case, as the case schema expects
            for case in yaml.safe_load(text)["cases"]:
                (out / "e" / f"{count}.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
                count += 1
        else:
            (out / "e" / f"{count}.yaml").write_text(text, encoding="utf-8")
            count += 1
    stamp.write_text(_generator_hash())
    return out


# Bumped when floor S's pages or configuration change, so a cached floor is rebuilt.
FLOOR_S_VERSION = "2"


def floor_site(repo: Path, n: int, seed: int) -> Path:
    """Floor S: plain Markdown pages, as many as the incidentkit site has, same theme and nav.

    One page per incident and post-mortem (a field table and the body), and
    the navigation the plugin sets (`incidentkit.site.plugin.NAV`), every
    other page left out of it as the plugin leaves them (`not_in_nav`): a
    sidebar listing every record page would make each page's HTML grow with
    the repository and the build quadratic. `match_pages` adds the summary
    pages from a real incidentkit build.
    """
    from incidentkit.site.plugin import NAV

    out = BENCH / f"floor-site-s{seed}-n{n}"
    stamp = out / ".stamp"
    version = f"{_generator_hash()}-floor{FLOOR_S_VERSION}"
    if stamp.is_file() and stamp.read_text() == version:
        return out
    shutil.rmtree(out, ignore_errors=True)
    docs = out / "docs"
    docs.mkdir(parents=True)
    for folder in ("incidents", "postmortems"):
        (docs / folder).mkdir()
        for file in sorted((repo / folder).glob("*.md")):
            text = file.read_text(encoding="utf-8")
            matter = front_matter(text) or ""
            body = text[len(matter) + 8 :]
            data = yaml.safe_load(matter) or {}
            rows = "\n".join(
                f"| {key} | {str(value).replace('|', '/')} |"
                for key, value in data.items()
                if not isinstance(value, list | dict)
            )
            page = f"# {data.get('title', file.stem)}\n\n| field | value |\n|---|---|\n{rows}\n\n{body}"
            (docs / folder / file.name).write_text(page, encoding="utf-8")
    nav_paths = [path for entry in NAV for path in entry.values()]
    for path in nav_paths:  # placeholders until match_pages mirrors a real build
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text("# A summary page\n\nPlain text.\n", encoding="utf-8")
    config = (ROOT / "tooling/incidentkit/site/default_mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\n  - incidentkit:\n      root: \{root\}", "", config)
    config = config.format(
        site_name='"Floor S"', docs_dir='"docs"', site_dir=json.dumps(str(out / "site"))
    )
    config += "nav:\n" + "".join(
        f"  - {json.dumps(title)}: {json.dumps(path)}\n"
        for entry in NAV
        for title, path in entry.items()
    )
    config += "not_in_nav: |\n  *.md\n" + "".join(f"  !/{path}\n" for path in nav_paths)
    (out / "mkdocs.yml").write_text(config, encoding="utf-8")
    stamp.write_text(version)
    return out


# The rules lint switches off for "lint, prose rules off": the prose rules of issue 15.
PROSE_RULES = ("blaming-language", "secrets", "personal-data")


def prose_off_root(repo: Path, n: int, seed: int) -> Path:
    """A root whose pyproject.toml is the repository's with the prose rules off.

    Its `[tool.incidentkit.paths]` point at the repository's folders, so lint
    reads the very same files, and only the configuration differs (no copy of
    the repository, no edit of the one the other figures read).
    """
    out = BENCH / f"prose-off-s{seed}-n{n}"
    out.mkdir(parents=True, exist_ok=True)
    source = (repo / "pyproject.toml").read_text(encoding="utf-8")
    table = tomllib.loads(source).get("tool", {}).get("incidentkit", {})
    if "paths" in table or "rules" in table:
        raise RuntimeError(f"{repo}/pyproject.toml: bench/generate.py set paths or rules")
    folders = ("incidents", "postmortems", "evals", "schemas", "templates")
    paths = "".join(
        f'{folder} = "{os.path.relpath(repo / folder, out)}"\n'
        for folder in folders
        if (repo / folder).is_dir()
    )
    rules = "".join(f'{rule} = "off"\n' for rule in PROSE_RULES)
    config = (
        f"{source.rstrip()}\n\n[tool.incidentkit.paths]\n{paths}\n[tool.incidentkit.rules]\n{rules}"
    )
    (out / "pyproject.toml").write_text(config, encoding="utf-8")
    return out


# -- the figures ---------------------------------------------------------------


def available_commands() -> set[str]:
    result = subprocess.run(
        [INCIDENTKIT, "--help"], capture_output=True, text=True, env=ENV, check=False
    )
    section = result.stdout.split("Commands:", 1)[-1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")}


def page_cached(root: Path) -> Callable[[], None]:
    """A `prepare` that reads every file of `root` (not `.git`) once, untimed.

    "Cold" here means no lint cache, not a disk read: a figure that follows the
    10k site build found the records evicted from the OS page cache and paid
    seconds of system time that the next figure, reading the same files, did
    not (the prose share's pair read 1.20-1.31x in such rounds, 1.06-1.08x in
    the others). Each file-reading figure starts from the page cache.
    """

    def read() -> None:
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in names:
                path = Path(folder, name)
                if path.is_file():
                    path.read_bytes()

    return read


class OneFileEdit:
    """Before each run of a warm figure, one record gets bytes it never had (as a person edits).

    New content every time, so the cache cannot have seen it; `restore` puts
    the original back after each run (and again when the benchmark ends).
    """

    def __init__(self, file: Path) -> None:
        self.file = file
        self.original = file.read_bytes()
        self.count = 0
        EDITED.append(self)

    def __call__(self) -> None:
        self.count += 1
        note = f"\nEdited for the benchmark, change {self.count}.\n"
        self.file.write_bytes(self.original + note.encode())

    def restore(self) -> None:
        self.file.write_bytes(self.original)


EDITED: list[OneFileEdit] = []


def figures_for(n: int, seed: int, commands: set[str], site_runs: int | None) -> list[Figure]:
    repo, _ = repository(n, seed)
    peer = peer_files(repo, n, seed)
    schemas = repo / "schemas"
    check = str(BIN / "check-jsonschema")
    floor_l: Command = [PYTHON, str(ROOT / "bench/floor_lint.py"), str(repo)]
    git_log: Command = ["git", "-C", str(repo), "log", "--name-status", "--", "evals/"]
    cold = {"INCIDENTKIT_NO_CACHE": "1"}
    cache = BENCH / f"cache-s{seed}-n{n}"
    shutil.rmtree(cache, ignore_errors=True)  # warm figures start from this run's own priming
    warm = {"INCIDENTKIT_CACHE_DIR": str(cache)}
    first_cache = BENCH / f"cache-first-s{seed}-n{n}"
    edited = sorted((repo / "incidents").glob("INC-*.md"))[0]
    edit = OneFileEdit(edited)
    hook: Command = [INCIDENTKIT, "lint", "--pre-commit", edited.relative_to(repo).as_posix()]
    lint_on = "lint" in commands

    def settle() -> None:
        """One untimed lint: the edit figures run between two runs of "no change" change a
        file, and the hook keeps no whole-run snapshot, so "no change" must be made so."""
        _run_once([INCIDENTKIT, "lint"], repo, warm)

    cached = page_cached(repo)

    def first_run() -> None:
        cached()
        shutil.rmtree(first_cache, ignore_errors=True)

    prose_runs = int(os.environ.get("BENCH_PROSE_RUNS", "5"))
    figs = [
        Figure(
            "lint",
            n,
            [[INCIDENTKIT, "lint", "--no-cache"]],
            repo,
            available=lint_on,
            env=cold,
            prepare=cached,
            min_runs=prose_runs,
        ),
        Figure(
            "lint, prose rules off",
            n,
            [[INCIDENTKIT, "lint", "--no-cache"]],
            prose_off_root(repo, n, seed),
            available=lint_on,
            env=cold,
            prepare=cached,
            min_runs=prose_runs,
        ),
        Figure(
            "lint, first run (writes the cache)",
            n,
            [[INCIDENTKIT, "lint"]],
            repo,
            available=lint_on,
            env={"INCIDENTKIT_CACHE_DIR": str(first_cache)},
            prepare=first_run,
        ),
        Figure(
            "lint, warm, no change",
            n,
            [[INCIDENTKIT, "lint"]],
            repo,
            available=lint_on,
            env=warm,
            prime=True,
            prepare=settle,
        ),
        Figure(
            "lint, warm, one file changed",
            n,
            [[INCIDENTKIT, "lint"]],
            repo,
            available=lint_on,
            env=warm,
            prime=True,
            prepare=edit,
            finish=edit.restore,
        ),
        Figure(
            "pre-commit hook, one file changed",
            n,
            [hook],
            repo,
            available=lint_on,
            env=warm,
            prime=True,
            prepare=edit,
            finish=edit.restore,
        ),
        Figure("floor L", n, [floor_l], repo, prepare=cached),
        Figure(
            "peer check-jsonschema",
            n,
            [
                [check, "--schemafile", str(schemas / "incident.schema.json"), *_files(peer, "i")],
                [
                    check,
                    "--schemafile",
                    str(schemas / "postmortem.schema.json"),
                    *_files(peer, "p"),
                ],
                [check, "--schemafile", str(schemas / "eval-case.schema.json"), *_files(peer, "e")],
            ],
            peer,
            prepare=page_cached(peer),
        ),
        Figure(
            "coverage",
            n,
            [[INCIDENTKIT, "coverage"]],
            repo,
            available="coverage" in commands,
            env=cold,
            prepare=cached,
        ),
        Figure(
            "coverage, warm",
            n,
            [[INCIDENTKIT, "coverage"]],
            repo,
            available="coverage" in commands,
            env=warm,
            prime=True,
        ),
        Figure("git log", n, [git_log], repo),
        Figure(
            "gate (5 files)",
            n,
            [[INCIDENTKIT, "gate", "--base", "main"]],
            repo,
            available="gate" in commands,
            env=cold,
            prepare=cached,
        ),
        Figure(
            "gate (5 files), warm",
            n,
            [[INCIDENTKIT, "gate", "--base", "main"]],
            repo,
            available="gate" in commands,
            env=warm,
            prime=True,
        ),
    ]
    site = floor_site(repo, n, seed)
    out = BENCH / f"site-s{seed}-n{n}"
    figs += [
        Figure(
            "site build",
            n,
            [[INCIDENTKIT, "build", "--site-dir", str(out)]],
            repo,
            available="build" in commands,
            max_runs=site_runs,
        ),
        Figure(
            "floor S (mkdocs build)",
            n,
            [[str(BIN / "mkdocs"), "build", "-q"]],
            site,
            max_runs=site_runs,
        ),
    ]
    return figs


def match_pages(site_out: Path, floor: Path) -> int:
    """Give floor S the incidentkit site's other pages: same source paths, as many table rows.

    The plugin adds index, dashboard, taxonomy and tag pages whose number and
    size depend on the records (the incident index has a row per incident).
    For each such page of a real build, floor S gets a plain Markdown page at
    the same source path whose table has as many rows as that page's tables,
    each row linking a record page (rewritten on every benchmark run).
    Returns the number of pages floor S has.
    """
    from incidentkit.site.plugin import NAV_PATHS

    docs = floor / "docs"
    manifest = floor / ".mirrored"
    if manifest.is_file():
        for rel in manifest.read_text(encoding="utf-8").splitlines():
            (docs / rel).unlink(missing_ok=True)
    records = sorted(
        p.relative_to(docs).as_posix() for p in docs.glob("incidents/*.md") if p.name != "index.md"
    ) or ["index.md"]
    written: list[str] = []
    for html_file in sorted(site_out.rglob("index.html")):
        folder = html_file.parent.relative_to(site_out).as_posix()
        if folder.count("/") == 1 and folder.split("/")[0] in ("incidents", "postmortems"):
            continue  # a record page: floor S has its own from the record
        if folder == ".":
            source = "index.md"
        elif f"{folder}/index.md" in NAV_PATHS:
            source = f"{folder}/index.md"
        else:
            source = f"{folder}.md"
        count = html_file.read_text(encoding="utf-8").count("<tr")
        here = posixpath.dirname(source) or "."
        lines = [f"# Summary {source}", "", "| record | title | severity | status | date | cases |"]
        lines.append("|---|---|---|---|---|---|")
        for index in range(count):
            record = records[index % len(records)]
            link = posixpath.relpath(record, here)
            name = posixpath.basename(record)[:-3]
            lines.append(f"| [{name}]({link}) | A summary row | S3 | resolved | 2026-01-01 | 3 |")
        (docs / source).parent.mkdir(parents=True, exist_ok=True)
        (docs / source).write_text("\n".join(lines) + "\n", encoding="utf-8")
        if source not in NAV_PATHS:
            written.append(source)
    manifest.write_text("\n".join(written) + "\n", encoding="utf-8")
    return sum(1 for _ in docs.rglob("*.md"))


def _files(peer: Path, kind: str) -> list[str]:
    # Relative names keep the argument list short at 30k files.
    return [f"{kind}/{p.name}" for p in sorted((peer / kind).iterdir(), key=lambda p: int(p.stem))]


def startup_figures(commands: set[str]) -> list[Figure]:
    return [
        Figure("start-up", None, [[INCIDENTKIT, "--version"]], ROOT),
        Figure("start-up --help", None, [[INCIDENTKIT, "--help"]], ROOT),
        Figure("import floor", None, [[PYTHON, "-c", "import click, yaml, jsonschema"]], ROOT),
        Figure("import click", None, [[PYTHON, "-c", "import click"]], ROOT),
    ]


TRACE_MB = 100
TRACE_READ = f"trace read ({TRACE_MB} MB OTLP)"
TRACE_FLOOR = f"floor T: stream its lines ({TRACE_MB} MB)"


def trace_figures() -> list[Figure]:
    """`--from-trace`'s reader on a collector-style OTLP file vs streaming the file's lines."""
    path = BENCH / f"trace-{TRACE_MB}mb.otlp.jsonl"
    count_file = path.with_suffix(".count")
    if not path.is_file() or not count_file.is_file():
        count_file.write_text(str(trace_read.generate(path, TRACE_MB)), encoding="utf-8")
    last = trace_read.trace_id(int(count_file.read_text(encoding="utf-8")))
    script = str(ROOT / "bench/trace_read.py")
    return [
        Figure(TRACE_READ, None, [[PYTHON, script, "read", str(path), last]], ROOT),
        Figure(TRACE_FLOOR, None, [[PYTHON, script, "floor", str(path)]], ROOT),
    ]


def _with_coverage_floor(figs: list[Figure]) -> list[Figure]:
    """Coverage's floor, per run: that run's floor L plus that run's `git log`.

    Floor L already runs in every round, so it is not run a second time.
    """
    by_key = {(f.name, f.size): f for f in figs}
    out: list[Figure] = []
    for f in figs:
        out.append(f)
        if f.name != "git log":
            continue
        floor = by_key[("floor L", f.size)]
        combined = Figure("floor L + git log", f.size, [*floor.commands, *f.commands], f.cwd)
        combined.error = floor.error or f.error
        combined.samples = [
            _together([a, b]) for a, b in zip(floor.samples, f.samples, strict=False)
        ]
        out.append(combined)
    return out


# -- targets and the report ----------------------------------------------------


@dataclass
class Row:
    figure: str
    seconds: float | None
    floor_name: str
    floor_seconds: float | None
    ratio: float | None
    target: str
    met: bool | None
    note: str = ""


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _paired_cpu_ratio(a: Figure, b: Figure) -> float | None:
    """The median of `a`'s CPU time over `b`'s, run by run: the runs of one round are
    back to back, so a machine that slows for a while slows both sides of a pair."""
    pairs = [
        x.cpu / y.cpu
        for x, y in zip(a.samples, b.samples, strict=False)
        if x.cpu is not None and y.cpu
    ]
    return statistics.median(pairs) if pairs else None


def rows(figs: dict[tuple[str, int | None], Figure], sizes: list[int]) -> list[Row]:
    big, small = max(sizes), min(sizes)
    out: list[Row] = []

    def secs(name: str, size: int | None) -> float | None:
        fig = figs.get((name, size))
        return fig.seconds if fig else None

    def why(*names: tuple[str, int | None]) -> str:
        notes = []
        for key in names:
            fig = figs.get(key)
            if fig is None:
                continue
            if not fig.available:
                notes.append(f"`{key[0]}` not available")
            elif fig.error:
                notes.append(f"`{key[0]}` failed: {fig.error}")
        return "; ".join(notes)

    def add(
        label: str,
        a: tuple[str, int | None],
        b: tuple[str, int | None],
        limit: float,
        *,
        inverse: bool = False,
        mem: bool = False,
        cpu: bool = False,
    ) -> None:
        fa, fb = figs.get(a), figs.get(b)
        va = (fa.peak_kb if mem else fa.cpu if cpu else fa.seconds) if fa else None
        vb = (fb.peak_kb if mem else fb.cpu if cpu else fb.seconds) if fb else None
        if cpu:
            ratio = _paired_cpu_ratio(fa, fb) if fa and fb else None
        else:
            ratio = _ratio(vb, va) if inverse else _ratio(va, vb)
        target = f"≥ {limit:g}x faster" if inverse else f"≤ {limit:g}x"
        met = None if ratio is None else (ratio >= limit if inverse else ratio <= limit)
        out.append(Row(label, va, f"{b[0]} ({b[1] or '-'})", vb, ratio, target, met, why(a, b)))

    def under(label: str, key: tuple[str, int | None], limit: float) -> None:
        """An absolute target: what a person waits for."""
        seconds = secs(*key)
        met = None if seconds is None else seconds < limit
        out.append(Row(label, seconds, "-", None, None, f"< {limit:g} s", met, why(key)))

    for size in sorted(sizes):
        tag = f" ({size})"
        lint = ("lint", size)
        add("lint" + tag, lint, ("floor L", size), 1.5)
        add("lint vs peer" + tag, lint, ("peer check-jsonschema", size), 2, inverse=True)
        add("lint peak memory" + tag, lint, ("floor L", size), 3, mem=True)
        # Judged on CPU time, pair by pair: two runs of one program that differ by a few
        # percent of work, where the shared machine's spread is larger than the target.
        add(
            "prose rules' share, CPU time: lint / lint with prose rules off" + tag,
            lint,
            ("lint, prose rules off", size),
            1.1,
            cpu=True,
        )
        add(
            "prose rules' share, wall time: lint / lint with prose rules off" + tag,
            lint,
            ("lint, prose rules off", size),
            1.1,
        )
        out[-1].target += " (info)"
        add("lint, warm, no change" + tag, ("lint, warm, no change", size), lint, 0.05)
        add("lint, warm, one file changed" + tag, ("lint, warm, one file changed", size), lint, 0.1)
        under(
            "pre-commit hook, one file changed, warm" + tag,
            ("pre-commit hook, one file changed", size),
            1,
        )
        add(
            "lint, first run (writes the cache)" + tag,
            ("lint, first run (writes the cache)", size),
            lint,
            1.2,
        )
        add("coverage" + tag, ("coverage", size), ("floor L + git log", size), 1.5)
        add("coverage, warm" + tag, ("coverage, warm", size), ("coverage", size), 1.0)
        add("gate, 5 files" + tag, ("gate (5 files)", size), lint, 1.2)
        add(
            "gate, 5 files, warm" + tag,
            ("gate (5 files), warm", size),
            ("gate (5 files)", size),
            1.0,
        )
        if ("site build", size) in figs:
            add("site build" + tag, ("site build", size), ("floor S (mkdocs build)", size), 1.3)
    add("start-up", ("start-up", None), ("import floor", None), 2)
    # Subcommands import lazily: the help and version paths cost little more than Click.
    add("--version (lazy imports)", ("start-up", None), ("import click", None), 2)
    add("--help (lazy imports)", ("start-up --help", None), ("import click", None), 2)
    if (TRACE_READ, None) in figs:
        add(TRACE_READ + " peak memory", (TRACE_READ, None), (TRACE_FLOOR, None), 2, mem=True)
        add(TRACE_READ + " time", (TRACE_READ, None), (TRACE_FLOOR, None), 10)
    if big != small:
        for name in (
            "lint",
            "coverage",
            "coverage, warm",
            "gate (5 files)",
            "gate (5 files), warm",
            "site build",
        ):
            a, b = secs(name, big), secs(name, small)
            ratio = _ratio(a, b)
            out.append(
                Row(
                    f"growth {name} ({big}/{small})",
                    a,
                    f"{name} ({small})",
                    b,
                    ratio,
                    "≤ 12",
                    None if ratio is None else ratio <= 12,
                    why((name, big), (name, small)),
                )
            )
    for row in out:  # the targets are at the largest size; smaller sizes inform
        if re.search(rf"\({small}\)$", row.figure) and big != small and "(info)" not in row.target:
            row.target += " (info)"
    return out


def _fmt(value: float | None, mem: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value / 1024:.0f} MB" if mem else f"{value:.2f} s"


def table(report_rows: list[Row]) -> str:
    lines = [
        "| figure | time | floor | floor time | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in report_rows:
        mem = "memory" in r.figure
        met = "n/a" if r.met is None else ("yes" if r.met else "**no**")
        if r.met is None and r.note:
            met = "not available" if "not available" in r.note else "failed"
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.2f}x"
        lines.append(
            f"| {r.figure} | {_fmt(r.seconds, mem)} | {r.floor_name} | "
            f"{_fmt(r.floor_seconds, mem)} | {ratio} | {r.target} | {met} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    versions = {}
    for package in (
        "incidentkit",
        "jsonschema",
        "PyYAML",
        "click",
        "mkdocs",
        "mkdocs-material",
        "check-jsonschema",
        "GitPython",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1) if found else ""
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": git,
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
        "memory_tool": "/usr/bin/time -v" if TIME.exists() else "getrusage(RUSAGE_CHILDREN)",
        "packages": versions,
    }


REPRODUCE = """\
```sh
make bench                                  # 1k and 10k, 3 runs each (under 15 min on 2 cores)
BENCH_SIZES=1000 BENCH_RUNS=3 make bench    # a quick run
.venv/bin/python bench/generate.py /tmp/repo -n 1000 --seed 1   # just a repository
```

Repositories are cached under `.bench/` by seed and size (and regenerated
when `bench/generate.py` changes). `INCIDENTKIT_NOW` is pinned to
{now}, so the generated records' overdue action items stay the same.
"""


def write_report(
    report_rows: list[Row],
    figs: list[Figure],
    sizes: list[int],
    runs: int,
    seed: int,
    generation: dict[int, float],
    wall: float,
    measure: float | None = None,
) -> str:
    info = machine()
    md = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py` (`make bench`); do not edit by hand.",
        "",
        f"Generated repositories (seed {seed}) of {', '.join(str(s) for s in sizes)} incidents, "
        "each with N/2 post-mortems, 3N eval cases and one commit per ten records. "
        f"Every figure is the median of {runs} whole-process runs (cold lint and lint with "
        "the prose rules off: more rounds, see `runs` below); runs of all figures "
        "are interleaved. Targets are ratios to floors measured in the same run (the "
        "issue's targets apply at the largest size; rows marked *info* are for reference).",
        "",
        table(report_rows),
        "",
    ]
    notes = [r for r in report_rows if r.note]
    if notes:
        md += ["Notes:", ""] + [f"- {r.figure}: {r.note}" for r in notes] + [""]
    md += [
        "## Figures",
        "",
        "| figure | size | median time | median CPU time | median peak memory | runs |",
        "|---|---|---|---|---|---|",
    ]
    for f in figs:
        md.append(
            f"| {f.name} | {f.size or '-'} | {_fmt(f.seconds)} | {_fmt(f.cpu)} | "
            f"{_fmt(f.peak_kb, True)} | {len(f.samples)} |"
        )
    md += [
        "",
        "## What each figure runs",
        "",
        "- **lint**: `incidentkit lint --no-cache` on the whole repository: a cold run, "
        "every file read and checked (the figure the floors and the warm runs are compared with). "
        "Cold means without incidentkit's cache, not from disk: before each run of a cold figure "
        "(lint, lint with the prose rules off, the first run, floor L, peer, coverage, gate) "
        "the files it reads are read once, untimed, so each starts from the OS page cache.",
        "- **lint, prose rules off**: the same cold lint with `blaming-language`, `secrets` "
        "and `personal-data` off in `[tool.incidentkit.rules]` (a root beside the repository "
        "whose pyproject.toml is the repository's plus the rules and `paths` pointing at the "
        "same folders): lint over it is what the prose rules add (target: at most 10%), "
        "judged on CPU time (user + system, from `/usr/bin/time -v`) as the median of each "
        "round's ratio (the two run back to back): the two runs differ by a few percent of "
        "work, less than the spread of one command on a shared machine; the wall-time ratio "
        "of the medians is shown beside it.",
        "- **lint, first run (writes the cache)**: `incidentkit lint` with an empty cache "
        "folder (emptied before each run, not timed): what the first run after a clone costs.",
        "- **lint, warm, no change**: `incidentkit lint` again over a cache the previous run "
        "wrote (primed once before the timed runs).",
        "- **lint, warm, one file changed**: the same after one incident file got bytes the "
        "cache has never seen (a line appended before each run and removed after it, neither timed).",
        "- **pre-commit hook, one file changed**: `incidentkit lint --pre-commit incidents/<that file>`, "
        "what the pre-commit hook runs on a commit of that one file, warm; the one absolute "
        "target (under 1 s on the machine below), because it is what a person waits for.",
        "- **coverage, warm** and **gate, warm**: the same commands with the cache primed; "
        "the plain figures run with `INCIDENTKIT_NO_CACHE=1`.",
        "- **floor L**: `bench/floor_lint.py`: reads the same files, splits the front matter, "
        "parses it with `yaml.CSafeLoader` (timestamps kept as strings) and validates it with "
        "the same compiled validators (`incidentkit.records.schemas.validators`); no "
        "cross-file rules, no line tracking.",
        "- **peer**: `check-jsonschema` (three invocations, one per schema) over the same front "
        "matters extracted to YAML files, one file per eval case (extraction not timed).",
        "- **coverage**: `incidentkit coverage` (git-history turnaround included) vs floor L "
        "plus one `git log --name-status -- evals/`, both timed in the same run.",
        "- **gate**: `incidentkit gate --base main` on branch `bench-pr` (a new S2 incident, "
        "two new cases, an edited incident and an edited post-mortem) vs the full lint.",
        "- **site build**: `incidentkit build` vs floor S: `mkdocs build` with the same theme, "
        "plugins (search, tags), Markdown extensions and navigation (the plugin's sections; "
        "every other page `not_in_nav`) minus incidentkit, over as many plain pre-written "
        "pages: one per incident and post-mortem (its fields and body), and for every other "
        "page of the incidentkit build one at the same path with a Markdown table of as many "
        "rows; at the largest size each runs `BENCH_SITE_RUNS` times (default 1: minutes a "
        "run; 0 skips them).",
        '- **start-up**: `incidentkit --version` vs `python -c "import click, yaml, jsonschema"`.',
        "- **--version / --help (lazy imports)**: `incidentkit --version` and `incidentkit --help` "
        'vs `python -c "import click"`: the help lists every command without importing one.',
        "- **growth**: time at the largest size over time at the smallest.",
        f"- **trace read**: `bench/trace_read.py read`: `incidentkit.traces.read_trace` (what "
        "`new eval --from-trace` runs) with `--trace-id` naming the last of the ~20k traces "
        f"in a {TRACE_MB} MB collector-style OTLP JSON Lines file (the support-refund "
        "fixture's request repeated with new IDs): two streaming passes. **floor T**: the "
        "same file read line by line, each line parsed with `json.loads`.",
        "",
        "## Machine",
        "",
        f"- cores: {info['cores']} ({info['cpu']}); {info['platform']}",
        f"- Python {info['python']}, libyaml: {info['libyaml']}, {info['git']}",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()),
        f"- peak memory from {info['memory_tool']}",
        f"- whole benchmark: {wall / 60:.1f} min"
        + (f" ({measure / 60:.1f} min of measuring)" if measure is not None else "")
        + (
            "; repository generation: "
            + ", ".join(f"{n}: {s:.0f} s" for n, s in sorted(generation.items()))
            if generation
            else " (repositories from the cache)"
        ),
        "- the machine is shared: absolute times are noisy, ratios less so.",
        "",
        "## How to reproduce",
        "",
        REPRODUCE.format(now=generate.NOW_ISO),
    ]
    analysis = ROOT / "bench" / "ANALYSIS.md"
    if analysis.is_file():
        md += [analysis.read_text(encoding="utf-8").rstrip(), ""]
    text = "\n".join(md)
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs/benchmarks.md").write_text(text, encoding="utf-8")
    raw = {
        "seed": seed,
        "sizes": sizes,
        "runs": runs,
        "now": generate.NOW_ISO,
        "machine": info,
        "generation_seconds": {str(k): v for k, v in generation.items()},
        "wall_seconds": wall,
        "measure_seconds": measure,
        "figures": [
            {
                "name": f.name,
                "size": f.size,
                "available": f.available,
                "error": f.error,
                "median_seconds": f.seconds,
                "median_peak_kb": f.peak_kb,
                "median_cpu_seconds": f.cpu,
                "samples": [asdict(s) for s in f.samples],
                "commands": [" ".join(c[:4]) + (" ..." if len(c) > 4 else "") for c in f.commands],
            }
            for f in figs
        ],
        "targets": [asdict(r) for r in report_rows],
    }
    (ROOT / "docs/benchmarks.json").write_text(json.dumps(raw, indent=2) + "\n", "utf-8")
    return table(report_rows)


def report_only() -> int:
    """Re-render docs/benchmarks.md from docs/benchmarks.json (after editing bench/ANALYSIS.md)."""
    raw = json.loads((ROOT / "docs/benchmarks.json").read_text(encoding="utf-8"))
    figs = []
    for item in raw["figures"]:
        # the commands as recorded, so that re-rendering keeps them
        commands = [[command] for command in item.get("commands", [])]
        fig = Figure(item["name"], item["size"], commands, ROOT, available=item["available"])
        fig.error = item["error"]
        fig.samples = [Sample(**s) for s in item["samples"]]
        figs.append(fig)
    report_rows = rows({(f.name, f.size): f for f in figs}, raw["sizes"])
    generation = {int(k): v for k, v in raw["generation_seconds"].items()}
    print(
        write_report(
            report_rows,
            figs,
            raw["sizes"],
            raw["runs"],
            raw["seed"],
            generation,
            raw["wall_seconds"],
            raw.get("measure_seconds"),
        )
    )
    return 0


def traces_only(runs: int) -> int:
    """Measure only the trace figures and fold them into docs/benchmarks.json and .md."""
    BENCH.mkdir(exist_ok=True)
    figs = trace_figures()
    for run in range(runs):
        for f in figs:
            print(f"bench: run {run + 1}/{runs}: {f.name}", flush=True)
            _measure(f)
    raw = json.loads((ROOT / "docs/benchmarks.json").read_text(encoding="utf-8"))
    names = {f.name for f in figs}
    raw["figures"] = [item for item in raw["figures"] if item["name"] not in names] + [
        {
            "name": f.name,
            "size": f.size,
            "available": f.available,
            "error": f.error,
            "median_seconds": f.seconds,
            "median_peak_kb": f.peak_kb,
            "median_cpu_seconds": f.cpu,
            "samples": [asdict(s) for s in f.samples],
            "commands": [" ".join(c[:4]) + (" ..." if len(c) > 4 else "") for c in f.commands],
        }
        for f in figs
    ]
    (ROOT / "docs/benchmarks.json").write_text(json.dumps(raw, indent=2) + "\n", "utf-8")
    return report_only()


def main() -> int:
    if sys.argv[1:] == ["--report-only"]:
        return report_only()
    if sys.argv[1:] == ["--traces-only"]:
        return traces_only(max(1, int(os.environ.get("BENCH_RUNS", "3"))))
    started = time.perf_counter()
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000").split(",") if s.strip()]
    runs = max(1, int(os.environ.get("BENCH_RUNS", "3")))
    seed = int(os.environ.get("BENCH_SEED", "1"))
    BENCH.mkdir(exist_ok=True)
    commands = available_commands()
    generation: dict[int, float] = {}
    for n in sizes:
        _, took = repository(n, seed)
        if took is not None:
            generation[n] = took
    figs = startup_figures(commands) + trace_figures()
    # A site build at 10k takes minutes: the largest size's site figures run
    # BENCH_SITE_RUNS times (default 1), the others as often as every figure.
    site_runs = int(os.environ.get("BENCH_SITE_RUNS", "1"))
    for n in sorted(sizes):
        figs += figures_for(n, seed, commands, site_runs if n == max(sizes) != min(sizes) else None)
    # Re-check: commands written concurrently may have appeared meanwhile.
    commands = available_commands()
    for f in figs:
        if f.commands[0][:1] == [INCIDENTKIT] and len(f.commands[0]) > 1:
            f.available = f.commands[0][1] in commands or f.commands[0][1] in (
                "--version",
                "--help",
            )
    measure_start = time.perf_counter()
    try:
        _measure_all(figs, runs, seed)
    finally:
        for edit in EDITED:
            edit.restore()
    figs = _with_coverage_floor(figs)
    by_key = {(f.name, f.size): f for f in figs}
    report_rows = rows(by_key, sizes)
    printed = write_report(
        report_rows,
        figs,
        sizes,
        runs,
        seed,
        generation,
        time.perf_counter() - started,
        time.perf_counter() - measure_start,
    )
    print()
    print(printed)
    print(
        f"\nbench: wrote docs/benchmarks.md and docs/benchmarks.json "
        f"in {(time.perf_counter() - started) / 60:.1f} min"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
