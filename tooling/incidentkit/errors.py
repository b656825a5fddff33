"""Exceptions the core raises; the CLI maps them to exit codes in one place."""

from __future__ import annotations


class IncidentkitError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 2


class ConfigError(IncidentkitError):
    """The configuration or the repository layout is unusable (exit 2)."""


class UsageError(IncidentkitError):
    """The command was called in a way that cannot work (exit 2)."""


class GitError(IncidentkitError):
    """Git cannot answer the question: not a repository, unknown ref (exit 2)."""


class WriteRefused(IncidentkitError):
    """A write would overwrite an existing file without permission (exit 1)."""

    exit_code = 1


def issue_tracker() -> str:
    """Where to report a bug: the package's Issues URL when its metadata has one."""
    from importlib import metadata

    try:
        urls = metadata.metadata("incidentkit").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("issues", "bug tracker", "tracker", "bugs"):
            return url.strip()
    return "the incidentkit issue tracker"


def symlink_loop(exc: BaseException) -> bool:
    """True for the RuntimeError Path.resolve() raises on a symlink loop (Python < 3.13)."""
    return isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop")
