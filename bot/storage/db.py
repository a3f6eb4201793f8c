"""Engine and session set-up, and migrations.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so the web page
and the scheduler threads can share one file. PostgreSQL connections carry a
``lock_timeout`` and a ``statement_timeout``, so a lock held by another process
stalls nothing silently. On both, a lock that does not come free in time becomes
``DatabaseBusy``: one plain sentence for the operator, and the next scheduled run
tries again. Migrations run under a lock (a PostgreSQL advisory lock, or a file
lock beside the SQLite file), so two services starting on an empty database
take turns instead of racing.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, pool, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

import migrations
from bot import crashpoints
from bot.errors import ModbotError

log = logging.getLogger(__name__)

#: How long a statement waits for another process's lock before giving up (seconds).
DEFAULT_WAIT_SECONDS = 15
#: PostgreSQL: the longest any one statement may run (a runaway query, not a lock wait).
STATEMENT_TIMEOUT_SECONDS = 300
#: The advisory-lock key migrations take ("modbot" as a number; any fixed value works).
MIGRATION_LOCK_KEY = 0x6D6F64626F74
_BUSY_SQLSTATES = {"55P03": "lock", "57014": "statement"}  # lock_not_available, query_canceled


class DatabaseBusy(ModbotError):
    """Another process held the database longer than the bot waits; nothing was changed."""

    title = "The database is busy."


def _busy_message(exc: BaseException, wait_seconds: float) -> str | None:
    """The operator's sentence when ``exc`` is a lock or timeout error, else None."""
    waited = f"{wait_seconds:g} second{'' if wait_seconds == 1 else 's'}"
    if "database is locked" in str(exc) or "database table is locked" in str(exc):
        return (f"Another process (the service, a backup or another command) held the database for more "
                f"than {waited}; nothing was changed. Try again in a moment.")
    kind = _BUSY_SQLSTATES.get(str(getattr(exc, "sqlstate", "") or ""))
    if kind == "lock":
        return (f"Another process held a lock on the data for more than {waited}; "
                "nothing was changed. The service tries again at its next run; a command can simply be run again.")
    if kind == "statement":
        return (f"A database statement ran for more than {STATEMENT_TIMEOUT_SECONDS} seconds and was stopped; "
                "nothing was changed. It is tried again at the next run.")
    return None


def _translate_busy(wait_seconds: float) -> Any:
    def handle_error(context: ExceptionContext) -> BaseException | None:
        message = _busy_message(context.original_exception, wait_seconds)
        return DatabaseBusy(message) if message else None
    return handle_error


def _sqlite_pragmas(wait_seconds: float) -> Any:
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let the "begin" hook issue BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(wait_seconds * 1000)}")  # SQLite retries until then
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
    return on_connect


def _sqlite_begin_immediate(conn: Any) -> None:
    # Take the write lock at the start of every transaction: a read-then-write
    # transaction in WAL mode would otherwise fail with "database is locked" when
    # another thread committed in between (the scheduler and the web page share
    # the file). Waiting writers queue behind busy_timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, immediate: bool = True, wait_seconds: float = DEFAULT_WAIT_SECONDS,
                create_dirs: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url``. On SQLite, ``immediate=False`` gives plain deferred
    transactions: right for read-only work (the web page's GET requests), which then
    runs on its own WAL snapshot without queueing for the write lock. ``wait_seconds``
    is how long a statement waits for another process's lock; ``create_dirs=False``
    (read-only commands) leaves a missing SQLite directory missing."""
    if url.startswith("sqlite"):
        if create_dirs:
            _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait_seconds}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(wait_seconds))
        event.listen(engine, "begin", _sqlite_begin_immediate if immediate else _sqlite_begin_deferred)
    else:
        if "poolclass" not in kwargs:
            kwargs.update(pool_size=5, max_overflow=5)
        options = f"-c lock_timeout={int(wait_seconds * 1000)} -c statement_timeout={STATEMENT_TIMEOUT_SECONDS * 1000}"
        engine = create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **kwargs)
    event.listen(engine, "handle_error", _translate_busy(wait_seconds))
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for PostgreSQL and in-memory databases."""
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        return Path(path)
    return None


def _ensure_sqlite_dir(url: str) -> None:
    path = sqlite_file(url)
    if path is not None and not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)


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
    """Apply migrations up to ``revision``; refuse a database newer than this release.

    One process at a time: a second one waits for the first, then finds the schema
    up to date and does nothing."""
    with migration_lock(url):
        crashpoints.reached("migrate.locked")
        check_not_newer(url)
        command.upgrade(alembic_config(url), revision)
    _protect_sqlite_file(url)


@contextmanager
def migration_lock(url: str) -> Iterator[None]:
    """Hold the database's migration lock (waiting for another process's, with a log line)."""
    path = sqlite_file(url)
    if url.startswith("sqlite"):
        if path is None:  # in memory: one process by definition
            yield
            return
        _ensure_sqlite_dir(url)
        with _file_lock(path.with_name(path.name + ".migrate-lock")):
            yield
        return
    with _advisory_lock(url):
        yield


@contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another process is migrating the database; waiting for it to finish")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the file releases the lock


@contextmanager
def _advisory_lock(url: str) -> Iterator[None]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = 0"))  # a migration may take a while: wait for it
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY}).scalar()
            if not got:
                log.warning("another process is migrating the database; waiting for it to finish")
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


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
