"""One logged-in connection to the council's Bluesky account.

The session string is saved (owner-only file) on login and on every refresh, because
Bluesky rotates refresh tokens and revokes the stale one. On restart the saved session
is re-used; the app password is used only when there is no usable session, through the
``LoginGuard``. Every call is counted (``requests``) and its errors translated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from atproto_client import Client
from atproto_client.client.session import Session, SessionEvent
from atproto_core.exceptions import AtProtocolError

from adapters.bluesky.errors import is_token_error, translate, translated
from adapters.bluesky.store import LoginGuard, SessionFile
from bot.errors import AuthFailed, TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")


def _same_handle(a: str, b: str) -> bool:
    return a.lstrip("@").lower() == b.lstrip("@").lower()


class Connection:
    """Logs in once, keeps the session fresh and saved, and runs counted calls."""

    def __init__(self, client: Client, handle: str, password: str | None,
                 session_file: SessionFile, guard: LoginGuard):
        self.client, self.handle, self.password = client, handle.lstrip("@"), password
        self.session_file, self.guard = session_file, guard
        self.session: Session | None = None
        self.requests = 0
        self._proxies: dict[str, Client] = {}
        client.on_session_change(self._on_session_change)

    @property
    def did(self) -> str:
        self.ensure()
        assert self.session is not None
        return self.session.did

    def _on_session_change(self, event: SessionEvent, session: Session) -> None:
        self.session = session
        if event in (SessionEvent.CREATE, SessionEvent.REFRESH):
            self.requests += 1
            self.session_file.save(session.export())
            log.info("Bluesky session for %s %sd and saved", session.handle, event.value)

    def ensure(self) -> None:
        """Have a session: the saved one if there is one, else a password login."""
        if self.session is None and not self._resume():
            self._login()

    def _resume(self) -> bool:
        saved = self.session_file.load()
        if not saved:
            return False
        try:
            stored = Session.decode(saved)
        except ValueError:
            log.warning("the saved Bluesky session is damaged; logging in again")
            return False
        if not _same_handle(stored.handle, self.handle):
            log.warning("the saved Bluesky session is for %s, not %s; logging in again",
                        stored.handle, self.handle)
            return False
        # No request: the SDK refreshes the tokens itself before they expire.
        self.client.login(session_string=saved, fetch_bsky_profile=False)
        return True

    def _login(self) -> None:
        if not self.password:
            raise AuthFailed("no saved Bluesky session and no app password: run "
                             "'modbot account add bluesky' or set the app password variable")
        self.guard.check(self.password)
        try:
            self.client.login(self.handle, self.password, fetch_bsky_profile=False)
        except AtProtocolError as exc:
            refused = is_token_error(exc)
            self.guard.record(self.password, refused=refused)
            error = translate(exc)
            if refused:
                error = AuthFailed(f"Bluesky refused the app password for {self.handle}")
            raise error from exc
        self.guard.record(self.password, refused=False)

    def _recover(self) -> None:
        """After the server rejected the token: refresh once, else log in once."""
        try:
            # The SDK has no public refresh call; this is the one its own _invoke uses.
            self.client._refresh_and_set_session()
            return
        except AtProtocolError as exc:
            if not is_token_error(exc):
                raise translate(exc) from exc
            log.warning("the Bluesky refresh token was refused (%s); logging in again", exc)
        # The saved session stays until a login replaces it: its access token may still
        # work for a while if the login has to wait (the guard) or fails.
        self._login()

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one SDK request, counted, with one token recovery, errors translated."""
        self.ensure()
        self.requests += 1
        try:
            return fn(*args, **kwargs)
        except AtProtocolError as exc:
            if not is_token_error(exc):
                raise translate(exc) from exc
            log.info("Bluesky rejected the access token (%s); recovering once", exc)
        self._recover()
        self.requests += 1
        with translated():
            return fn(*args, **kwargs)

    def query(self, nsid: str, params: Any = None, *, via: Client | None = None) -> dict[str, Any]:
        """One XRPC query; the answer as the JSON the server sent (not SDK models)."""
        client = via or self.client
        response = self.call(client.invoke_query, nsid, params=params)
        if not isinstance(response.content, dict):
            raise TransientError(f"{nsid}: Bluesky answered with something that is not JSON")
        return response.content

    def proxied(self, service_type: str, did: str) -> Client:
        """A client sharing this session whose requests the PDS forwards to ``did``."""
        self.ensure()
        key = f"{did}#{service_type}"
        if key not in self._proxies:
            self._proxies[key] = self.client.with_proxy(service_type, did)
        return self._proxies[key]
