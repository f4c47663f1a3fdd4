"""The exception tree and the exit codes, mapped in one place.

Library code raises a :class:`ChansyncError` subclass when a run cannot go on; the CLI turns it into its exit code.
Data problems are not exceptions: they are :class:`chansync.issues.Issue` values collected in a report.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from .i18n import _


class ExitCode(IntEnum):
    OK = 0
    ERRORS = 1  # validation errors found, or push refused (errors or safety guard)
    USAGE = 2  # bad arguments, unreadable config or file, unknown adapter
    CHANGES = 3  # `diff --exit-code`: the plan has changes
    UPLOAD_FAILED = 4  # push: some uploads failed


class ChansyncError(Exception):
    """A problem that stops the run. ``str(error)`` is the plain sentence shown to the user."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(ChansyncError):
    """channels.yaml is missing, unreadable or does not match the schema."""

    def __init__(self, message: str, *, key: str | None = None, file: str | None = None, hint: str | None = None):
        where = ", ".join(p for p in (file, _("key {key}").format(key=key) if key else None) if p)
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.detail = message  # the message without its place
        self.key = key
        self.file = file


class InputError(ChansyncError):
    """A file cannot be read as a whole: missing, corrupt, empty, wrong format, a required column absent."""

    def __init__(self, message: str, *, file: str | None = None, sheet: str | None = None, hint: str | None = None):
        where = file or ""
        if sheet:
            where += " (" + _("sheet {sheet}").format(sheet=repr(sheet)) + ")"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.file = file
        self.sheet = sheet


class MissingColumnError(InputError):
    """A sheet lacks a column the run needs. A data problem, not a usage one: it stops everything with exit 1.

    ``issues`` holds the same facts as located issues, so machine-readable reports can carry them.
    """

    exit_code = ExitCode.ERRORS
    issues: Any = None


class AdapterError(ChansyncError):
    """An adapter is unknown, failed to load, or cannot do what was asked."""


class RefusedError(ChansyncError):
    """The run was refused on purpose: errors under --strict, or the safety guard."""

    exit_code = ExitCode.ERRORS


class TransportError(ChansyncError):
    """Delivering a feed or applying changes failed. ``retriable`` tells "try again" from "give up"."""

    exit_code = ExitCode.UPLOAD_FAILED

    def __init__(
        self,
        message: str,
        *,
        retriable: bool = False,
        skus: tuple[str, ...] = (),
        hint: str | None = None,
        status: int | None = None,
        reply: str = "",
    ):
        super().__init__(message, hint=hint)
        self.retriable = retriable
        self.skus = skus
        #: The HTTP status and the start of the reply of a request the server refused, kept apart from the
        #: message (which is in the seller's language) so code reads them the same in every language.
        self.status = status
        self.reply = reply
