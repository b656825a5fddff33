"""Destructive flags have hard limits: no flag empties a protected folder or replaces a device.

Every test works inside its own temporary folder; the home folder is a
temporary folder too (HOME is set), so the home guard is tested without
going near the real one.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import RunCli, write
from gitrepo import GitRepo
from site_fixture import make_site_repo

MakeRepo = Callable[..., Path]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    write(folder, "notes/todo.txt", "keep me\n")
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "mpl"))  # matplotlib caches under HOME
    return folder


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return make_site_repo(tmp_path / "repo")


# --- build --site-dir ... --force --------------------------------------------------------


def test_build_never_empties_the_home_folder(repo: Path, home: Path, run_cli: RunCli) -> None:
    before = snapshot(home)
    result = run_cli("-C", repo, "build", "--site-dir", home, "--force", expect=2)
    assert "home folder" in result.stderr
    assert snapshot(home) == before


def test_build_never_empties_a_parent_of_the_home_folder(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    home = tmp_path / "users" / "asha"
    write(home, "diary.txt", "keep me\n")
    monkeypatch.setenv("HOME", str(home))
    result = run_cli("-C", repo, "build", "--site-dir", home.parent, "--force", expect=2)
    assert "contains the home folder" in result.stderr
    assert (home / "diary.txt").read_text(encoding="utf-8") == "keep me\n"


def test_build_never_empties_a_symlink_to_the_home_folder(
    repo: Path, home: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    link = tmp_path / "site-link"
    link.symlink_to(home)
    result = run_cli("-C", repo, "build", "--site-dir", link, "--force", expect=2)
    assert "home folder" in result.stderr
    assert (home / "notes" / "todo.txt").is_file()


def test_build_never_empties_the_repositorys_git_folder(
    repo: Path, run_cli: RunCli, git_env: None
) -> None:
    git = GitRepo(repo, pyproject=None)
    git.commit("records", "2026-03-01T10:00:00+00:00")
    before = snapshot(repo / ".git")
    for target in (repo / ".git", repo / ".git" / "objects"):
        result = run_cli("-C", repo, "build", "--site-dir", target, "--force", expect=2)
        assert ".git" in result.stderr
    assert snapshot(repo / ".git") == before
    git.repo.git.fsck()
    git.close()


@pytest.mark.parametrize("depth", ["", "projects/tool/"])
def test_build_never_empties_a_folder_holding_a_git_repository(
    repo: Path, tmp_path: Path, run_cli: RunCli, git_env: None, depth: str
) -> None:
    other = tmp_path / "work"
    checkout = GitRepo(other / depth, pyproject="[project]\nname = 'x'\n")
    checkout.commit("x", "2026-03-01T10:00:00+00:00")
    checkout.close()
    before = snapshot(other)
    result = run_cli("-C", repo, "build", "--site-dir", other, "--force", expect=2)
    assert "holds a git repository" in result.stderr
    assert snapshot(other) == before


def test_build_never_empties_a_bare_repository(
    repo: Path, tmp_path: Path, run_cli: RunCli, git_env: None
) -> None:
    import git

    bare = tmp_path / "mirror.git"
    git.Repo.init(bare, bare=True).close()
    before = snapshot(bare)
    result = run_cli("-C", repo, "build", "--site-dir", bare, "--force", expect=2)
    assert "holds a git repository" in result.stderr
    assert snapshot(bare) == before


def test_build_never_empties_the_working_directory_or_its_parents(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    work = tmp_path / "desk" / "today"
    write(work, "draft.md", "keep me\n")
    monkeypatch.chdir(work)
    for target in (work, work.parent):
        result = run_cli("-C", repo, "build", "--site-dir", target, "--force", expect=2)
        assert "working directory" in result.stderr
        assert (work / "draft.md").is_file()


def test_the_file_system_root_is_never_emptied() -> None:
    # Only asked, never attempted: a bug here must not be able to do harm.
    from incidentkit.output_guard import never_empty

    assert never_empty(Path("/")) is not None
    assert never_empty(Path("/").resolve()) is not None


def test_force_replaces_an_unrelated_folder_and_says_what_it_deleted(
    repo: Path, tmp_path: Path, home: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "old-stuff"
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt"):
        write(target, name, "old\n")
    result = run_cli("-C", repo, "build", "--site-dir", target, "--force")
    assert "deleted 7 entries (a.txt, b.txt, c.txt, d.txt, e.txt and 2 more)" in result.stderr
    assert str(target) in result.stderr
    assert not (target / "a.txt").exists() and (target / "index.html").is_file()


def test_site_dir_that_is_a_fifo_is_refused_even_with_force(
    repo: Path, tmp_path: Path, run_cli: RunCli
) -> None:
    fifo = tmp_path / "site"
    os.mkfifo(fifo)
    result = run_cli("-C", repo, "build", "--site-dir", fifo, "--force", expect=2)
    assert "named pipe" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


# --- -o / --output onto things that are not regular files --------------------------------


@pytest.fixture
def special(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A named pipe, a socket or a symlink to /dev/null, each in the test's own folder."""
    kind = request.param
    path = tmp_path / f"out-{kind}"
    server = None
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    else:
        path.symlink_to("/dev/null")
    yield path, kind
    if server is not None:
        server.close()


def _still_there(path: Path, kind: str) -> bool:
    if kind == "devnull":
        return path.is_symlink() and stat.S_ISCHR(path.stat().st_mode)
    mode = path.lstat().st_mode
    return stat.S_ISFIFO(mode) if kind == "fifo" else stat.S_ISSOCK(mode)


OUTPUT_COMMANDS = [
    ["export", "--format", "sqlite", "-o"],
    ["export", "--format", "json", "-o"],
    ["export", "--format", "csv", "-o"],
    ["lint", "-o"],
    ["review", "--quarter", "2026Q1", "-o"],
]


@pytest.mark.parametrize("special", ["fifo", "socket", "devnull"], indirect=True)
@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: "-".join(c[:3]))
@pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
def test_an_output_that_is_not_a_regular_file_is_refused(
    make_repo: MakeRepo, special: tuple[Path, str], command: list[str], force: bool, run_cli: RunCli
) -> None:
    root = make_repo()
    path, kind = special
    args = ["-C", root, *command, path, *(["--force"] if force else [])]
    result = run_cli(*args, expect=None)
    assert result.exit_code in (1, 2), result.output
    assert "not a regular file" in result.stderr or "never replaces" in result.stderr
    assert _still_there(path, kind)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_as_root_a_device_node_is_never_replaced(
    make_repo: MakeRepo, tmp_path: Path, run_cli: RunCli
) -> None:
    """`-o /dev/null --force` as root: here a null device made in the test's own folder."""
    if os.geteuid() != 0:
        pytest.skip("creating a device node needs root")
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    root = make_repo()
    for command in OUTPUT_COMMANDS:
        result = run_cli("-C", root, *command, device, "--force", expect=None)
        assert result.exit_code == 1, result.output
        assert "character device" in result.stderr
        assert stat.S_ISCHR(device.lstat().st_mode)


def test_csv_force_never_replaces_the_home_folder(
    make_repo: MakeRepo, home: Path, run_cli: RunCli
) -> None:
    for extra in home.iterdir():
        if extra.is_dir():
            for f in extra.iterdir():
                f.unlink()
            extra.rmdir()
    write(home, "budget.csv", "a,b\n1,2\n")  # only .csv files: an earlier export to the eye
    root = make_repo()
    result = run_cli("-C", root, "export", "--format", "csv", "-o", home, "--force", expect=1)
    assert "home folder" in result.stderr
    assert (home / "budget.csv").read_text(encoding="utf-8") == "a,b\n1,2\n"


def test_an_output_symlink_to_a_regular_file_is_replaced_not_written_through(
    make_repo: MakeRepo, tmp_path: Path, run_cli: RunCli
) -> None:
    elsewhere = write(tmp_path, "elsewhere/report.json", "{}\n")
    link = tmp_path / "report.json"
    link.symlink_to(elsewhere)
    root = make_repo()
    run_cli("-C", root, "export", "--format", "json", "-o", link, "--force")
    assert not link.is_symlink() and '"incidents"' in link.read_text(encoding="utf-8")
    assert elsewhere.read_text(encoding="utf-8") == "{}\n"


# --- redact --write and symlinks ----------------------------------------------------------

SECRET_LINE = "Contact: jane.doe@acme-travel.io\n"


def test_redact_never_follows_a_symlink_out_of_the_repository(
    make_repo: MakeRepo, tmp_path: Path, run_cli: RunCli
) -> None:
    outside = write(
        tmp_path, "outside/INC-2026-0002-x.md", "---\nid: INC-2026-0002\n---\n" + SECRET_LINE
    )
    root = make_repo()
    link = root / "incidents" / "INC-2026-0002-x.md"
    link.symlink_to(outside)
    before = outside.read_bytes()
    for args in (["redact", "--write", "incidents"], ["redact", "--write", link], ["redact", link]):
        result = run_cli("-C", root, *args, expect=1)
        assert "outside the repository" in result.stderr
        assert "jane.doe" not in result.stdout  # not even shown in a diff
    assert outside.read_bytes() == before
    assert link.is_symlink() and link.resolve() == outside.resolve()


def test_redact_writes_through_a_symlink_that_stays_in_the_repository(
    make_repo: MakeRepo, run_cli: RunCli
) -> None:
    root = make_repo()
    target = write(root, "shared/INC-2026-0002-x.md", "---\nid: INC-2026-0002\n---\n" + SECRET_LINE)
    link = root / "incidents" / "INC-2026-0002-x.md"
    link.symlink_to(Path("..") / "shared" / "INC-2026-0002-x.md")
    run_cli("-C", root, "redact", "--write", "incidents")
    assert link.is_symlink()
    assert "[REDACTED-EMAIL]" in target.read_text(encoding="utf-8")


def test_redact_never_reads_a_named_pipe(make_repo: MakeRepo, run_cli: RunCli) -> None:
    root = make_repo()
    fifo = root / "incidents" / "INC-2026-0003-pipe.md"
    os.mkfifo(fifo)
    result = run_cli("-C", root, "redact", "--write", fifo, expect=1)  # would block if opened
    assert "named pipe" in result.stderr


def test_plain_mkdocs_never_empties_the_home_folder(
    repo: Path, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`mkdocs build -d ~` is stopped by the plugin before MkDocs empties the folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs
    from mkdocs.exceptions import Abort

    before = snapshot(home)
    config = load_mkdocs(str(repo / "mkdocs.yml"), site_dir=str(home), strict=True)
    with pytest.raises(Abort):
        build(config)
    assert "home folder" in caplog.text
    assert snapshot(home) == before


@pytest.mark.parametrize("force", [False, True])
def test_export_cases_never_reads_or_replaces_a_named_pipe(
    tmp_path: Path, run_cli: RunCli, force: bool
) -> None:
    """A FIFO where export-cases writes: refused, not opened (the read would block)."""
    from evalrepo import case_yaml, eval_repo

    root = eval_repo(
        tmp_path / "cases", {"evals/regression/fine.yaml": case_yaml("fine", [{"regex": "ok"}])}
    )
    (root / "pf").mkdir()
    fifo = root / "pf" / "promptfooconfig.yaml"
    os.mkfifo(fifo)
    args = ["-C", root, "export-cases", "--to", "promptfoo", "-o", "pf"]
    result = run_cli(*args, *(["--force"] if force else []), expect=1)
    assert "named pipe" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
