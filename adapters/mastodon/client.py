"""A thin wrapper around Mastodon.py: one place for raw JSON, request counts and errors.

Mastodon.py converts every response into its own typed objects. The bot keeps the
JSON exactly as the server sent it (it is evidence), so each call here returns the
parsed body of the HTTP response instead, captured from the ``requests`` session the
library uses. The same session counts requests, so a poll can report its cost.

Library exceptions become the project's error types here and nowhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
    MastodonVersionError,
)

from bot.errors import (
    AuthFailed,
    PermanentError,
    RateLimited,
    TargetGone,
    TransientError,
    Unsupported,
)

log = logging.getLogger(__name__)

USER_AGENT = "council-modbot (+https://github.com/council-modbot)"


class CountingSession(requests.Session):
    """A ``requests`` session that counts requests and keeps the last response."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.last_response: requests.Response | None = None

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.count += 1
        self.last_response = None
        response = super().request(method, url, *args, **kwargs)
        self.last_response = response
        return response


class MastodonClient:
    """Calls Mastodon.py methods and returns the server's JSON exactly as received."""

    def __init__(self, server_url: str, access_token: str, *, request_timeout: float = 30,
                 clock: Callable[[], float] = time.time) -> None:
        self.session = CountingSession()
        self.clock = clock
        self.api = Mastodon(
            access_token=access_token,
            api_base_url=server_url,
            ratelimit_method="throw",  # waits belong to the core's scheduler
            request_timeout=request_timeout,
            version_check_mode="none",  # the adapter reads the version once, itself
            session=self.session,
            user_agent=USER_AGENT,
        )

    @property
    def requests_made(self) -> int:
        return self.session.count

    def call(self, method: str, *args: Any, on_404: type[PermanentError] = PermanentError,
             **kwargs: Any) -> Any:
        """Call ``Mastodon.<method>`` and return the response body as plain JSON."""
        with self.translated(on_404=on_404):
            getattr(self.api, method)(*args, **kwargs)
        return self._last_json()

    def call_endpoint(self, http_method: str, path: str, params: dict[str, Any],
                      on_404: type[PermanentError] = PermanentError) -> Any:
        """A REST call Mastodon.py has no method for (or restricts), with the same handling.

        Goes through the library's own request helper so rate-limit headers, errors
        and the token are handled exactly as for every other call.
        """
        request = self.api._Mastodon__api_request  # type: ignore[attr-defined]
        with self.translated(on_404=on_404):
            request(http_method, path, params)
        return self._last_json()

    def rate_limit_remaining(self) -> int | None:
        value = getattr(self.api, "ratelimit_remaining", None)
        return int(value) if isinstance(value, int | float) else None

    def rate_limit_reset(self) -> float | None:
        value = getattr(self.api, "ratelimit_reset", None)
        return float(value) if isinstance(value, int | float) else None

    def _last_json(self) -> Any:
        response = self.session.last_response
        if response is None or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TransientError("the server sent a response that is not JSON") from exc

    @contextmanager
    def translated(self, on_404: type[PermanentError] = PermanentError) -> Iterator[None]:
        """Turn Mastodon.py exceptions into the project's error types."""
        try:
            yield
        except MastodonError as exc:
            raise self._translate(exc, on_404) from exc

    def _translate(self, exc: MastodonError, on_404: type[PermanentError]) -> Exception:
        status = http_status(exc)
        detail = error_detail(exc)
        if isinstance(exc, MastodonUnauthorizedError):
            return AuthFailed(f"the server rejected the access token ({detail})")
        if isinstance(exc, MastodonRatelimitError) or status == 429:
            reset = self.rate_limit_reset()
            return RateLimited(f"rate limited by the server ({detail})", retry_at=reset)
        if isinstance(exc, MastodonNotFoundError) or status == 404:
            return on_404(f"not found on the server ({detail})")
        if isinstance(exc, MastodonServerError | MastodonNetworkError):
            return TransientError(f"server or network trouble ({detail})")
        if isinstance(exc, MastodonVersionError):
            return Unsupported(f"the server's Mastodon version cannot do this ({detail})")
        if isinstance(exc, MastodonIllegalArgumentError):
            return PermanentError(f"invalid request ({detail})")
        if status == 410:
            return TargetGone(f"gone from the server ({detail})")
        if status is None and isinstance(exc, MastodonAPIError):
            return TransientError(f"unreadable response from the server ({detail})")
        return PermanentError(f"the server refused the request: HTTP {status} ({detail})")


def http_status(exc: BaseException) -> int | None:
    """The HTTP status Mastodon.py put in an API error's arguments, if any."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2 and isinstance(args[1], int):
        return args[1]
    return None


def error_detail(exc: BaseException) -> str:
    """The server's error message (never the token or request headers)."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 4 and args[3]:
        return str(args[3])[:200]
    if len(args) >= 3 and args[2]:
        return str(args[2])[:200]
    if len(args) == 1 and args[0]:
        return str(args[0])[:200]
    return type(exc).__name__
