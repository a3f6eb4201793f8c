"""Fixtures for the clerk's page: the Flask test client on the simulated platform."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

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
