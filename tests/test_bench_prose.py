"""The benchmark's "lint, prose rules off" root: the same files, only the prose rules off.

`make bench` divides cold lint by lint from this root to measure what the
prose rules (blaming-language, secrets, personal-data) cost; that is only
a fair ratio if both read and check exactly the same records.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, RunCli

sys.path.insert(0, str(REPO_ROOT / "bench"))

import generate
import run

SECRET = "ghp_" + "Xq7Lr2Vb9Kd4Nw1Tz8Mc3Hf6Js0Gp5Ye2Ua7"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "repo"
    generate.generate(root, 10, seed=3)
    incident = sorted((root / "incidents").glob("INC-*.md"))[0]
    incident.write_text(
        incident.read_text(encoding="utf-8") + f"\nThe trace held {SECRET}.\n", encoding="utf-8"
    )
    postmortem = sorted((root / "postmortems").glob("PM-*.md"))[0]
    postmortem.write_text(
        postmortem.read_text(encoding="utf-8")
        + "\nThe on-call engineer forgot to drain the node. Mail jane.doe@gmail.com.\n",
        encoding="utf-8",
    )
    return root


def _lint(run_cli: RunCli, root: Path) -> list[tuple[str, str, int, str]]:
    result = run_cli("-C", root, "lint", "--no-cache", "--format", "json", expect=None)
    findings = json.loads(result.stdout)["findings"]
    return sorted((Path(f["path"]).name, f["rule"], f["line"], f["message"]) for f in findings)


def test_the_prose_off_root_lints_the_same_files_without_the_prose_rules(
    generated: Path,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INCIDENTKIT_NOW", generate.NOW_ISO)
    monkeypatch.setattr(run, "BENCH", tmp_path)
    off = run.prose_off_root(generated, 10, 3)
    assert off.parent == tmp_path and not off.is_relative_to(generated)

    with_prose = _lint(run_cli, generated)
    without = _lint(run_cli, off)

    prose = [f for f in with_prose if f[1] in run.PROSE_RULES]
    assert {f[1] for f in prose} == set(run.PROSE_RULES)  # the planted text is found...
    assert without == [f for f in with_prose if f[1] not in run.PROSE_RULES]  # ...and only it goes
    # the repository the other figures read is untouched
    assert "rules" not in (generated / "pyproject.toml").read_text(encoding="utf-8")


def test_a_repository_that_sets_its_own_paths_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[tool.incidentkit.rules]\nsecrets = "warning"\n', encoding="utf-8"
    )
    monkeypatch.setattr(run, "BENCH", tmp_path / "bench")
    with pytest.raises(RuntimeError, match="paths or rules"):
        run.prose_off_root(repo, 1, 1)


def test_a_run_reports_its_cpu_time_beside_its_wall_time(tmp_path: Path) -> None:
    busy = [sys.executable, "-c", "sum(i * i for i in range(3_000_000))"]
    idle = [sys.executable, "-c", "import time; time.sleep(0.5)"]
    busy_sample, idle_sample = run._run_once(busy, tmp_path), run._run_once(idle, tmp_path)
    assert busy_sample.cpu is not None and idle_sample.cpu is not None
    assert busy_sample.cpu > 0.05 > idle_sample.cpu  # sleeping costs wall time, not CPU
    assert idle_sample.seconds >= 0.5


def test_the_prose_share_is_judged_pair_by_pair_on_cpu_time() -> None:
    def figure(name: str, cpus: list[float], walls: list[float]) -> run.Figure:
        fig = run.Figure(name, 10, [], REPO_ROOT)
        fig.samples = [run.Sample(w, 1, c) for c, w in zip(cpus, walls, strict=True)]
        return fig

    # a slow spell hit runs of both: the rounds' ratios are 1.05, 0.8 and 3 (median 1.05),
    # the medians' ratio is 40 / 20 = 2
    on = figure("lint", [10.5, 40.0, 60.0], [30.0, 60.0, 15.0])
    off = figure("lint, prose rules off", [10.0, 50.0, 20.0], [8.0, 38.0, 9.0])
    rows = {r.figure: r for r in run.rows({(f.name, 10): f for f in (on, off)}, [10])}
    cpu = rows["prose rules' share, CPU time: lint / lint with prose rules off (10)"]
    wall = rows["prose rules' share, wall time: lint / lint with prose rules off (10)"]
    assert cpu.ratio == pytest.approx(1.05) and cpu.met is True
    assert (cpu.seconds, cpu.floor_seconds) == (40.0, 20.0)  # the medians, shown
    assert wall.ratio == pytest.approx(30.0 / 9.0) and "(info)" in wall.target


def test_a_figure_of_several_commands_keeps_its_cpu_time(tmp_path: Path) -> None:
    busy = [sys.executable, "-c", "sum(i * i for i in range(2_000_000))"]
    fig = run.Figure("two commands", None, [busy, busy], tmp_path)
    run._measure(fig)
    [sample] = fig.samples
    assert fig.error == "" and sample.cpu is not None and sample.cpu > 0.05
    assert fig.cpu == sample.cpu


def test_an_edit_figure_leaves_the_repository_as_committed(tmp_path: Path) -> None:
    """The figures after "one file changed" (the gate above all, which reads a clean
    head in place but exports a dirty one) measure the repository as committed."""
    committed = b"---\nid: INC-1\n---\n"
    record = tmp_path / "INC-1.md"
    record.write_bytes(committed)
    edit = run.OneFileEdit(record)
    copy = [sys.executable, "-c", "import shutil; shutil.copy('INC-1.md', 'seen.md')"]
    fig = run.Figure("edited", None, [copy], tmp_path, prepare=edit, finish=edit.restore)
    run._measure(fig)
    assert b"Edited for the benchmark" in (tmp_path / "seen.md").read_bytes()  # the run saw it
    assert record.read_bytes() == committed and fig.samples

    failing = run.Figure("fails", None, [[sys.executable, "-c", "raise SystemExit(2)"]], tmp_path)
    failing.prepare, failing.finish = edit, edit.restore
    run._measure(failing)
    assert failing.error and record.read_bytes() == committed


def test_the_prose_pair_runs_more_rounds_than_the_other_figures(tmp_path: Path) -> None:
    quick = [sys.executable, "-c", "pass"]
    pair = [run.Figure(name, None, [quick], tmp_path, min_runs=5) for name in ("on", "off")]
    other = run.Figure("other", None, [quick], tmp_path)
    run._measure_all([pair[0], pair[1], other], 3, seed=1)
    assert [len(f.samples) for f in (*pair, other)] == [5, 5, 3]


def test_cold_figures_start_from_the_page_cache(tmp_path: Path) -> None:
    """Every file of the repository but `.git` is read by the prepare step, whatever its size."""
    (tmp_path / "incidents").mkdir()
    (tmp_path / ".git").mkdir()
    big = tmp_path / "incidents" / "INC-1.md"
    big.write_bytes(b"x" * (3 << 20))
    (tmp_path / ".git" / "HEAD").write_bytes(b"ref: refs/heads/main\n")
    read: list[Path] = []
    real = Path.read_bytes

    def spy(path: Path) -> bytes:
        read.append(path)
        return real(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", spy)
        run.page_cached(tmp_path)()
    assert read == [big]
