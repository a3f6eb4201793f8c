"""Sessions for the page's read-only requests.

The core's SQLite engine starts every transaction with ``BEGIN IMMEDIATE`` (taking
the write lock) so read-then-write work never fails half-way. The page's GET
requests only read: under WAL they can run as plain deferred transactions, each
on its own snapshot, alongside each other and alongside the scheduler's writes,
instead of queueing for the write lock. PostgreSQL needs nothing special.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.storage import db


def read_sessions(app: Any, owner: object) -> sessionmaker[Session]:
    """A session factory for reads; its engine is disposed when ``owner`` goes away."""
    url = app.settings.database_url
    if not url.startswith("sqlite"):
        factory: sessionmaker[Session] = app.sessions
        return factory
    engine: Engine = db.make_engine(url, immediate=False)
    weakref.finalize(owner, engine.dispose)
    return db.make_session_factory(engine)
