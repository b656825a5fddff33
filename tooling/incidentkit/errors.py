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
