"""Errors: what the sandbox raises at a test or the console that asks the impossible, and the
REST API errors it answers the bot with."""

from __future__ import annotations

from typing import Any


class SandboxError(Exception):
    """A test or console asked the sandbox for something it cannot do."""


class UnknownCommandError(SandboxError):
    """The command (or subcommand) is not registered with the sandbox."""


class OptionError(SandboxError):
    """An option is unknown, missing, or of the wrong type for the registered command."""


class NoSuchComponentError(SandboxError):
    """No clickable component on the message matches the custom_id or label."""


class InteractionTimeoutError(SandboxError, TimeoutError):
    """The bot did not do what a test waited for in time."""


class ApiError(Exception):
    """An error answer of the REST API: HTTP status, Discord JSON error code and message."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    @classmethod
    def invalid_form(cls, problems: list[str], prefix: str = "") -> ApiError:
        """A 400/50035 whose nested `errors` names each problem, as Discord reports them."""
        errors: dict[str, Any] = {}
        for problem in problems:
            path, _, text = problem.partition(": ")
            node = errors
            for key in filter(None, f"{prefix}{path}".split(".")):
                node = node.setdefault(key, {})
            node.setdefault("_errors", []).append({"code": "SANDBOX_LIMIT", "message": text})
        return cls(400, 50035, "Invalid Form Body", errors)

    def body(self) -> dict[str, Any]:
        """The JSON body Discord would send for this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body
