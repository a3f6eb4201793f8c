"""Alert delivery problems, for the accounts page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage import models as m


@dataclass(frozen=True)
class AlertProblem:
    alert_id: int
    kind: str
    subject: str
    state: str  # "pending" (will retry) or "failed" (gave up)
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None

    @property
    def sentence(self) -> str:
        """One line for the clerk, e.g. on the accounts page."""
        then = "the bot will try again" if self.state == "pending" else "the bot has given up on it"
        return (f"The e-mail “{self.subject}” could not be sent after {self.attempts} attempt(s): "
                f"{self.last_error} ({then}).")


def delivery_problems(session: Session, limit: int = 10) -> list[AlertProblem]:
    """Alerts that failed, or are waiting to retry after a failure, newest first."""
    rows = session.execute(
        select(m.Alert)
        .where(m.Alert.last_error.is_not(None), m.Alert.state.in_(("pending", "failed")))
        .order_by(m.Alert.created_at.desc(), m.Alert.id.desc())
        .limit(limit)
    ).scalars()
    return [
        AlertProblem(a.id, a.kind, a.subject, a.state, a.attempts, a.last_error or "", a.created_at, a.next_attempt_at)
        for a in rows
    ]
