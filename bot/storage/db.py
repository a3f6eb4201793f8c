"""Engine and session set-up, and migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the web page
and the scheduler threads can share one file; PostgreSQL is used as given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import migrations
from bot.errors import ModbotError


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let the "begin" hook issue BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at the start of every transaction: a read-then-write
    # transaction in WAL mode would otherwise fail with "database is locked" when
    # another thread committed in between (the scheduler and the web page share
    # the file). Waiting writers queue behind busy_timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, immediate: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url``. On SQLite, ``immediate=False`` gives plain deferred
    transactions: right for read-only work (the web page's GET requests), which then
    runs on its own WAL snapshot without queueing for the write lock."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate if immediate else _sqlite_begin_deferred)
        return engine
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=5, max_overflow=5)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        directory = Path(path).parent
        if not directory.exists():
            directory.mkdir(parents=True, mode=0o700)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    """Apply migrations up to ``revision``; refuse a database newer than this release."""
    check_not_newer(url)
    command.upgrade(alembic_config(url), revision)
    _protect_sqlite_file(url)


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    assert head is not None
    return head


class DatabaseTooNew(ModbotError):
    title = "The database was upgraded by a newer release of council-modbot."


def check_not_newer(url: str) -> None:
    """A downgraded release must not touch a database migrated by a newer one."""
    current = current_revision(url)
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config(url))
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise DatabaseTooNew(
            f"The database is at schema revision {current!r}, which this release of "
            "council-modbot does not know: it was upgraded by a newer release. Install "
            "that release again (or restore a backup made before the upgrade)."
        )


def is_up_to_date(url: str) -> bool:
    return current_revision(url) == head_revision()


def _protect_sqlite_file(url: str) -> None:
    if url.startswith("sqlite") and "///" in url:
        path = Path(url.split("///", 1)[1])
        if path.exists():
            os.chmod(path, 0o600)
