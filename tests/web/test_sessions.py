"""Server-side sessions: a copied cookie stops working once its session is ended
(sign-out, password change, disabling the user, a two-factor reset, "sign out
everywhere", ending one browser), and no session outlives its absolute lifetime."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import reset_two_factor, set_active
from tests.support import FakeClock
from tests.web.conftest import Person, add_person, csrf_of, sign_in

COOKIE = "modbot_session"  # web.secure_cookies is off in the tests (no __Host- prefix)


def copy_of(web: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (a stolen cookie)."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = web.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def browser_at(web: Flask, address: str, agent: str) -> FlaskClient:
    client = web.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    return client


def signed_in_here(client: FlaskClient) -> bool:
    r = client.get("/")
    return r.status_code == 200


def session_rows(app: App, name: str) -> int:
    with app.sessions() as s:
        return int(s.execute(select(func.count(m.WebSession.id)).join(m.User).where(m.User.name == name))
                   .scalar_one())


def change_password(client: FlaskClient, person: Person, new: str) -> TestResponse:
    return client.post("/my-sign-in", data={"csrf_token": csrf_of(client, "/my-sign-in"), "what": "password",
                                            "current_password": person.password, "new_password": new,
                                            "confirm_password": new})


def test_copied_cookie_is_useless_after_sign_out(web: Flask, signed_in: FlaskClient, app: App) -> None:
    thief = copy_of(web, signed_in)
    assert signed_in_here(thief)  # the copy works while the session lives
    signed_in.post("/sign-out", data={"csrf_token": csrf_of(signed_in, "/")})
    assert not signed_in_here(thief)
    assert not signed_in_here(signed_in)
    assert session_rows(app, "clerk") == 0


def test_password_change_ends_every_other_session(web: Flask, app: App, clerk: Person, clock: FakeClock) -> None:
    here, elsewhere = web.test_client(), web.test_client()
    sign_in(here, clerk, clock)
    sign_in(elsewhere, clerk, clock)
    old_copy = copy_of(web, here)
    r = change_password(here, clerk, "correct horse battery staple 42")
    assert r.status_code == 302, r.get_data(as_text=True)
    assert not signed_in_here(elsewhere)
    assert not signed_in_here(old_copy)  # even this browser's old cookie: it got a new session
    assert signed_in_here(here)
    assert session_rows(app, "clerk") == 1


def test_disabling_or_resetting_a_user_deletes_their_sessions(web: Flask, app: App, clock: FakeClock) -> None:
    add_person(app, "boss", "clerk")
    deputy = add_person(app, "dep", "deputy")
    browser = web.test_client()
    sign_in(browser, deputy, clock)
    with transaction(app.sessions) as s:
        set_active(s, "dep", False, "boss", "left the council")
    assert session_rows(app, "dep") == 0
    with transaction(app.sessions) as s:
        set_active(s, "dep", True, "boss", "came back")
    assert not signed_in_here(browser)  # restoring access does not bring the session back
    sign_in(browser, deputy, clock)
    with transaction(app.sessions) as s:
        reset_two_factor(s, "dep", "boss", "lost phone")
    assert session_rows(app, "dep") == 0 and not signed_in_here(browser)


def test_sessions_listed_and_ended_from_your_sign_in(web: Flask, app: App, clerk: Person, clock: FakeClock) -> None:
    here = browser_at(web, "192.0.2.10", "Firefox on the office PC")
    phone = browser_at(web, "198.51.100.7", "Safari on a phone")
    sign_in(here, clerk, clock)
    sign_in(phone, clerk, clock)
    page = here.get("/my-sign-in").get_data(as_text=True)
    assert "Firefox on the office PC" in page and "Safari on a phone" in page
    assert "198.51.100.7" in page and "this browser" in page
    with app.sessions() as s:
        phone_id = s.execute(select(m.WebSession.id).where(m.WebSession.address == "198.51.100.7")).scalar_one()
    r = here.post("/my-sign-in", data={"csrf_token": csrf_of(here, "/my-sign-in"), "what": "end_session",
                                       "session_id": str(phone_id)})
    assert r.status_code == 302
    assert not signed_in_here(phone) and signed_in_here(here)


def test_cannot_end_someone_elses_session(web: Flask, app: App, clerk: Person, clock: FakeClock) -> None:
    deputy = add_person(app, "dep", "deputy")
    mine, theirs = web.test_client(), web.test_client()
    sign_in(mine, clerk, clock)
    sign_in(theirs, deputy, clock)
    with app.sessions() as s:
        their_id = s.execute(select(m.WebSession.id).join(m.User).where(m.User.name == "dep")).scalar_one()
    mine.post("/my-sign-in", data={"csrf_token": csrf_of(mine, "/my-sign-in"), "what": "end_session",
                                   "session_id": str(their_id)})
    assert signed_in_here(theirs)


def test_sign_out_everywhere(web: Flask, app: App, clerk: Person, clock: FakeClock) -> None:
    here, elsewhere = web.test_client(), web.test_client()
    sign_in(here, clerk, clock)
    sign_in(elsewhere, clerk, clock)
    r = here.post("/my-sign-in", data={"csrf_token": csrf_of(here, "/my-sign-in"), "what": "sign_out_everywhere"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/sign-in")
    assert not signed_in_here(here) and not signed_in_here(elsewhere)
    with app.sessions() as s:
        ended = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "user.sessions_ended")).scalar_one()
    assert ended.details["sessions"] == 2


def test_absolute_lifetime_ends_a_busy_session(signed_in: FlaskClient, clock: FakeClock) -> None:
    for _ in range(35):  # used every 20 minutes: never idle, for 11 h 40 min
        clock.advance(minutes=20)
        assert signed_in_here(signed_in)
    clock.advance(minutes=21)
    r = signed_in.get("/")
    assert r.status_code == 302
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert "signed in a long time ago" in page


def test_the_cookie_holds_only_a_random_token(app: App, signed_in: FlaskClient) -> None:
    """The database keeps a hash of the token, so a copy of the database is no cookie."""
    with app.sessions() as s:
        row = s.execute(select(m.WebSession)).scalar_one()
    page = signed_in.get("/my-sign-in").get_data(as_text=True)
    assert row.token_hash not in page
    assert re.fullmatch(r"[0-9a-f]{64}", row.token_hash)


def _as_wsgi(header: bytes) -> str:
    """A header as a WSGI server (waitress) puts it in the environ: its bytes read as ISO-8859-1."""
    return header.decode("latin-1")


def test_a_browser_name_in_utf8_reads_as_sent_on_your_sign_in(web: Flask, clerk: Person, clock: FakeClock) -> None:
    client = browser_at(web, "192.0.2.40", _as_wsgi("Navigateur élégant – Привет 日本".encode()))
    sign_in(client, clerk, clock)
    page = client.get("/my-sign-in").get_data(as_text=True)
    assert "Navigateur élégant – Привет 日本" in page
    assert "Ã©" not in page and "Ð" not in page  # no mojibake


def test_a_browser_name_that_is_not_utf8_shows_replacement_marks(web: Flask, clerk: Person,
                                                                 clock: FakeClock) -> None:
    client = browser_at(web, "192.0.2.41", _as_wsgi(b"Old \xe9 browser \xff"))
    sign_in(client, clerk, clock)
    page = client.get("/my-sign-in").get_data(as_text=True)
    assert "Old \ufffd browser \ufffd" in page
