"""Translate atproto SDK exceptions into the project's error types.

The core retries ``TransientError`` and ``RateLimited`` with backoff, stops polling on
``AuthFailed`` and shows ``PermanentError``s to the clerk, so every SDK failure has to
land in exactly one of those.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from atproto_client import exceptions as sdk
from atproto_core.exceptions import AtProtocolError

from bot.errors import (
    AuthFailed,
    PermanentError,
    RateLimited,
    TargetGone,
    TransientError,
)

#: XRPC error names meaning the access token itself is no longer accepted.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})
#: XRPC error names meaning the record or account is not there (any more).
GONE_ERRORS = frozenset({"RecordNotFound", "NotFound", "AccountNotFound", "RepoNotFound",
                         "ActorNotFound", "InvalidRequest:NotFound"})
#: The chat service's answer to an app password created without DM access.
SCOPE_MARKERS = ("bad token scope", "bad token method")


class ChatAccessDenied(PermanentError):
    """The app password was created without access to direct messages."""

    title = "The Bluesky app password does not allow access to direct messages."
    advice = ("Create a new app password in Bluesky (Settings > Privacy and security > "
              "App passwords) with 'Allow access to your direct messages' ticked, "
              "and give it to the bot; until then DMs are not read or answered.")


def xrpc_error(exc: BaseException) -> tuple[str, str]:
    """The ``(error, message)`` pair of an XRPC error response, or empty strings."""
    response = getattr(exc, "response", None)
    content: Any = getattr(response, "content", None)
    error = getattr(content, "error", None) or ""
    message = getattr(content, "message", None) or ""
    if isinstance(content, dict):
        error, message = content.get("error") or "", content.get("message") or ""
    return str(error), str(message)


def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def is_token_error(exc: BaseException) -> bool:
    """Whether the server rejected the access token (so a refresh may help)."""
    if isinstance(exc, sdk.LoginRequiredError):
        return True
    if not isinstance(exc, sdk.UnauthorizedError | sdk.BadRequestError) or is_scope_error(exc):
        return False
    error, _ = xrpc_error(exc)
    return error in TOKEN_ERRORS or status_of(exc) == 401


def is_scope_error(exc: BaseException) -> bool:
    """Whether the app password lacks DM access ("Bad token scope")."""
    error, message = xrpc_error(exc)
    text = f"{error} {message}".lower()
    return any(marker in text for marker in SCOPE_MARKERS)


def rate_limited(exc: sdk.RateLimitExceededError) -> RateLimited:
    retry_at: float | None = None
    if exc.reset_at is not None:
        retry_at = exc.reset_at.timestamp()
    elif exc.retry_after is not None:
        retry_at = time.time() + exc.retry_after
    policy = exc.policy or "unknown policy"
    return RateLimited(f"Bluesky rate limit reached ({policy})", retry_at=retry_at)


def translate(exc: BaseException) -> Exception:
    """The project error for one SDK exception (returned, not raised)."""
    if isinstance(exc, sdk.RateLimitExceededError):
        return rate_limited(exc)
    if isinstance(exc, sdk.InvokeTimeoutError):
        return TransientError("Bluesky did not answer in time")
    if isinstance(exc, sdk.NetworkError):
        return TransientError(f"network problem talking to Bluesky: {exc}")
    if is_scope_error(exc):
        return ChatAccessDenied(ChatAccessDenied.advice)
    if is_token_error(exc):
        return AuthFailed(f"Bluesky rejected the session: {exc}")
    error, message = xrpc_error(exc)
    status = status_of(exc)
    if error in GONE_ERRORS or status == 404:
        return TargetGone(f"Bluesky: {error or status} {message}".strip())
    if error == "InvalidSwap":
        return TransientError("the record changed while the bot was updating it; it will retry")
    if status is not None and status >= 500:
        return TransientError(f"Bluesky server error {status}: {message or error}")
    if isinstance(exc, sdk.UnauthorizedError):
        return PermanentError(f"Bluesky refused the request: {error} {message}".strip())
    if isinstance(exc, sdk.RequestErrorBase):
        return PermanentError(f"Bluesky refused the request: {exc}")
    return PermanentError(f"unexpected answer from Bluesky: {exc}")


@contextmanager
def translated() -> Iterator[None]:
    """Run a block and re-raise SDK exceptions as project errors."""
    try:
        yield
    except AtProtocolError as exc:
        raise translate(exc) from exc
