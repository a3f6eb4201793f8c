"""Every time a person reads about a paused sign-in is UK time: in summer (BST) the
code step, the Users page, the audit log and the alert e-mail all say 9:01am for a
pause that ends at 08:01 UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from bot.storage import models as m
from bot.web import create_web_app
from bot.web.throttle import FREE_FAILURES
from tests.support import FakeClock
from tests.web.conftest import Person, add_person, csrf_of, sign_in, unisolated
from tests.web.test_sign_in_abuse import _app, attempt, browser

SUMMER = datetime(2027, 6, 1, 8, 0, tzinfo=UTC)  # 9am BST


def test_a_pause_is_told_in_uk_time_everywhere_in_summer(tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    clock.now = SUMMER
    alerting = _app(tmp_path, db_url, clock, **{"smtp.host": "127.0.0.1", "smtp.sender": "bot@example.gov.uk",
                                                "alerts.recipients": ["clerk@example.gov.uk"]})
    try:
        dep = add_person(alerting, "dep", "deputy")
        clerk = add_person(alerting, "clerk", "clerk")
        web = create_web_app(alerting, config_overrides={"TESTING": True})
        client = browser(web, "203.0.113.5")
        assert attempt(client, dep.name, dep.password)[0] == 302  # the right password: on to the code step
        pages = []
        for _ in range(5):
            r = client.post("/sign-in/code", data={"code": "000000", "csrf_token": csrf_of(client, "/sign-in/code")})
            pages.append(r.get_data(as_text=True))
        with alerting.sessions() as s:
            until = s.execute(select(m.User.locked_until).where(m.User.name == "dep")).scalar_one()
            alert = s.execute(select(m.Alert).where(m.Alert.subject.startswith("Sign-in paused"))).scalar_one()
        assert until == datetime(2027, 6, 1, 8, 1, tzinfo=UTC)
        assert "signing in as dep is paused until 9:01am." in pages[-1] and "8:01" not in pages[-1]
        assert "paused until Tuesday 1 June 2027 at 9:01am (UK time)" in alert.body and "8:01" not in alert.body
        assert "at Tuesday 1 June 2027 at 9am (UK time)" in alert.body  # when the last attempt came

        reader = web.test_client()
        sign_in(reader, clerk, clock)
        users = reader.get("/users").get_data(as_text=True)
        assert "Locked until 1 June 2027 at 9:01am" in users
        log = unisolated(reader.get("/audit").get_data(as_text=True))
        assert "(the last from 203.0.113.5) until 1 June 2027 at 9:01am" in log
        assert "8:01" not in log
    finally:
        alerting.close()


def test_a_throttled_address_is_told_in_uk_time_in_the_audit_log(web: Flask, clerk: Person, clock: FakeClock) -> None:
    clock.now = SUMMER
    guesser = browser(web, "203.0.113.6")
    for i in range(FREE_FAILURES):
        attempt(guesser, f"guess{i}", "wrong password!")
    reader = web.test_client()
    sign_in(reader, clerk, clock)
    log = unisolated(reader.get("/audit").get_data(as_text=True))
    assert "must now wait, after 10 failures until 1 June 2027 at 9am" in log
