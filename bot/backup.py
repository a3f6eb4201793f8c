"""Backups and restores of the bot's database.

SQLite: an online backup through SQLite's own backup API (a consistent snapshot
taken while the service keeps running), written to a temporary name, checked with
``PRAGMA integrity_check`` and only then renamed into place. PostgreSQL: ``pg_dump``
in its custom format when it is installed, otherwise the exact commands to run.

A restore checks the backup before it touches anything: its schema revision (a
backup written by a newer release is refused) and its origin (a backup of another
installation is refused over a database that holds records, unless the operator
says so). It keeps a copy of the database it replaces, brings an older backup up to
this release's schema, verifies the restored record (integrity and the evidence
chain), and puts the kept copy back if that fails. PostgreSQL is in
``bot.backup_postgres``. Whether a service is using the database is read from its
lease row (``bot.service_lease``), which works for services on any host.
"""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.errors import ModbotError
from bot.service_lease import RunningService, running_services
from bot.storage.db import DatabaseTooNew, alembic_config, current_revision, make_engine, migrate, sqlite_file

COUNTED_TABLES = ("items", "review_items", "actions", "audit_log", "outbox", "users")


class BackupError(ModbotError):
    title = "The backup or restore did not complete."


class OtherInstallation(BackupError):
    title = "The backup comes from another installation."


class PgToolMissing(BackupError):
    """``pg_dump``/``pg_restore`` is not installed; ``commands`` says what to run instead."""

    title = "The PostgreSQL tools are not installed on this machine."

    def __init__(self, message: str, commands: list[str]):
        super().__init__(message)
        self.commands = commands


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: its schema revision and how many rows of each kind."""

    path: Path
    revision: str | None
    integrity: str
    counts: dict[str, int] = field(default_factory=dict)
    size_bytes: int = 0
    seconds: float = 0.0
    installation: str | None = None  # the id of the installation the backup was taken from

    @property
    def holds_records(self) -> bool:
        return any(self.counts.get(t, 0) != 0 for t in ("items", "audit_log"))


@dataclass(frozen=True)
class RestoreResult:
    info: BackupInfo
    previous_copy: Path | None
    revision_after: str | None
    seconds: float


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for PostgreSQL."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(parsed.database)


# -- SQLite ---------------------------------------------------------------------------
def backup_sqlite(db_path: Path, out: Path) -> BackupInfo:
    """Online backup of ``db_path`` into ``out`` (which must not exist yet)."""
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name (backups are never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    started = time.monotonic()
    try:
        _copy_sqlite(db_path, partial)
        info = inspect_sqlite(partial)
        if info.integrity != "ok":
            raise BackupError(f"the copy failed its integrity check: {info.integrity}")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(out, info.revision, info.integrity, info.counts, out.stat().st_size,
                      time.monotonic() - started)


def _copy_sqlite(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)  # owner-only from the first byte
    os.close(fd)
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # all pages in one step: a consistent snapshot, writers carry on (WAL)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        dst.commit()
    with open(target, "rb+") as fh:
        os.fsync(fh.fileno())


def inspect_sqlite(path: Path) -> BackupInfo:
    """Integrity, schema revision, installation and row counts of a SQLite file (read-only)."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    if path.read_bytes()[:5] == b"PGDMP":
        raise BackupError(f"{path} is a PostgreSQL backup (pg_dump); this installation uses SQLite")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = _first(conn, "SELECT version_num FROM alembic_version") if "alembic_version" in tables else None
            installation = _first(conn, "SELECT id FROM installation") if "installation" in tables else None
            counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # noqa: S608 - fixed names
                      for t in COUNTED_TABLES if t in tables}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from exc
    return BackupInfo(path, revision, integrity, counts, path.stat().st_size, installation=installation)


def _first(conn: sqlite3.Connection, query: str) -> str | None:
    row = conn.execute(query).fetchone()
    return str(row[0]) if row else None


def check_restorable(info: BackupInfo) -> None:
    """Refuse a damaged file, a file that is not ours, or one from a newer release."""
    if info.integrity != "ok":
        raise BackupError(f"{info.path} failed its integrity check: {info.integrity}")
    if info.revision is None:
        raise BackupError(f"{info.path} is not a council-modbot database (it has no schema revision)")
    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()}
    if info.revision not in known:
        raise DatabaseTooNew(
            f"The backup {info.path} is at schema revision {info.revision!r}, which this release of "
            "council-modbot does not know: it was made by a newer release. Install that release to restore it.")


def check_origin(backup: BackupInfo, live: BackupInfo | None, allow_other: bool) -> None:
    """A backup of another installation must not silently replace this one's records."""
    if allow_other or live is None or not backup.installation or not live.installation:
        return
    if backup.installation != live.installation and live.holds_records:
        raise OtherInstallation(
            f"The backup {backup.path} was taken from installation {backup.installation}, but this database "
            f"belongs to installation {live.installation} and holds {live.counts.get('items', 0)} items. "
            "Nothing was changed. If you really mean to replace this council's record with that one, run "
            "again with --other-installation.")


def verify_restored(url: str) -> None:
    """The restored record must be whole: the evidence chain and what it vouches for."""
    from bot.evidence.chain import verify_database  # the chain walk is only needed here

    report = verify_database(url)
    if not report.ok:
        raise BackupError(f"the restored data failed verification: {report.first}")


def restore_sqlite(backup: Path, db_path: Path, now: datetime | None = None,
                   allow_other: bool = False) -> RestoreResult:
    """Replace the database at ``db_path`` with ``backup``; keep the old one beside it and put
    it back if the restored data does not verify."""
    started = time.monotonic()
    info = inspect_sqlite(backup)
    check_restorable(info)
    live = inspect_sqlite(db_path) if db_path.exists() else None
    check_origin(info, live, allow_other)
    previous = None
    if db_path.exists():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        previous = backup_sqlite(db_path, db_path.with_name(f"{db_path.name}.before-restore-{stamp}")).path
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    url = f"sqlite:///{db_path}"
    _copy_into(backup, db_path)
    try:
        migrate(url)  # an older backup is brought up to this release's schema
        after = inspect_sqlite(db_path)
        if after.integrity != "ok":
            raise BackupError(f"the restored database failed its integrity check: {after.integrity}")
        verify_restored(url)
    except BaseException:
        _put_back(previous, db_path)
        raise
    return RestoreResult(info, previous, current_revision(url), time.monotonic() - started)


def _copy_into(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)  # SQLite locks the live file for the copy and deals with its WAL


def _put_back(previous: Path | None, db_path: Path) -> None:
    if previous is not None:
        _copy_into(previous, db_path)
    else:
        db_path.unlink(missing_ok=True)


# -- the running service -----------------------------------------------------------------
def services_using(url: str) -> list[RunningService]:
    """Services (on any host) whose lease in this database has not expired."""
    path = sqlite_file(url)
    if path is not None and not path.exists():
        return []
    engine = make_engine(url, create_dirs=False)
    try:
        return running_services(engine, datetime.now(UTC))
    finally:
        engine.dispose()
