"""Fixtures for the clerk's page: the Flask test client on the simulated platform."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.adapter import Adapter
from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import create_user
from bot.web import create_web_app
from tests.support import FakeClock

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Person:
    name: str
    role: str
    password: str
    secret: str
    recovery_codes: tuple[str, ...]


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2id, with cheap parameters: the tests check the logic, not the cost."""
    from argon2 import PasswordHasher

    import bot.users

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(bot.users, "_hasher", fast)
    monkeypatch.setattr(bot.users, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture
def web(app: App) -> Iterator[Flask]:
    flask_app = create_web_app(app, config_overrides={"TESTING": True})
    yield flask_app


@pytest.fixture
def client(web: Flask) -> FlaskClient:
    return web.test_client()


def add_person(app: App, name: str = "clerk", role: str = "clerk", enrolled: bool = True) -> Person:
    with transaction(app.sessions) as s:
        new = create_user(s, name, role, created_by="test")
        if enrolled:
            s.query(m.User).filter(m.User.name == name).one().totp_confirmed = True
    return Person(name, role, new.password, new.totp_secret, new.recovery_codes)


ISOLATION = re.compile(r'<bdi class="untrusted">|</bdi>')


def unisolated(page: str) -> str:
    """``page`` without the ``<bdi>`` isolation around names and handles, for checking
    what a sentence says (``tests/web/test_isolation.py`` checks the isolation itself)."""
    return ISOLATION.sub("", page)


def csrf_of(client: FlaskClient, path: str = "/sign-in") -> str:
    page = client.get(path)
    found = CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def code_for(person: Person, clock: FakeClock) -> str:
    return pyotp.TOTP(person.secret).at(clock.now)


def sign_in(client: FlaskClient, person: Person, clock: FakeClock) -> None:
    token = csrf_of(client)
    r = client.post("/sign-in", data={"name": person.name, "password": person.password, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/sign-in/code"), r.get_data(as_text=True)
    token = csrf_of(client, "/sign-in/code")
    r = client.post("/sign-in/code", data={"code": code_for(person, clock), "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)
    clock.advance(seconds=30)  # the next sign-in in this test gets a fresh code


@pytest.fixture
def clerk(app: App) -> Person:
    return add_person(app)


@pytest.fixture
def signed_in(client: FlaskClient, clerk: Person, clock: FakeClock) -> FlaskClient:
    sign_in(client, clerk, clock)
    return client


@dataclass
class FakePlatform:
    """Stands in for an adapter: the web page only asks what the platform can do."""

    platform: str
    capabilities: frozenset

    def as_adapter(self) -> Adapter:
        """This stand-in where an adapter goes (it answers only what the page asks)."""
        return cast(Adapter, self)


def insert_review(app: App, *, account: str = "sim", platform: str = "simulated", text: str = "a post",
                  html: str = "", spans: list[dict] | None = None, meta: dict | None = None, raw: str = "{}",
                  severity: int = 2, ground: str = "harassment", actions: tuple[str, ...] = ("block",),
                  author_handle: str = "@someone@example.social", display_name: str = "Some One",
                  context_text: str = "", created_at=None) -> int:
    """Put a flagged item straight into the database (hostile content, other platforms)."""
    from bot.audit import sha256_hex

    with transaction(app.sessions) as s:
        acc = s.query(m.Account).filter(m.Account.name == account).one_or_none()
        if acc is None:
            acc = m.Account(name=account, platform=platform, handle=f"@council-{account}", warnings=[])
            s.add(acc)
            s.flush()
        author = m.Author(platform=acc.platform, remote_id=f"{author_handle}-{s.query(m.Author).count()}",
                          handle=author_handle, display_name=display_name)
        s.add(author)
        s.flush()
        now = created_at or app.moderator.clock()
        item = m.Item(account_id=acc.id, remote_id=f"r-{author.id}", kind="reply", author_id=author.id,
                      author_snapshot={"handle": author_handle, "display_name": display_name},
                      text=text, html=html, created_at=now, captured_at=now, meta=meta or {}, raw=raw,
                      raw_sha256=sha256_hex(raw), flagged=True, context_text=context_text)
        s.add(item)
        s.flush()
        s.add(m.Finding(item_id=item.id, rule_id="test_rule", ground=ground, severity=severity,
                        clauses=[], spans=spans or [], explanation="Looks like an insult.",
                        proposed_actions=list(actions), created_at=now))
        review = m.ReviewItem(item_id=item.id, status="pending", severity=severity, created_at=now)
        s.add(review)
        s.flush()
        for kind in actions:
            s.add(m.Action(review_item_id=review.id, account_id=acc.id, kind=kind, state="proposed",
                           idempotency_key=f"act-{review.id}-{kind}", params={}, created_at=now, updated_at=now))
        return review.id
