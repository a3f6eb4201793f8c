"""The running service's lease row: how other processes know a service uses this database.

``modbot run`` takes a lease when it starts, renews it from its scheduler every
``RENEW_SECONDS`` and deletes it when it stops cleanly. A service that was killed
leaves a row that expires after ``TTL_SECONDS``. Because the row lives in the
database, a ``modbot restore`` on any host sees a service on any other host, and an
unrelated process that happens to be called "modbot run" means nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import models as m
from bot.storage.db import transaction
from bot.uk_time import for_the_record

log = logging.getLogger(__name__)

RENEW_SECONDS = 30
TTL_SECONDS = 120  # four missed renewals: long enough for a busy machine, short after a crash


@dataclass(frozen=True)
class RunningService:
    host: str
    pid: int
    started_at: datetime
    renewed_at: datetime
    expires_at: datetime

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}, last seen {for_the_record(self.renewed_at)}"


class ServiceLease:
    """This process's lease; ``renew`` is the scheduler job, ``release`` the clean stop."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self.sessions, self.clock = sessions, clock
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.started_at = clock()
        self.id = f"{self.host}:{self.pid}:{self.started_at:%Y%m%dT%H%M%S.%f}"

    def take(self) -> None:
        now = self.clock()
        with transaction(self.sessions) as s:
            s.add(m.ServiceLease(id=self.id, host=self.host, pid=self.pid, started_at=self.started_at,
                                 renewed_at=now, expires_at=now + timedelta(seconds=TTL_SECONDS)))
        log.info("service lease %s taken", self.id)

    def renew(self) -> None:
        now = self.clock()
        with transaction(self.sessions) as s:
            result = s.execute(update(m.ServiceLease).where(m.ServiceLease.id == self.id).values(
                renewed_at=now, expires_at=now + timedelta(seconds=TTL_SECONDS)))
            changed = getattr(result, "rowcount", 0)  # a CursorResult for an UPDATE
        if not changed:  # someone removed it (a restore that was forced): say we are here again
            log.warning("service lease %s was gone; taking it again", self.id)
            self.take()

    def release(self) -> None:
        with transaction(self.sessions) as s:
            s.execute(delete(m.ServiceLease).where(m.ServiceLease.id == self.id))
        log.info("service lease %s released", self.id)


def running_services(engine: Engine, now: datetime) -> list[RunningService]:
    """Services whose lease has not expired; none when the database has no lease table yet."""
    if not inspect(engine).has_table(m.ServiceLease.__tablename__):
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(m.ServiceLease).where(m.ServiceLease.expires_at > now)
                            .order_by(m.ServiceLease.started_at)).all()
    return [RunningService(r.host, r.pid, r.started_at, r.renewed_at, r.expires_at) for r in rows]
