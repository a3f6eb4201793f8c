"""What a failed sign-in does: count it against the user and the address, audit it,
and alert the clerk when a user is locked or an address is throttled.

The password step answers every failure the same way: a wrong password, an unknown
or disabled user, and any password at all (right or wrong) while the user is
locked. The password is checked (against a dummy hash for unknown users) in every
case, so the answer's timing does not tell them apart either. Only after the right
password, at the code step, does the page say that signing in is paused.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot import audit
from bot.alerts import messages
from bot.alerts.scan import queue_alert
from bot.settings import Settings
from bot.storage import models as m
from bot.users import FREE_ATTEMPTS, is_locked, record_failure
from bot.web import throttle

log = logging.getLogger(__name__)

NOT_RIGHT = ("The name, password or code was not right, or signing in has been paused after too many failed "
             "attempts. Check them and try again in a few minutes; the clerk can lift a pause on the Users page.")


def password_passed(s: Session, settings: Settings, user: m.User | None, ok: bool, address: str,
                    now: datetime) -> bool:
    """True when the password step passed; otherwise the failure has been recorded."""
    if user is not None and user.active and ok and not is_locked(user, now):
        return True
    if user is not None and user.active:
        if ok:  # the right password while locked: refused all the same, and recorded
            audit.record(s, user.name, "login.refused", "user", user.name,
                         {"reason": "locked after failed attempts", "address": address}, at=now)
        else:
            user_failed(s, settings, user, address, now, "password")
            return False
    address_failed(s, settings, address, now)
    return False


def user_failed(s: Session, settings: Settings, user: m.User, address: str, now: datetime, stage: str) -> None:
    """A wrong password or code for a real user: counts towards their lockout and the address's wait."""
    was_locked = is_locked(user, now)
    record_failure(s, user, now, stage)
    if is_locked(user, now) and not was_locked and user.locked_until is not None:
        audit.record(s, user.name, "login.locked", "user", user.name,
                     {"until": user.locked_until.isoformat(), "failures": user.failed_logins, "address": address},
                     at=now)
        if user.failed_logins == FREE_ATTEMPTS:  # e-mail the first pause of a run, not every longer one
            queue_alert(s, settings, messages.sign_in_locked(settings, user.name, user.locked_until, address, now),
                        now)
        log.warning("sign-in for %s paused until %s after %d failures (last from %s)",
                    user.name, user.locked_until, user.failed_logins, address)
    address_failed(s, settings, address, now)


def address_failed(s: Session, settings: Settings, address: str, now: datetime) -> None:
    blocked = throttle.record_failure(s, address, now)
    if blocked is None:
        return
    audit.record(s, "bot", "login.throttled", "address", address,
                 {"failures": blocked.failures, "until": blocked.until.isoformat()}, at=now)
    row = s.get(m.SignInThrottle, address)
    since = row.first_failure_at if row is not None else now
    queue_alert(s, settings, messages.sign_in_throttled(settings, address, blocked.failures, since, now), now)
    log.warning("sign-in attempts from %s throttled after %d failures", address, blocked.failures)


def succeeded(s: Session, address: str) -> None:
    throttle.clear(s, address)
