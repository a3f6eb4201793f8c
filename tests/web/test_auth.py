"""Sign-in: password and TOTP, enrolment with a QR code, recovery codes, lockout,
idle expiry, CSRF and sign-out."""

from __future__ import annotations

from datetime import UTC, datetime

import pyotp
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import set_active
from tests.support import FakeClock
from tests.web.conftest import Person, add_person, csrf_of, sign_in


def post_password(client: FlaskClient, name: str, password: str) -> TestResponse:
    return client.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf_of(client)})


def post_code(client: FlaskClient, **fields: str) -> TestResponse:
    return client.post("/sign-in/code", data={"csrf_token": csrf_of(client, "/sign-in/code"), **fields})


def audit_events(app: App, event: str) -> list[m.AuditEvent]:
    with app.sessions() as s:
        return list(s.execute(select(m.AuditEvent).where(m.AuditEvent.event == event)).scalars())


def user(app: App, name: str) -> m.User:
    with app.sessions() as s:
        return s.execute(select(m.User).where(m.User.name == name)).scalar_one()


def test_password_and_code_sign_in(app: App, client: FlaskClient, clerk: Person, clock: FakeClock) -> None:
    sign_in(client, clerk, clock)
    assert client.get("/").status_code == 200
    assert [e.actor for e in audit_events(app, "login.succeeded")] == ["clerk"]


def test_password_alone_is_not_enough(client: FlaskClient, clerk: Person) -> None:
    r = post_password(client, clerk.name, clerk.password)
    assert r.status_code == 302 and r.headers["Location"].endswith("/sign-in/code")
    assert client.get("/").status_code == 302  # still not signed in


def test_wrong_password_and_unknown_user_look_the_same(client: FlaskClient, clerk: Person) -> None:
    wrong = post_password(client, clerk.name, "not the password")
    unknown = post_password(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "was not right" in wrong.get_data(as_text=True) and "was not right" in unknown.get_data(as_text=True)


def test_wrong_code_refused_and_code_reuse_refused(app: App, client: FlaskClient, clerk: Person,
                                                    clock: FakeClock) -> None:
    post_password(client, clerk.name, clerk.password)
    assert post_code(client, code="000000").status_code == 401
    code = pyotp.TOTP(clerk.secret).at(clock.now)
    assert post_code(client, code=code).status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_of(client, "/")})
    post_password(client, clerk.name, clerk.password)
    assert post_code(client, code=code).status_code == 401  # the same code cannot be replayed


def test_lockout_grows_after_repeated_failures(app: App, client: FlaskClient, clerk: Person,
                                               clock: FakeClock) -> None:
    clock.now = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)  # summer: the lock is told in BST, not UTC
    for _ in range(5):
        assert post_password(client, clerk.name, "wrong password!").status_code == 401
    locked = user(app, clerk.name)
    assert locked.failed_logins == 5 and locked.locked_until is not None
    first_lock = locked.locked_until - clock.now
    r = post_password(client, clerk.name, clerk.password)  # the right password while locked: refused
    assert r.status_code == 401 and "was not right, or signing in has been paused" in r.get_data(as_text=True)
    post_password(client, clerk.name, "wrong password!")
    relocked = user(app, clerk.name).locked_until
    assert relocked is not None and relocked - clock.now > first_lock  # the delay grows
    clock.advance(hours=2)
    assert post_password(client, clerk.name, clerk.password).status_code == 302
    assert len(audit_events(app, "login.failed")) == 6
    assert len(audit_events(app, "login.refused")) == 1


def test_code_failures_count_towards_lockout(app: App, client: FlaskClient, clerk: Person) -> None:
    post_password(client, clerk.name, clerk.password)
    for _ in range(5):
        post_code(client, code="123456")
    assert user(app, clerk.name).locked_until is not None
    assert post_code(client, code="123456").status_code == 401


def test_enrolment_with_qr_code_then_recovery_codes(app: App, client: FlaskClient, clock: FakeClock) -> None:
    person = add_person(app, "deputy1", "deputy", enrolled=False)
    r = post_password(client, person.name, person.password)
    assert r.headers["Location"].endswith("/sign-in/set-up")
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert "<svg" in page and person.secret in page
    token = csrf_of(client, "/sign-in/set-up")
    assert client.post("/sign-in/set-up", data={"code": "999999", "csrf_token": token}).status_code == 401
    r = client.post("/sign-in/set-up", data={"code": pyotp.TOTP(person.secret).at(clock.now), "csrf_token": token})
    assert r.status_code == 200 and "authenticator app is set up" in r.get_data(as_text=True)
    assert user(app, "deputy1").totp_confirmed
    assert client.get("/").status_code == 200
    assert audit_events(app, "user.two_factor_enrolled")


def test_unenrolled_user_cannot_skip_enrolment(app: App, client: FlaskClient) -> None:
    person = add_person(app, "deputy2", "deputy", enrolled=False)
    post_password(client, person.name, person.password)
    assert client.get("/sign-in/code").status_code == 302
    assert client.get("/").status_code == 302


def test_recovery_code_works_once(app: App, client: FlaskClient, clerk: Person) -> None:
    code = clerk.recovery_codes[0]
    post_password(client, clerk.name, clerk.password)
    r = post_code(client, recovery_code=code.upper().replace("-", " "))
    assert r.status_code == 302
    assert len(user(app, clerk.name).recovery_codes) == 9
    client.post("/sign-out", data={"csrf_token": csrf_of(client, "/")})
    post_password(client, clerk.name, clerk.password)
    assert post_code(client, recovery_code=code).status_code == 401
    with app.sessions() as s:
        stored = s.execute(select(m.User.recovery_codes).where(m.User.name == clerk.name)).scalar_one()
    assert all(c not in str(stored) for c in clerk.recovery_codes)  # only hashes are stored


def test_session_expires_when_idle(client: FlaskClient, clerk: Person, clock: FakeClock) -> None:
    sign_in(client, clerk, clock)
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200  # activity keeps it alive
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=31)
    r = client.get("/")
    assert r.status_code == 302
    assert "not used for a while" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_disabled_user_is_signed_out_at_once(app: App, client: FlaskClient, clock: FakeClock) -> None:
    add_person(app, "boss", "clerk")
    deputy = add_person(app, "dep", "deputy")
    sign_in(client, deputy, clock)
    with transaction(app.sessions) as s:
        set_active(s, "dep", False, "boss", "left the council")
    assert client.get("/").status_code == 302


def test_csrf_token_required(signed_in: FlaskClient, app: App) -> None:
    app.moderator.poll("sim")
    assert signed_in.post("/review/1/decide", data={"decision": "reject", "reason": "x"}).status_code == 400
    assert signed_in.post("/review/1/decide", data={"decision": "reject", "reason": "x",
                                                    "csrf_token": "forged"}).status_code == 400
    assert signed_in.post("/sign-out").status_code == 400
    assert signed_in.get("/").status_code == 200  # still signed in


def test_cookie_flags(app: App, clerk: Person, clock: FakeClock) -> None:
    from bot.web import create_web_app

    secure_app = create_web_app(app, config_overrides={"SESSION_COOKIE_SECURE": True,
                                                        "SESSION_COOKIE_NAME": "__Host-modbot"})
    client = secure_app.test_client()
    r = client.get("/sign-in")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert cookie.startswith("__Host-modbot=")


def test_sign_out(app: App, signed_in: FlaskClient) -> None:
    r = signed_in.post("/sign-out", data={"csrf_token": csrf_of(signed_in, "/")})
    assert r.status_code == 302
    assert signed_in.get("/").status_code == 302
    assert audit_events(app, "logout")


def test_change_password(app: App, signed_in: FlaskClient, clerk: Person) -> None:
    token = csrf_of(signed_in, "/my-sign-in")
    bad = signed_in.post("/my-sign-in", data={"csrf_token": token, "what": "password", "current_password": "nope",
                                              "new_password": "a long new password", "confirm_password":
                                              "a long new password"})
    assert bad.status_code == 400
    short = signed_in.post("/my-sign-in", data={"csrf_token": token, "what": "password",
                                                "current_password": clerk.password, "new_password": "short",
                                                "confirm_password": "short"})
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    common = signed_in.post("/my-sign-in", data={"csrf_token": token, "what": "password",
                                                 "current_password": clerk.password, "new_password": "password1234",
                                                 "confirm_password": "password1234"})
    assert common.status_code == 400 and "too easy to guess" in common.get_data(as_text=True)
    ok = signed_in.post("/my-sign-in", data={"csrf_token": token, "what": "password",
                                             "current_password": clerk.password,
                                             "new_password": "a long new password", "confirm_password":
                                             "a long new password"})
    assert ok.status_code == 302
    assert audit_events(app, "user.password_changed")


def test_new_recovery_codes_replace_the_old(app: App, signed_in: FlaskClient, clerk: Person) -> None:
    token = csrf_of(signed_in, "/my-sign-in")
    r = signed_in.post("/my-sign-in", data={"csrf_token": token, "what": "recovery_codes"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "will not be shown again" in page
    assert clerk.recovery_codes[0] not in page
    assert audit_events(app, "user.recovery_codes_renewed")
