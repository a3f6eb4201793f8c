"""The shared adapter contract (tests/adapters/contract.py) run against BlueskyAdapter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.adapters.contract import AdapterContract
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    COUNCIL_HANDLE,
    FakePds,
    json_response,
    logged_in,
    make_adapter,
    notification,
    profile,
    xrpc_error,
)

START = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
REASONS = ("reply", "mention", "quote")


class BlueskyHarness:
    """A fake PDS whose notification list grows as the contract pushes items."""

    def __init__(self, tmp_path: Any):
        self.fake = FakePds()
        logged_in(self.fake)
        self.fake.on("app.bsky.actor.getProfile", profile(COUNCIL_DID, COUNCIL_HANDLE))
        self.notes: list[dict[str, Any]] = []  # newest first, as listNotifications pages
        self.fake.on("app.bsky.notification.listNotifications", self._list)
        self.adapter = make_adapter(tmp_path, self.fake, clock=lambda: START + timedelta(days=1))

    def _list(self, request: httpx.Request) -> httpx.Response:
        return json_response(200, {"notifications": self.notes})

    def _push(self) -> str:
        n = len(self.notes)
        at = (START + timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
        reason = REASONS[n % 3]
        note = notification(reason, f"p{n}", at, text=f"post {n}",
                            reply_to=None if reason != "reply" else f"at://{COUNCIL_DID}/app.bsky.feed.post/c",
                            quote=f"at://{COUNCIL_DID}/app.bsky.feed.post/c" if reason == "quote" else None)
        self.notes.insert(0, note)
        return str(note["uri"])

    def push_items(self, count: int) -> list[str]:
        return [self._push() for _ in range(count)]

    def push_malformed(self) -> bool:
        self._push()
        self.notes[0] = {**self.notes[0], "author": {"handle": "no-did.example"}}
        self._push()
        return True

    def break_next(self, failure: str) -> bool:
        normal = self._list
        if failure == "auth":
            self.adapter.conn.guard.min_interval = 0  # a login is allowed now, and Bluesky refuses the password
            self.fake.on("app.bsky.notification.listNotifications",
                         xrpc_error(401, "AuthenticationRequired", "Token could not be verified"), normal)
            self.fake.on("com.atproto.server.refreshSession", xrpc_error(400, "ExpiredToken", "revoked"))
            self.fake.on("com.atproto.server.createSession",
                         xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password"))
        elif failure == "rate_limit":
            self.fake.on("app.bsky.notification.listNotifications",
                         xrpc_error(429, "RateLimitExceeded", "", {"ratelimit-reset": "1900000000"}), normal)
        else:
            self.fake.on("app.bsky.notification.listNotifications", httpx.ConnectError("reset"), normal)
        return True


class TestBlueskyContract(AdapterContract):
    @pytest.fixture
    def harness(self, tmp_path: Any) -> BlueskyHarness:
        return BlueskyHarness(tmp_path)
