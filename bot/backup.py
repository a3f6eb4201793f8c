"""Backups and restores of the bot's database.

SQLite: an online backup through SQLite's own backup API (a consistent snapshot
taken while the service keeps running), written to a temporary name, checked with
``PRAGMA integrity_check`` and only then renamed into place. PostgreSQL: ``pg_dump``
in its custom format when it is installed, otherwise the exact commands to run.

A restore refuses a backup written by a newer release of the bot (its schema
revision is unknown here), keeps a copy of the database it replaces, and brings an
older backup up to this release's schema.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with argument lists, never a shell
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.errors import ModbotError
from bot.storage.db import DatabaseTooNew, alembic_config, current_revision, migrate

COUNTED_TABLES = ("items", "review_items", "actions", "audit_log", "outbox", "users")


class BackupError(ModbotError):
    title = "The backup or restore did not complete."


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
    """Integrity, schema revision and row counts of a SQLite file (opened read-only)."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            integrity = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
                if "alembic_version" in tables else None
            counts = {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])  # noqa: S608 - fixed names
                      for t in COUNTED_TABLES if t in tables}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from exc
    return BackupInfo(path, revision, integrity, counts, path.stat().st_size)


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


def restore_sqlite(backup: Path, db_path: Path, now: datetime | None = None) -> RestoreResult:
    """Replace the database at ``db_path`` with ``backup``; keep the old one beside it."""
    started = time.monotonic()
    info = inspect_sqlite(backup)
    check_restorable(info)
    previous = None
    if db_path.exists():
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
        previous = backup_sqlite(db_path, db_path.with_name(f"{db_path.name}.before-restore-{stamp}")).path
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with closing(sqlite3.connect(backup)) as src, closing(sqlite3.connect(db_path, timeout=30)) as dst:
        src.backup(dst)  # SQLite locks the live file for the copy and deals with its WAL
    url = f"sqlite:///{db_path}"
    migrate(url)  # an older backup is brought up to this release's schema
    after = inspect_sqlite(db_path)
    if after.integrity != "ok":
        raise BackupError(f"the restored database failed its integrity check: {after.integrity}")
    return RestoreResult(info, previous, current_revision(url), time.monotonic() - started)


# -- PostgreSQL ---------------------------------------------------------------------------
def _pg_connection_args(url: str) -> tuple[list[str], dict[str, str]]:
    """libpq arguments for a SQLAlchemy URL; the password goes in the environment, never argv."""
    u = make_url(url)
    args = [f"--host={u.host or 'localhost'}", f"--port={u.port or 5432}"]
    if u.username:
        args.append(f"--username={u.username}")
    env = {"PGPASSWORD": u.password} if u.password else {}
    return args, env


def pg_dump_argv(url: str, out: Path) -> list[str]:
    conn, _ = _pg_connection_args(url)
    return ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={out}", *conn,
            str(make_url(url).database)]


def pg_restore_argv(url: str, backup: Path) -> list[str]:
    conn, _ = _pg_connection_args(url)
    return ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            f"--dbname={make_url(url).database}", *conn, str(backup)]


def _shown(argv: list[str], url: str) -> str:
    prefix = "PGPASSWORD=... " if make_url(url).password else ""
    return prefix + " ".join(argv)


def backup_postgres(url: str, out: Path) -> BackupInfo:
    """Run ``pg_dump`` (custom format) and check the archive with ``pg_restore --list``."""
    argv = pg_dump_argv(url, out)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        raise PgToolMissing("install the PostgreSQL client (apt install postgresql-client) or run this "
                            "on the database server", [_shown(argv, url)])
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name (backups are never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _run_pg(argv, url)
    listing = _run_pg(["pg_restore", "--list", str(out)], url)
    os.chmod(out, 0o600)
    tables = [t for t in COUNTED_TABLES if f" TABLE DATA public {t} " in listing]
    return BackupInfo(out, current_revision(url), "ok" if tables else "no table data found",
                      {t: -1 for t in tables}, out.stat().st_size, time.monotonic() - started)


def restore_postgres(url: str, backup: Path) -> RestoreResult:
    argv = pg_restore_argv(url, backup)
    if shutil.which("pg_restore") is None:
        raise PgToolMissing("install the PostgreSQL client (apt install postgresql-client)", [_shown(argv, url)])
    started = time.monotonic()
    _run_pg(argv, url)
    migrate(url)
    info = BackupInfo(backup, current_revision(url), "ok", {}, backup.stat().st_size)
    return RestoreResult(info, None, info.revision, time.monotonic() - started)


def _run_pg(argv: list[str], url: str) -> str:
    _, env = _pg_connection_args(url)
    proc = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


# -- the running service -----------------------------------------------------------------
def running_services() -> list[int]:
    """Process ids of ``modbot run`` services on this machine (other than this process)."""
    found = []
    me = os.getpid()
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmd = proc.info.get("cmdline") or []
        if proc.info["pid"] == me or "run" not in cmd[1:]:
            continue
        program = " ".join(cmd[:3])
        if "modbot" in program or "-m bot" in program:
            found.append(int(proc.info["pid"]))
    return found
