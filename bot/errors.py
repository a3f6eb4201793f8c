"""The project's own error types.

Adapters translate library exceptions into these, so retry and backoff live in one
place in the core (``bot.moderator``), not in each adapter.
"""

from __future__ import annotations


class ModbotError(Exception):
    """Base class. ``title`` is a plain sentence safe to show a clerk."""

    title = "Something went wrong."


class ConfigError(ModbotError):
    """The settings file is wrong; ``problems`` lists every (key, message) pair."""

    title = "The settings file has problems."

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{k}: {m}" for k, m in self.problems))


class PlatformError(ModbotError):
    """A problem talking to a platform."""


class AuthFailed(PlatformError):
    """Credentials rejected or revoked: stop polling this account and alert the clerk."""

    title = "The account's login or token no longer works."


class RateLimited(PlatformError):
    """The platform asked us to wait. ``retry_at`` is a UNIX time, when known."""

    title = "The platform asked the bot to slow down."

    def __init__(self, message: str = "rate limited", retry_at: float | None = None):
        super().__init__(message)
        self.retry_at = retry_at


class TransientError(PlatformError):
    """Network trouble, timeouts, 5xx: try again later with backoff."""

    title = "The platform could not be reached; the bot will try again."


class PermanentError(PlatformError):
    """The platform refused the request for good (e.g. 422): do not retry."""

    title = "The platform refused the request."


class TargetGone(PermanentError):
    """The post or account the action was for no longer exists (404)."""

    title = "The post or account no longer exists."


class Unsupported(PermanentError):
    """The platform cannot do this action at all."""

    title = "This platform cannot do that."


class MalformedPayload(PlatformError):
    """A single entity in a page could not be understood; it is skipped and logged."""


class InvalidTransition(ModbotError):
    """An action or review item was asked to move to a state it cannot reach."""

    title = "That decision is no longer possible for this item."


class DecisionProblem(InvalidTransition):
    """The clerk's decision cannot be recorded as given; ``field`` is the form field to fix."""

    title = "The decision needs a change before it can be recorded."

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class NotFound(ModbotError):
    title = "No such item."
