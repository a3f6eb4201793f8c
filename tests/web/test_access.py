"""Every page needs sign-in and the right role; security headers on every response."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from tests.support import FakeClock
from tests.web.conftest import add_person, sign_in

# (path, roles that may see it)
PAGES = [
    ("/", {"clerk", "deputy", "delegate"}),
    ("/items/1", {"clerk", "deputy", "delegate"}),
    ("/summaries", {"clerk", "deputy", "delegate"}),
    ("/my-sign-in", {"clerk", "deputy", "delegate"}),
    ("/audit", {"clerk", "deputy"}),
    ("/audit.csv", {"clerk", "deputy"}),
    ("/accounts", {"clerk", "deputy"}),
    ("/users", {"clerk"}),
]
POSTS = ["/review/1/decide", "/review/bulk", "/users/add", "/users/clerk/change", "/items/1/legal-hold",
         "/items/1/evidence-pack"]


@pytest.mark.parametrize("path", [p for p, _ in PAGES])
def test_pages_need_sign_in(client: FlaskClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("path", POSTS)
def test_posts_need_sign_in(client: FlaskClient, path: str) -> None:
    token_page = client.get("/sign-in").get_data(as_text=True)
    token = token_page.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post(path, data={"csrf_token": token, "decision": "approve", "what": "disable", "reason": "x"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("role", ["clerk", "deputy", "delegate"])
def test_roles_see_only_their_pages(app: App, client: FlaskClient, clock: FakeClock, role: str) -> None:
    app.moderator.poll("sim")
    if role != "clerk":
        add_person(app, "boss", "clerk")
    person = add_person(app, f"a-{role}", role)
    sign_in(client, person, clock)
    for path, roles in PAGES:
        r = client.get(path)
        assert r.status_code == (200 if role in roles else 403), (role, path)


def test_no_councillor_role(app: App) -> None:
    from bot.storage.db import transaction
    from bot.users import UserError, create_user

    with pytest.raises(UserError), transaction(app.sessions) as s:
        create_user(s, "cllr-smith", "councillor")


def test_security_headers_on_every_response(client: FlaskClient) -> None:
    for path in ("/sign-in", "/", "/nope", "/static/app.css"):
        r = client.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src" not in csp and "'unsafe-inline'" not in csp
        assert r.headers["Referrer-Policy"] == "no-referrer"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(signed_in: FlaskClient, app: App) -> None:
    app.moderator.poll("sim")
    for path in ("/", "/review/1", "/audit", "/accounts", "/users", "/my-sign-in"):
        html = signed_in.get(path).get_data(as_text=True)
        assert "<script" not in html and " style=" not in html and "<style" not in html, path
        assert "http://" not in html.split("<main", 1)[0]  # no external assets in the head


def test_healthz_without_sign_in(client: FlaskClient, app: App) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["accounts"][0]["name"] == "sim"
    with transaction(app.sessions) as s:
        s.execute(update(m.Account).values(auth_failed=True))
    r = client.get("/healthz")
    assert r.status_code == 503 and r.get_json()["status"] == "degraded"


def test_healthz_ok_with_live_scheduler(app: App) -> None:
    from datetime import UTC, datetime

    from bot.scheduler import Heartbeat
    from bot.web import create_web_app

    beat = Heartbeat(started_at=datetime.now(UTC))
    beat.beat("execute")
    client = create_web_app(app, beat).test_client()
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["status"] == "ok"


def test_open_redirect_refused(client: FlaskClient, app: App, clock: FakeClock) -> None:
    person = add_person(app)
    token = client.get("/sign-in").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in", data={"name": person.name, "password": person.password, "csrf_token": token,
                                  "next": "//evil.example/x"})
    page = client.get("/sign-in/code").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    import pyotp

    r = client.post("/sign-in/code", data={"code": pyotp.TOTP(person.secret).at(clock.now), "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"] == "/"
