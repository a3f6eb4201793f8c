"""Bluesky sessions (persisted, re-used, refreshed, never a login loop) and error mapping."""

from __future__ import annotations

import base64
import json
import stat

import httpx
import pytest
from atproto_client.client.session import Session

from adapters.bluesky.store import LoginGuard, WriteBudget
from bot.errors import AuthFailed, PermanentError, RateLimited, TransientError
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    COUNCIL_HANDLE,
    PDS,
    FakePds,
    logged_in,
    make_adapter,
    session_json,
    xrpc_error,
)

EMPTY: dict[str, list[object]] = {"notifications": []}


@pytest.fixture
def fake() -> FakePds:
    fake = FakePds()
    logged_in(fake)
    fake.on("app.bsky.notification.listNotifications", EMPTY)
    return fake


def saved(tmp_path) -> Session:
    return Session.decode((tmp_path / "bluesky-bsky.session").read_text())


def jti(jwt: str) -> str:
    """The token's id: tokens made a second apart differ in iat/exp, so compare ids, not text."""
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["jti"]


def save_session(tmp_path, access_exp: float, n: int = 7) -> None:
    s = session_json(access_exp, n)
    text = Session(COUNCIL_HANDLE, COUNCIL_DID, s["accessJwt"], s["refreshJwt"], PDS + "/xrpc").encode()
    path = tmp_path / "bluesky-bsky.session"
    path.write_text(text)
    path.chmod(0o600)


def test_first_login_saves_the_session_owner_only_and_a_restart_reuses_it(tmp_path, fake):
    make_adapter(tmp_path, fake).fetch(None)
    path = tmp_path / "bluesky-bsky.session"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert saved(tmp_path).did == COUNCIL_DID
    assert fake.body(fake.calls("com.atproto.server.createSession")[0]) == {
        "identifier": COUNCIL_HANDLE, "password": "abcd-efgh-ijkl-mnop"}
    make_adapter(tmp_path, fake).fetch(None)  # a restart
    assert len(fake.calls("com.atproto.server.createSession")) == 1
    auth = fake.calls("app.bsky.notification.listNotifications")[-1].headers["authorization"]
    assert auth == "Bearer " + saved(tmp_path).access_jwt


def test_a_token_near_expiry_is_refreshed_and_the_new_one_saved(tmp_path, fake):
    save_session(tmp_path, access_exp=60)  # inside the SDK's 15-minute margin
    old_refresh = saved(tmp_path).refresh_jwt
    fake.on("com.atproto.server.refreshSession", session_json(7200, n=8))
    batch = make_adapter(tmp_path, fake).fetch(None)
    refresh = fake.calls("com.atproto.server.refreshSession")
    assert len(refresh) == 1 and refresh[0].headers["authorization"] == "Bearer " + old_refresh
    assert jti(saved(tmp_path).refresh_jwt) == "r8"  # the new refresh token, not the old "r7"
    assert fake.calls("com.atproto.server.createSession") == []
    assert batch.requests == 3  # refresh + listNotifications + listConvos


def test_a_rejected_token_is_refreshed_once_and_the_call_repeated(tmp_path, fake):
    save_session(tmp_path, access_exp=7200)
    fake.on("app.bsky.notification.listNotifications",
            xrpc_error(400, "ExpiredToken", "Token has expired"), EMPTY)
    fake.on("com.atproto.server.refreshSession", session_json(7200, n=9))
    make_adapter(tmp_path, fake).fetch(None)
    assert len(fake.calls("com.atproto.server.refreshSession")) == 1
    assert len(fake.calls("app.bsky.notification.listNotifications")) == 2
    assert jti(saved(tmp_path).access_jwt) == "a9"


def test_a_revoked_refresh_token_leads_to_one_password_login(tmp_path, fake):
    save_session(tmp_path, access_exp=60)
    fake.on("com.atproto.server.refreshSession", xrpc_error(400, "ExpiredToken", "Token has been revoked"))
    make_adapter(tmp_path, fake).fetch(None)
    assert len(fake.calls("com.atproto.server.createSession")) == 1
    assert jti(saved(tmp_path).access_jwt) == "a1"  # the password login's token


def test_a_refused_password_is_never_tried_in_a_loop(tmp_path, fake):
    fake.on("com.atproto.server.createSession",
            xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password"))
    adapter = make_adapter(tmp_path, fake)
    for _ in range(3):
        with pytest.raises(AuthFailed):
            adapter.fetch(None)
    assert len(fake.calls("com.atproto.server.createSession")) == 1
    with pytest.raises(AuthFailed, match="refused the app password at"):
        make_adapter(tmp_path, fake).fetch(None)  # a restart: still the refused password, said so
    assert len(fake.calls("com.atproto.server.createSession")) == 1
    fake.on("com.atproto.server.createSession", session_json())
    make_adapter(tmp_path, fake, password="new1-pass-word-here").fetch(None)  # the clerk set a new one
    assert len(fake.calls("com.atproto.server.createSession")) == 2


def test_no_password_and_no_session_is_an_auth_failure(tmp_path, fake):
    with pytest.raises(AuthFailed, match="no app password"):
        make_adapter(tmp_path, fake, password=None).fetch(None)


def test_a_session_for_another_handle_is_not_reused(tmp_path, fake):
    s = session_json()
    (tmp_path / "bluesky-bsky.session").write_text(
        Session("someone.else", "did:plc:x", s["accessJwt"], s["refreshJwt"], PDS).encode())
    make_adapter(tmp_path, fake).fetch(None)
    assert len(fake.calls("com.atproto.server.createSession")) == 1


def test_login_guard_limits_logins_across_restarts(tmp_path):
    now = [1_000_000.0]
    guard = LoginGuard(tmp_path / "g.json", min_interval=600, daily_max=3, clock=lambda: now[0])
    for _ in range(3):
        guard.check("pw")
        guard.record("pw", refused=False)
        now[0] += 601
    with pytest.raises(RateLimited, match="logins in the last day") as caught:  # a wait, not a dead account
        LoginGuard(tmp_path / "g.json", daily_max=3, clock=lambda: now[0]).check("other")
    assert caught.value.retry_at == 1_000_000.0 + 86400
    assert "pw" not in (tmp_path / "g.json").read_text()


def test_a_revoked_refresh_token_soon_after_a_login_waits_and_keeps_the_session(tmp_path, fake):
    """The guard's pause is temporary (RateLimited with a time), and the saved session,
    whose access token may still work, is not thrown away."""
    LoginGuard(tmp_path / "bluesky-bsky.login-guard.json").record("abcd-efgh-ijkl-mnop", refused=False)  # just now
    save_session(tmp_path, access_exp=60)
    before = saved(tmp_path)
    fake.on("com.atproto.server.refreshSession", xrpc_error(400, "ExpiredToken", "Token has been revoked"))
    with pytest.raises(RateLimited, match="waits until") as caught:
        make_adapter(tmp_path, fake).fetch(None)
    assert caught.value.retry_at is not None and caught.value.retry_at > 0
    assert fake.calls("com.atproto.server.createSession") == []
    assert saved(tmp_path).access_jwt == before.access_jwt


@pytest.mark.parametrize(("response", "error"), [
    (xrpc_error(429, "RateLimitExceeded", "Rate Limit Exceeded",
                {"ratelimit-limit": "3000", "ratelimit-remaining": "0",
                 "ratelimit-reset": "1900000000", "ratelimit-policy": "3000;w=300"}), RateLimited),
    (httpx.ReadTimeout("timed out"), TransientError),
    (httpx.ConnectError("connection refused"), TransientError),
    (xrpc_error(502, "UpstreamFailure"), TransientError),
    (xrpc_error(503, "NotEnoughResources"), TransientError),
    (xrpc_error(400, "InvalidRequest", "Params must have the property \"uris\""), PermanentError),
    (xrpc_error(403, "Forbidden", "account is taken down"), PermanentError),
])
def test_sdk_failures_become_project_errors(tmp_path, fake, response, error):
    fake.on("app.bsky.notification.listNotifications", response)
    with pytest.raises(error) as caught:
        make_adapter(tmp_path, fake).fetch(None)
    if error is RateLimited:
        assert caught.value.retry_at == 1900000000 and "3000;w=300" in str(caught.value)


def test_the_request_timeout_is_applied(tmp_path):
    from adapters.bluesky import BlueskyAdapter
    from bot.domain import Platform
    from bot.settings import AccountSettings

    account = AccountSettings(name="b", platform=Platform.BLUESKY, handle=COUNCIL_HANDLE)
    adapter = BlueskyAdapter(account, session_dir=tmp_path, app_password="x", request_timeout=42)
    assert adapter.conn.client.request._client.timeout.read == 42
    assert adapter.conn.client._base_url == "https://bsky.social/xrpc"


def test_write_budget_counts_points_persistently_and_says_when_to_retry(tmp_path):
    now = [10_000.0]
    small = ((3600.0, 7), (86400.0, 100))
    budget = WriteBudget(tmp_path / "w.json", clock=lambda: now[0], windows=small)
    budget.spend("create")
    now[0] += 10
    budget.spend("update")
    again = WriteBudget(tmp_path / "w.json", clock=lambda: now[0], windows=small)  # a restart
    assert again.used(3600) == 5
    with pytest.raises(RateLimited) as caught:
        again.spend("create")
    assert caught.value.retry_at == 10_000.0 + 3600
    now[0] += 3600
    again.spend("create")


def test_build_adapter_reads_the_app_password_from_the_environment(tmp_path, monkeypatch):
    from adapters.bluesky import build_adapter
    from bot.domain import Platform
    from bot.settings import AccountSettings

    monkeypatch.setenv("BSKY_PW", "from-env")
    account = AccountSettings(name="b", platform=Platform.BLUESKY, handle="@" + COUNCIL_HANDLE,
                              app_password_env="BSKY_PW", server_url="https://pds.example")
    adapter = build_adapter(account, tmp_path)
    assert adapter.conn.password == "from-env" and adapter.conn.handle == COUNCIL_HANDLE
    assert adapter.conn.client._base_url == "https://pds.example/xrpc"
