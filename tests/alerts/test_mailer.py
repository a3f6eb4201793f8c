"""Delivery through real SMTP servers in the test process: accepting, STARTTLS + login, refusing, hanging up."""

from __future__ import annotations

import ssl
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.alerts import SmtpConfig, delivery_problems, send_pending
from bot.alerts.mailer import MAX_ATTEMPTS
from bot.storage import models as m
from bot.storage.db import transaction
from tests.alerts.conftest import NOW, RECIPIENTS, AlertEnv
from tests.alerts.smtp_servers import PASSWORD, USER, Inbox, body_text, hang_up_server, smtp_server


def queue(env: AlertEnv, key: str = "review:1") -> int:
    with transaction(env.sessions) as s:
        row = m.Alert(kind="urgent", dedupe_key=key, subject="Urgent: Threats on the council's Mastodon account",
                      body="Open it: https://modbot.example.gov.uk/items/7", recipients=RECIPIENTS,
                      state="pending", attempts=0, next_attempt_at=NOW, created_at=NOW)
        s.add(row)
        s.flush()
        return row.id


def alert(env: AlertEnv, alert_id: int) -> m.Alert:
    with env.sessions() as s:
        return s.execute(select(m.Alert).where(m.Alert.id == alert_id)).scalar_one()


def plain(port: int) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, sender="modbot@example.gov.uk", starttls=False, timeout=5)


def test_delivers_to_every_recipient_and_marks_sent(alert_env: AlertEnv) -> None:
    alert_id = queue(alert_env)
    inbox = Inbox()
    with smtp_server(inbox) as port:
        result = send_pending(alert_env.settings, alert_env.sessions, NOW, config=plain(port))
    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    ((sender, rcpts, msg),) = inbox.messages
    assert sender == "modbot@example.gov.uk" and rcpts == RECIPIENTS
    assert msg["Subject"] == "Urgent: Threats on the council's Mastodon account"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert "https://modbot.example.gov.uk/items/7" in body_text(msg)
    row = alert(alert_env, alert_id)
    assert (row.state, row.attempts, row.last_error, row.sent_at) == ("sent", 1, None, NOW)
    with smtp_server(inbox) as port:  # sent alerts are not sent again
        assert send_pending(alert_env.settings, alert_env.sessions, NOW, config=plain(port)).sent == 0


def test_starttls_and_login(alert_env: AlertEnv, tls_cert: tuple[Path, Path]) -> None:
    queue(alert_env)
    inbox = Inbox()
    trust = ssl.create_default_context(cafile=str(tls_cert[0]))
    with smtp_server(inbox, tls_cert) as port:
        cfg = SmtpConfig(host="127.0.0.1", port=port, sender="modbot@example.gov.uk", starttls=True,
                         username=USER, password=PASSWORD, timeout=5, ssl_context=trust)
        assert send_pending(alert_env.settings, alert_env.sessions, NOW, config=cfg).sent == 1
    assert len(inbox.messages) == 1


def test_wrong_password_is_retried_with_backoff_and_shown(alert_env: AlertEnv, tls_cert: tuple[Path, Path]) -> None:
    alert_id = queue(alert_env)
    trust = ssl.create_default_context(cafile=str(tls_cert[0]))
    with smtp_server(Inbox(), tls_cert) as port:
        cfg = SmtpConfig(host="127.0.0.1", port=port, sender="modbot@example.gov.uk", starttls=True,
                         username=USER, password="wrong", timeout=5, ssl_context=trust)
        result = send_pending(alert_env.settings, alert_env.sessions, NOW, config=cfg)
        assert result.retrying == 1
        # Not due yet: nothing is attempted before the backoff has passed.
        early = send_pending(alert_env.settings, alert_env.sessions, NOW + timedelta(seconds=30), config=cfg)
        assert early.retrying == 0
        due = send_pending(alert_env.settings, alert_env.sessions, NOW + timedelta(seconds=61), config=cfg)
        assert due.retrying == 1
    row = alert(alert_env, alert_id)
    assert (row.state, row.attempts) == ("pending", 2)
    assert row.next_attempt_at == NOW + timedelta(seconds=61 + 120)
    assert "user name or password (535)" in (row.last_error or "")
    with alert_env.sessions() as s:
        (problem,) = delivery_problems(s)
    assert problem.alert_id == alert_id and "will try again" in problem.sentence and "535" in problem.sentence


def test_refused_recipient_fails_at_once(alert_env: AlertEnv) -> None:
    alert_id = queue(alert_env)
    with smtp_server(Inbox(refuse_rcpt=True)) as port:
        result = send_pending(alert_env.settings, alert_env.sessions, NOW, config=plain(port))
    assert result.failed == 1
    row = alert(alert_env, alert_id)
    assert row.state == "failed" and row.next_attempt_at is None
    assert row.last_error == "The mail server refused the recipients (550)."
    with alert_env.sessions() as s:
        assert "given up" in delivery_problems(s)[0].sentence


def test_dropped_connection_is_retried_then_given_up(alert_env: AlertEnv) -> None:
    alert_id = queue(alert_env)
    when = NOW
    with hang_up_server() as port:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            result = send_pending(alert_env.settings, alert_env.sessions, when, config=plain(port))
            row = alert(alert_env, alert_id)
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert result.retrying == 1 and row.state == "pending"
                assert row.next_attempt_at is not None
                when = row.next_attempt_at
    assert result.failed == 1 and row.state == "failed"
    assert row.last_error == "The mail server closed the connection before the message was sent."


def test_unreachable_server(alert_env: AlertEnv) -> None:
    alert_id = queue(alert_env)
    with hang_up_server() as port:
        pass  # closed again: nothing listens on the port now
    send_pending(alert_env.settings, alert_env.sessions, NOW, config=plain(port))
    assert "could not be reached (ConnectionRefusedError)" in (alert(alert_env, alert_id).last_error or "")
