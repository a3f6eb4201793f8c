"""How an account's polling is going, recorded honestly.

* A login failure (``auth_failed``) stays until a poll succeeds or ``modbot account
  check`` passes: starting a command or the service does not clear it.
* A poll refused for a login failure is retried by itself at a slow pace (once when a
  process starts, then every ``AUTH_RETRY``), so a fixed password heals without a
  restart and a refused one is not hammered.
* A good poll clears the last error and the count of failures in a row.
* Expected platform errors are logged as one line, not a traceback.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot import audit
from bot.errors import AuthFailed, PlatformError, RateLimited
from bot.storage import models as m
from bot.uk_time import at

log = logging.getLogger(__name__)
AUTH_RETRY = timedelta(minutes=15)


def failure_sentence(exc: PlatformError) -> str:
    """What happened, in a sentence for the clerk (no class names)."""
    detail = str(exc).strip()
    if not detail or detail == exc.title:
        return exc.title
    return f"{exc.title} {detail[0].upper()}{detail[1:]}{'' if detail.endswith('.') else '.'}"


def record_failure(s: Session, account: m.Account, exc: PlatformError, now: datetime) -> None:
    log.warning("poll of %s failed at %s: %s", account.name, at(now, now), failure_sentence(exc))
    account.last_poll_at = account.last_error_at = now
    account.last_error = failure_sentence(exc)[:1000]
    account.consecutive_failures += 1
    if isinstance(exc, RateLimited) and exc.retry_at:
        account.paused_until = datetime.fromtimestamp(exc.retry_at, tz=now.tzinfo)
    if isinstance(exc, AuthFailed) and not account.auth_failed:
        account.auth_failed = True
        audit.record(s, "bot", "account.auth_failed", "account", account.id,
                     {"account": account.name, "error": str(exc)[:300]}, at=now)


def record_success(s: Session, account: m.Account, now: datetime, requests: int) -> None:
    account.last_poll_at = account.last_poll_ok_at = now
    account.consecutive_failures = 0
    account.last_poll_requests = requests
    account.paused_until = None
    account.last_error = None
    if account.auth_failed:
        restore_login(s, account, now, "a poll succeeded")


def restore_login(s: Session, account: m.Account, now: datetime, how: str) -> None:
    """The login works again (a poll succeeded, or ``account check`` passed)."""
    if not account.auth_failed:
        return
    account.auth_failed = False
    account.last_error = None
    audit.record(s, "bot", "account.auth_restored", "account", account.id, {"account": account.name, "how": how},
                 at=now)
    log.info("account %s: the login works again (%s)", account.name, how)


def why_not_now(account: m.Account, now: datetime, tried_in_this_process: bool) -> str:
    """'' when a poll may go ahead; otherwise the reason it waits, for the clerk."""
    if account.paused_until and account.paused_until > now:
        return f"waiting for the platform's limit until {at(account.paused_until, now)}"
    if account.auth_failed and tried_in_this_process and account.last_error_at \
            and now - account.last_error_at < AUTH_RETRY:
        retry = account.last_error_at + AUTH_RETRY
        return (f"the login was refused at {at(account.last_error_at, now)}; the bot tries again at "
                f"{at(retry, now)} (or run 'modbot account check' after fixing it)")
    return ""
