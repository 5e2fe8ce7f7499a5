"""What a command can end with: the exit codes, and the failures the user can act on.

Code below the command line raises a `HandbookError`; the one handler in `generator.commands.main`
turns it into its exit code and its message, never a traceback.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class Exit(enum.IntEnum):
    """The exit codes of every `handbook` command."""

    OK = 0
    FAILED = 1  # documents invalid, not signed off, protection drifted, nothing written
    USAGE = 2  # how the command was called
    GITHUB = 3  # GitHub unreachable or erroring: the sign-off cannot be decided
    INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C


class HandbookError(Exception):
    """A failure the user can fix: one message (one or more lines) and an exit code."""

    exit_code: ClassVar[Exit] = Exit.FAILED

    def lines(self, command: str | None) -> list[str]:
        """What the handler prints to stderr; `command` is the subcommand being run."""
        return [f"handbook: error: {self}"]


class UsageError(HandbookError):
    """A mistake in how the command was called: exit 2 with one line."""

    exit_code = Exit.USAGE


class GitHubFault(HandbookError):
    """GitHub could not be reached or answered with an error: the sign-off cannot be decided."""

    exit_code = Exit.GITHUB

    def lines(self, command: str | None) -> list[str]:
        return [f"handbook: {command or 'error'}: GitHub: {self}"]
