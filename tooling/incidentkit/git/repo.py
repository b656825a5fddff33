"""Opening the repository that holds the records, and running git in it.

The one place GitPython is imported (lazily, on first use). Every git
failure becomes a `GitError` whose message says what to do; callers never
see a GitPython exception.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType, TracebackType
from typing import IO, Any

from incidentkit.errors import GitError, UsageError

# Settings that would change the shape of the output we parse; forced off
# (or on) whatever the user's or the runner's git config says.
_SAFE_CONFIG = (
    "-c",
    "core.quotepath=off",
    "-c",
    "log.showRoot=true",
    "-c",
    "color.ui=never",
    "-c",
    "diff.noprefix=false",
)

FETCH_DEPTH_HINT = (
    "in GitHub Actions set `fetch-depth: 0` on actions/checkout; "
    "locally run `git fetch --unshallow` (or fetch the missing ref)"
)


def _gitpython() -> ModuleType:
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when no git executable works
        raise GitError(
            f"cannot run git ({exc}); install git, or point GIT_PYTHON_GIT_EXECUTABLE at it"
        ) from None
    return git


class GitRepo:
    """A work tree's repository, seen from the incident repository's root.

    `prefix` is where the incident repository sits inside the git work tree
    ("" at the top, "sub/dir/" in a monorepo); paths handed in and out are
    relative to the incident repository, git's paths to the work tree.
    """

    def __init__(self, repo: Any, toplevel: Path, prefix: str) -> None:
        self._repo = repo
        self.toplevel = toplevel
        self.prefix = prefix

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        # GitPython keeps `git cat-file` processes alive; end them here, not in GC.
        self._repo.close()

    # -- paths ---------------------------------------------------------------

    def git_path(self, rel: str) -> str:
        return self.prefix + rel.strip("/")

    def rel_path(self, git_path: str) -> str | None:
        """A work-tree path as seen from the incident repository; None when outside it."""
        if not git_path.startswith(self.prefix):
            return None
        return git_path[len(self.prefix) :]

    # -- running git ---------------------------------------------------------

    def run(self, *args: str) -> str:
        """Run git and return its standard output (decoded, trailing newline kept off)."""
        git = _gitpython()
        try:
            out = self._repo.git.execute(["git", *_SAFE_CONFIG, *args])
        except git.GitCommandError as exc:
            raise GitError(_describe(args, exc)) from None
        return str(out)

    def run_bytes(self, *args: str, stdin: bytes | None = None) -> bytes:
        """Run git and return its standard output as bytes; `stdin`: what git reads
        (for lists too long for a command line, such as `--stdin` paths)."""
        if stdin is None:
            return self._execute(args, None)
        with tempfile.TemporaryFile() as source:  # Popen reads from a real file
            source.write(stdin)
            source.seek(0)
            return self._execute(args, source)

    def _execute(self, args: Sequence[str], source: IO[bytes] | None) -> bytes:
        git = _gitpython()
        try:
            out = self._repo.git.execute(
                ["git", *_SAFE_CONFIG, *args],
                istream=source,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
            )
        except git.GitCommandError as exc:
            raise GitError(_describe(args, exc)) from None
        assert isinstance(out, bytes)
        return out

    def stream(self, *args: str) -> Iterator[bytes]:
        """Run git and yield its output line by line, for outputs too big to hold twice."""
        git = _gitpython()
        proc = self._repo.git.execute(["git", *_SAFE_CONFIG, *args], as_process=True)
        try:
            yield from proc.stdout
        finally:
            try:
                proc.wait()
            except git.GitCommandError as exc:
                raise GitError(_describe(args, exc)) from None

    def read_blobs(self, shas: Sequence[str]) -> list[bytes]:
        """The contents of many blobs through one long-lived `git cat-file --batch`."""
        git = _gitpython()
        out: list[bytes] = []
        try:
            for sha in shas:
                out.append(self._repo.odb.stream(bytes.fromhex(sha)).read())
        except (git.GitCommandError, ValueError) as exc:
            raise GitError(f"cannot read a file from git's object store: {exc}") from None
        return out

    # -- questions -----------------------------------------------------------

    def has_commits(self) -> bool:
        return bool(self._repo.head.is_valid())

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def resolve(self, ref: str, role: str = "ref") -> str:
        """The commit a ref names, or a `GitError` that says why it is missing."""
        if not ref or ref.startswith("-"):
            raise UsageError(f"{role} {ref!r} is not a git ref")
        git = _gitpython()
        try:
            sha = self._repo.git.execute(
                ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"]
            )
        except git.GitCommandError:
            sha = ""
        sha = str(sha).strip()
        if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
            return sha
        if self.is_shallow():
            raise GitError(
                f"{role} {ref!r} is not in this clone, which is shallow: the gate needs the "
                f"base branch's history; {FETCH_DEPTH_HINT}"
            )
        if not self.has_commits():
            raise GitError(f"{role} {ref!r}: the repository has no commits yet")
        raise GitError(
            f"unknown {role} {ref!r}: no such branch, tag or commit in this clone; fetch it "
            f"(`git fetch origin {ref}`), and {FETCH_DEPTH_HINT}"
        )


def open_repo(root: Path) -> GitRepo:
    """The git repository whose work tree holds `root`."""
    git = _gitpython()
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(
            f"{root} is not in a git repository; run this inside a clone of the incident "
            "repository (in GitHub Actions: actions/checkout with `fetch-depth: 0`), or make "
            "this folder one: git init -b main && git add -A && git commit -m init"
        ) from None
    if repo.working_tree_dir is None:
        repo.close()
        raise GitError(f"{root} is in a bare git repository; run this in a work tree")
    toplevel = Path(repo.working_tree_dir).resolve()
    try:
        inside = root.resolve().relative_to(toplevel).as_posix()
    except ValueError:
        repo.close()
        raise GitError(f"{root} is outside the git work tree {toplevel}") from None
    prefix = "" if inside in ("", ".") else inside.rstrip("/") + "/"
    return GitRepo(repo, toplevel, prefix)


def _describe(args: Sequence[str], exc: Any) -> str:
    stderr = exc.stderr
    if isinstance(stderr, bytes):
        stderr = stderr.decode("utf-8", "replace")
    detail = " ".join(str(stderr or "").split()).removeprefix("stderr: ").strip("' ")
    return f"`git {args[0] if args else ''}` failed: {detail or f'exit status {exc.status}'}"
