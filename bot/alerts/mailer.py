"""Delivering queued alerts over SMTP, with retries and recorded failures.

One connection per alert keeps a failure confined to that alert. STARTTLS (port
587) or implicit TLS (port 465) and login are supported; every network step has a
timeout. A refusal with a 5xx code (unknown recipient, sender rejected) fails the
alert at once; anything else (server down, dropped connection, 4xx, wrong
password the operator can still fix) is retried with growing waits.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings, read_secret
from bot.storage import models as m
from bot.storage.db import transaction

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600


class SendFailed(Exception):
    """Delivery failed; ``permanent`` when retrying cannot help. The message is shown to the clerk."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    sender: str
    starttls: bool = True
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 20.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        return cls(
            host=str(settings.get("smtp.host")),
            port=int(settings.get("smtp.port")),
            sender=str(settings.get("smtp.sender")) or f"modbot@{settings.council.email.split('@')[-1]}",
            starttls=bool(settings.get("smtp.starttls")),
            username=read_secret(str(settings.get("smtp.username_env"))),
            password=read_secret(str(settings.get("smtp.password_env"))),
        )


def build_message(cfg: SmtpConfig, alert: m.Alert, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(alert.recipients)
    msg["Subject"] = alert.subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = make_msgid(idstring=f"modbot-alert-{alert.id}")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(alert.body)
    return msg


def deliver(cfg: SmtpConfig, msg: EmailMessage, recipients: list[str]) -> None:
    """Send one message; raise ``SendFailed`` with a plain-language reason."""
    try:
        with _connect(cfg) as smtp:
            if cfg.username and cfg.password:
                smtp.login(cfg.username, cfg.password)
            smtp.send_message(msg, from_addr=cfg.sender, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(f"The mail server did not accept the bot's user name or password ({exc.smtp_code}).") from exc
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise SendFailed(
            f"The mail server refused the recipients ({', '.join(map(str, codes))}).",
            permanent=all(c >= 500 for c in codes),
        ) from exc
    except smtplib.SMTPResponseException as exc:
        reason = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise SendFailed(
            f"The mail server refused the message ({exc.smtp_code} {reason[:120]}).", permanent=exc.smtp_code >= 500
        ) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise SendFailed("The mail server closed the connection before the message was sent.") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(f"The mail server {cfg.host}:{cfg.port} could not be reached ({type(exc).__name__}).") from exc


def _connect(cfg: SmtpConfig) -> smtplib.SMTP:
    context = cfg.ssl_context or ssl.create_default_context()
    if cfg.port == 465:
        return smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
    try:
        smtp.ehlo()
        if cfg.starttls:
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def send_pending(
    settings: Settings,
    sessions: sessionmaker[Session],
    now: datetime,
    *,
    config: SmtpConfig | None = None,
    limit: int = 20,
    deliver_fn: Callable[[SmtpConfig, EmailMessage, list[str]], None] = deliver,
) -> SendResult:
    """Deliver alerts that are due; record success, or the error and when to try again."""
    result = SendResult()
    if not settings.get("smtp.host") and config is None:
        return result
    cfg = config or SmtpConfig.from_settings(settings)
    with sessions() as s:
        due = (
            s.execute(
                select(m.Alert)
                .where(
                    m.Alert.state == "pending", or_(m.Alert.next_attempt_at.is_(None), m.Alert.next_attempt_at <= now)
                )
                .order_by(m.Alert.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    for alert in due:
        try:
            deliver_fn(cfg, build_message(cfg, alert, now), list(alert.recipients))
        except SendFailed as exc:
            _record_failure(sessions, alert.id, exc, now, result)
        else:
            _record_sent(sessions, alert.id, now)
            result.sent += 1
    return result


def _record_sent(sessions: sessionmaker[Session], alert_id: int, now: datetime) -> None:
    with transaction(sessions) as s:
        row = s.get_one(m.Alert, alert_id)
        row.state, row.sent_at, row.attempts, row.last_error = "sent", now, row.attempts + 1, None


def _record_failure(
    sessions: sessionmaker[Session], alert_id: int, exc: SendFailed, now: datetime, result: SendResult
) -> None:
    with transaction(sessions) as s:
        row = s.get_one(m.Alert, alert_id)
        row.attempts += 1
        row.last_error = str(exc)
        if exc.permanent or row.attempts >= MAX_ATTEMPTS:
            row.state, row.next_attempt_at = "failed", None
            result.failed += 1
            log.error("alert %s could not be sent, giving up: %s", alert_id, exc)
        else:
            wait = min(BACKOFF_SECONDS * 2 ** (row.attempts - 1), MAX_BACKOFF_SECONDS)
            row.next_attempt_at = now + timedelta(seconds=wait)
            result.retrying += 1
            log.warning("alert %s not sent (attempt %d), retrying in %ss: %s", alert_id, row.attempts, wait, exc)
