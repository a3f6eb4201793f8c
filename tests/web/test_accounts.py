"""The accounts page: each account's health, login failures and warnings, and alert
e-mails that could not be delivered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import update

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from bot.web import create_web_app
from tests.support import FakeClock, make_settings
from tests.web.conftest import add_person, sign_in

MASTODON_WARNING = ("Mastodon's notification policy filters private mentions from people the council does not "
                    "follow: direct messages from strangers may never reach the bot.")


def test_warnings_and_a_refused_login_are_told_plainly(app: App, signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")
    with transaction(app.sessions) as s:
        s.execute(update(m.Account).where(m.Account.name == "sim").values(
            warnings=[MASTODON_WARNING], auth_failed=True, last_error="the token was revoked",
            consecutive_failures=3))
    page = signed_in.get("/accounts").get_data(as_text=True)
    assert "Warnings" in page and "may never reach the bot" in page
    assert "Refused by Simulated (demo)" in page and "token or app password is replaced" in page
    assert "the token was revoked" in page and "3 failures in a row" in page


def test_no_warnings_and_no_mail_set_up(app: App, signed_in: FlaskClient) -> None:
    app.moderator.poll("sim")
    page = signed_in.get("/accounts").get_data(as_text=True)
    assert "No warnings." in page and "E-mail alerts are not set up" in page


def with_mail(app: App, tmp_path: Path) -> FlaskClient:
    """The page for an app whose settings name a mail server and a recipient."""
    app.settings = make_settings(tmp_path / "data", app.settings.database_url, **{
        "smtp.host": "mail.example.gov.uk", "alerts.recipients": ["clerk@example.gov.uk"]})
    return create_web_app(app, config_overrides={"TESTING": True}).test_client()


def test_alert_delivery_problems_are_listed(app: App, clock: FakeClock, tmp_path: Path) -> None:
    client = with_mail(app, tmp_path)
    with transaction(app.sessions) as s:
        s.add_all([
            m.Alert(kind="urgent", dedupe_key="review:1", subject="Urgent: Threat on the council's account",
                    body="...", recipients=["clerk@example.gov.uk"], state="pending", attempts=2,
                    last_error="connection refused", next_attempt_at=clock.now + timedelta(minutes=4),
                    created_at=clock.now),
            m.Alert(kind="digest", dedupe_key="digest:2026-11-02", subject="3 items waiting", body="...",
                    recipients=["clerk@example.gov.uk"], state="failed", attempts=1,
                    last_error="550 mailbox unavailable", created_at=clock.now - timedelta(hours=1)),
            m.Alert(kind="digest", dedupe_key="digest:2026-11-01", subject="Delivered fine", body="...",
                    recipients=["clerk@example.gov.uk"], state="sent", attempts=1, created_at=clock.now),
        ])
    sign_in(client, add_person(app), clock)
    page = client.get("/accounts").get_data(as_text=True)
    assert "could not be sent after 2 attempt(s): connection refused (the bot will try again)" in page
    assert "550 mailbox unavailable (the bot has given up on it)" in page
    assert "Delivered fine" not in page and "not set up" not in page
    assert page.index("connection refused") < page.index("550 mailbox")  # newest first


def test_mail_working_without_problems(app: App, clock: FakeClock, tmp_path: Path) -> None:
    client = with_mail(app, tmp_path)
    sign_in(client, add_person(app), clock)
    assert "Alert e-mails are being delivered: no problems." in client.get("/accounts").get_data(as_text=True)
