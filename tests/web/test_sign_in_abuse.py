"""Sign-in under attack: a locked account and an unknown name answer exactly like a
wrong password (and cost the same password check), each address is throttled with
growing waits (measured on the test's clock, never by sleeping), the client
address comes from X-Forwarded-For only through a trusted proxy, and lockouts and
throttling are audited and e-mailed to the clerk."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import bot.users
from bot.bootstrap import App, build_app
from bot.storage import models as m
from bot.web import create_web_app
from bot.web.throttle import FREE_FAILURES, client_address, networks
from tests.support import FakeClock, make_settings
from tests.web.conftest import Person, add_person, csrf_of, unisolated

HIDDEN = re.compile(r'(name="csrf_token" value=")[^"]+|(name="name" type="text"[^>]*value=")[^"]*')


def browser(web: Flask, address: str = "192.0.2.1", forwarded_for: str | None = None) -> FlaskClient:
    client = web.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded_for is not None:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def attempt(client: FlaskClient, name: str, password: str) -> tuple[int, str]:
    r = client.post("/sign-in", data={"name": name, "password": password, "csrf_token": csrf_of(client)})
    return r.status_code, HIDDEN.sub(lambda mt: mt.group(1) or mt.group(2), r.get_data(as_text=True))


def events(app: App, event: str) -> list[m.AuditEvent]:
    with app.sessions() as s:
        return list(s.execute(select(m.AuditEvent).where(m.AuditEvent.event == event)).scalars())


@pytest.fixture
def verify_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Argon2 verification made, by which hash (real or the dummy)."""
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:  # noqa: A002 - argon2's name
            calls.append("dummy" if hash == bot.users._DUMMY_HASH else "real")
            return super().verify(hash, password)

    monkeypatch.setattr(bot.users, "_hasher", Counting(time_cost=1, memory_cost=1024, parallelism=1))
    return calls


def test_while_locked_right_and_wrong_passwords_get_the_same_answer(web: Flask, clerk: Person) -> None:
    client = browser(web)
    for _ in range(5):
        attempt(client, clerk.name, "wrong password!")
    right = attempt(client, clerk.name, clerk.password)
    wrong = attempt(client, clerk.name, "another wrong one")
    assert right == wrong
    assert right[0] == 401 and "paused until" not in right[1]


def test_unknown_user_answers_like_a_real_one_even_at_the_lockout(web: Flask, clerk: Person,
                                                                   verify_calls: list[str]) -> None:
    real, unknown = browser(web, "192.0.2.1"), browser(web, "192.0.2.2")
    real_answers = [attempt(real, clerk.name, "wrong password!") for _ in range(7)]
    unknown_answers = [attempt(unknown, "no-such-user", "wrong password!") for _ in range(7)]
    assert real_answers == unknown_answers  # the fifth (the lockout) included
    # the same work each time: one Argon2 check, against the dummy hash for the unknown name
    assert verify_calls == ["real"] * 7 + ["dummy"] * 7


def test_disabled_user_answers_like_a_wrong_password(web: Flask, app: App, clerk: Person) -> None:
    from bot.storage.db import transaction
    from bot.users import set_active

    other = add_person(app, "dep", "deputy")
    with transaction(app.sessions) as s:
        set_active(s, "dep", False, "clerk", "left")
    assert attempt(browser(web, "192.0.2.3"), "dep", other.password) == \
        attempt(browser(web, "192.0.2.3"), "nobody", other.password)


def test_dummy_hash_costs_the_same_as_a_real_one() -> None:
    from argon2 import PasswordHasher
    from argon2.profiles import RFC_9106_LOW_MEMORY

    bot.users._DUMMY_HASH = None
    bot.users._hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
    bot.users.prepare_dummy_hash()
    from argon2 import extract_parameters

    assert bot.users._DUMMY_HASH is not None
    assert extract_parameters(bot.users._DUMMY_HASH) == extract_parameters(bot.users.hash_password("x" * 12))


def test_address_throttle_grows_and_skips_the_password_check(web: Flask, app: App, clerk: Person, clock: FakeClock,
                                                             verify_calls: list[str]) -> None:
    client = browser(web, "203.0.113.9")
    names = [f"guess{i}" for i in range(FREE_FAILURES)]  # spread over names: no user lockout helps
    for name in names:
        assert attempt(client, name, "password123")[0] == 401
    checks = len(verify_calls)
    status, page = attempt(client, clerk.name, clerk.password)  # even the right password waits
    assert status == 429 and "Wait 5 seconds" in page
    assert len(verify_calls) == checks  # no Argon2 work while waiting
    assert attempt(browser(web, "203.0.113.10"), clerk.name, "wrong!")[0] == 401  # another address is not held
    clock.advance(seconds=6)
    assert attempt(client, "guess-again", "password123")[0] == 401
    status, page = attempt(client, clerk.name, clerk.password)
    assert status == 429 and "Wait 10 seconds" in page  # the wait doubled
    clock.advance(seconds=11)
    assert attempt(client, clerk.name, clerk.password)[0] == 302  # and the right password then works
    assert len(events(app, "login.throttled")) == 1


def test_throttle_is_forgotten_after_an_hour(web: Flask, clock: FakeClock) -> None:
    client = browser(web, "203.0.113.20")
    for i in range(FREE_FAILURES):
        attempt(client, f"guess{i}", "password123")
    clock.advance(hours=1, seconds=1)
    assert attempt(client, "guess", "password123")[0] == 401


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    trusting = _app(tmp_path, db_url, clock, **{"web.trusted_proxies": ["10.0.0.2"]})
    try:
        web = create_web_app(trusting, config_overrides={"TESTING": True})
        via_proxy = browser(web, "10.0.0.2", forwarded_for="198.51.100.1, 203.0.113.50")
        spoofing = browser(web, "192.0.2.99", forwarded_for="203.0.113.51")
        attempt(via_proxy, "someone", "wrong")
        attempt(spoofing, "someone", "wrong")
        with trusting.sessions() as s:
            counted = set(s.execute(select(m.SignInThrottle.address)).scalars())
        assert counted == {"203.0.113.50", "192.0.2.99"}  # the proxy's word, and the spoofer's real address
    finally:
        trusting.close()


def test_client_address_rules() -> None:
    proxies = networks(["10.0.0.0/8", "::1"])
    assert client_address("192.0.2.1", "203.0.113.1", proxies) == "192.0.2.1"
    assert client_address("10.0.0.2", "203.0.113.1", proxies) == "203.0.113.1"
    assert client_address("10.0.0.2", "6.6.6.6, 203.0.113.1, 10.1.1.1", proxies) == "203.0.113.1"
    assert client_address("10.0.0.2", "not-an-address", proxies) == "10.0.0.2"
    assert client_address("10.0.0.2", None, proxies) == "10.0.0.2"
    assert client_address("::1", "2001:db8::5", proxies) == "2001:db8::5"
    assert client_address("10.0.0.2", "203.0.113.1", ()) == "10.0.0.2"


def test_lockout_and_throttle_are_alerted_once(tmp_path: Path, db_url: str, clock: FakeClock) -> None:
    alerting = _app(tmp_path, db_url, clock, **{"smtp.host": "127.0.0.1", "smtp.sender": "bot@example.gov.uk",
                                                "alerts.recipients": ["clerk@example.gov.uk"]})
    try:
        person = add_person(alerting, "clerk", "clerk")
        web = create_web_app(alerting, config_overrides={"TESTING": True})
        client = browser(web, "203.0.113.77")
        for _ in range(FREE_FAILURES + 3):
            attempt(client, person.name, "wrong password!")
            clock.advance(minutes=20)  # past each growing wait, so every attempt is checked
        with alerting.sessions() as s:
            alerts = list(s.execute(select(m.Alert).order_by(m.Alert.id)).scalars())
            locked = list(s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "login.locked")).scalars())
        subjects = [a.subject for a in alerts]
        assert len(locked) > 1  # each new pause is audited...
        assert subjects.count("Sign-in paused for clerk after repeated failures") == 1  # ...the first is e-mailed
        assert subjects.count("Repeated failed sign-ins to the moderation page") == 1
        throttled = next(a for a in alerts if a.subject.startswith("Repeated"))
        assert "203.0.113.77" in throttled.body and "wrong password" not in throttled.body
    finally:
        alerting.close()


def _app(tmp_path: Path, db_url: str, clock: FakeClock, **overrides: object) -> App:
    from adapters.simulated import SimulatedAdapter

    settings = make_settings(tmp_path / "data2", db_url, **overrides)
    adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim2.json",
                               council_name=settings.council.name, initial=0, total=0, clock=clock)
    return build_app(settings, adapters={"sim": adapter}, run_migrations=False, clock=clock)


@pytest.fixture(autouse=True)
def _restore_hasher() -> Iterator[None]:
    saved = bot.users._hasher, bot.users._DUMMY_HASH
    yield
    bot.users._hasher, bot.users._DUMMY_HASH = saved


def test_by_default_only_a_proxy_on_this_machine_is_believed(tmp_path: Path) -> None:
    trusted = networks(make_settings(tmp_path).get("web.trusted_proxies"))
    assert client_address("127.0.0.1", "203.0.113.1", trusted) == "203.0.113.1"
    assert client_address("::1", "203.0.113.1", trusted) == "203.0.113.1"
    assert client_address("198.51.100.3", "203.0.113.1", trusted) == "198.51.100.3"


def test_lockouts_and_throttling_read_plainly_in_the_audit_log(web: Flask, app: App, clerk: Person,
                                                              clock: FakeClock) -> None:
    from tests.web.conftest import sign_in

    add_person(app, "dep", "deputy")
    guesser = browser(web, "203.0.113.66")
    for _ in range(FREE_FAILURES):
        attempt(guesser, "dep", "wrong password!")
    reader = web.test_client()
    sign_in(reader, clerk, clock)
    page = unisolated(reader.get("/audit").get_data(as_text=True))  # the people's entries, the default view
    assert "Signing in as dep was paused after 5 failed attempts (the last from 203.0.113.66)" in page
    assert "Sign-in attempts from the address 203.0.113.66 must now wait, after 10 failures" in page
    assert "login.locked" not in page.split("Technical record")[0]
