"""Where the page may send the browser after sign-in (only its own pages), and the
Strict-Transport-Security header whenever cookies are Secure."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from bot.bootstrap import App
from bot.web import create_web_app
from bot.web.security import safe_next
from tests.support import FakeClock
from tests.web.conftest import Person, code_for, csrf_of

HOSTILE_NEXT = [
    "/%09/evil.example/", "/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "/%0a/evil.example/",
    "/%2509/evil.example/", "//evil.example/", "/%2F/evil.example/", "/\\evil.example/", "/%5cevil.example/",
    "https://evil.example/", "http:evil.example", "javascript:alert(1)", "evil.example", "/\u202e/evil",
    "/ /evil.example/", "/\x00/evil.example", "/no-such-page", "/%00",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_safe_next_refuses_anything_off_this_site(web: Flask, target: str) -> None:
    with web.test_request_context("/"):
        assert safe_next(target, "/") == "/"


@pytest.mark.parametrize("target", ["/", "/items/12", "/audit?actor=clerk&page=2", "/summaries", "/my-sign-in"])
def test_safe_next_keeps_this_sites_pages(web: Flask, target: str) -> None:
    with web.test_request_context("/"):
        assert safe_next(target, "/") == target


def test_sign_in_with_a_hostile_next_lands_on_the_queue(client: FlaskClient, clerk: Person, clock: FakeClock) -> None:
    """The reported attack end to end: ``next=/%09/evil.example/`` became ``Location: //evil.example/``."""
    page = client.get("/sign-in?next=/%09/evil.example/")
    assert page.status_code == 200
    client.post("/sign-in", data={"name": clerk.name, "password": clerk.password, "csrf_token": csrf_of(client),
                                  "next": "/\t/evil.example/"})
    r = client.post("/sign-in/code", data={"code": code_for(clerk, clock),
                                           "csrf_token": csrf_of(client, "/sign-in/code")})
    assert r.status_code == 302
    assert r.headers["Location"] in ("/", "http://localhost/")


def test_hsts_sent_when_cookies_are_secure(app: App) -> None:
    secure = create_web_app(app, config_overrides={"SESSION_COOKIE_SECURE": True,
                                                    "SESSION_COOKIE_NAME": "__Host-modbot"}).test_client()
    for path in ("/sign-in", "/healthz", "/static/app.css", "/no-such-page"):
        hsts = secure.get(path).headers.get("Strict-Transport-Security", "")
        assert "max-age=31536000" in hsts and "includeSubDomains" in hsts, path


def test_no_hsts_over_plain_http(client: FlaskClient) -> None:
    """The demo and tests run on http://127.0.0.1 with Secure cookies off: HSTS there would be wrong."""
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
