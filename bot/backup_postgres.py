"""Backups and restores of a PostgreSQL database with ``pg_dump`` / ``pg_restore``.

A restore reads the dump's schema revision and installation id straight from the
archive (``pg_restore --data-only --table=... --file=-``) before it touches the live
database, so a dump from a newer release is refused while the live database is
still whole; ``pg_restore --clean`` would otherwise drop the live tables first. The
live database is dumped beside the data directory before it is replaced, the
restore runs in one transaction, and if the restored data does not verify the kept
dump is put back.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with argument lists, never a shell
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.backup import (
    COUNTED_TABLES,
    BackupError,
    BackupInfo,
    PgToolMissing,
    RestoreResult,
    check_origin,
    check_restorable,
    verify_restored,
)
from bot.storage.db import current_revision, migrate

SQLITE_HEADER = b"SQLite format 3\x00"


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


def _require(tool: str, argv: list[str], url: str) -> None:
    if shutil.which(tool) is None:
        raise PgToolMissing("install the PostgreSQL client (apt install postgresql-client) or run this "
                            "on the database server", [_shown(argv, url)])


def backup_postgres(url: str, out: Path) -> BackupInfo:
    """Run ``pg_dump`` (custom format) and check the archive with ``pg_restore --list``."""
    argv = pg_dump_argv(url, out)
    _require("pg_dump", argv, url)
    _require("pg_restore", argv, url)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name (backups are never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    _run_pg(argv, url)
    os.chmod(out, 0o600)
    info = inspect_pg_dump(out)
    return BackupInfo(out, info.revision, info.integrity, info.counts, out.stat().st_size,
                      time.monotonic() - started, info.installation)


def inspect_pg_dump(path: Path) -> BackupInfo:
    """What a dump holds, read from the archive alone: no database is touched."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    head = path.read_bytes()[:16]
    if head.startswith(SQLITE_HEADER):
        raise BackupError(f"{path} is a SQLite backup; this installation uses PostgreSQL")
    if not head.startswith(b"PGDMP"):
        raise BackupError(f"{path} is not a PostgreSQL backup in pg_dump's custom format")
    listing = _run_pg(["pg_restore", "--list", str(path)], "")
    tables = [t for t in COUNTED_TABLES if f" TABLE DATA public {t} " in listing]
    rows = _table_rows(path, ("alembic_version", "installation"))
    revision = rows["alembic_version"][0][0] if rows.get("alembic_version") else None
    installation = rows["installation"][0][0] if rows.get("installation") else None
    return BackupInfo(path, revision, "ok" if tables else "no table data found", {t: -1 for t in tables},
                      path.stat().st_size, installation=installation)


def _table_rows(path: Path, tables: tuple[str, ...]) -> dict[str, list[list[str]]]:
    """The rows of small tables in a dump, from the COPY blocks ``pg_restore`` prints."""
    argv = ["pg_restore", "--data-only", *(f"--table={t}" for t in tables), "--file=-", str(path)]
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for line in _run_pg(argv, "").splitlines():
        if line.startswith("COPY "):
            name = line.split()[1].split(".")[-1]
            current = found.setdefault(name, [])
        elif line == "\\.":
            current = None
        elif current is not None:
            current.append(line.split("\t"))
    return found


def restore_postgres(url: str, backup: Path, data_dir: Path, now: datetime | None = None,
                     allow_other: bool = False) -> RestoreResult:
    """Check the dump, keep a dump of the live database, restore, verify; put it back on failure."""
    argv = pg_restore_argv(url, backup)
    _require("pg_restore", argv, url)
    _require("pg_dump", argv, url)
    started = time.monotonic()
    info = inspect_pg_dump(backup)
    check_restorable(info)
    check_origin(info, _live_info(url), allow_other)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    previous = None
    if current_revision(url) is not None:
        previous = backup_postgres(url, data_dir / f"before-restore-{stamp}.dump").path
    try:
        _run_pg(argv, url)
        migrate(url)  # an older dump is brought up to this release's schema
        verify_restored(url)
    except BaseException:
        if previous is not None:
            _run_pg(pg_restore_argv(url, previous), url)
        raise
    return RestoreResult(info, previous, current_revision(url), time.monotonic() - started)


def _live_info(url: str) -> BackupInfo | None:
    """The live database's installation id and whether it holds records."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        present = set(inspect(engine).get_table_names())
        if "installation" not in present:
            return None
        with engine.connect() as conn:
            installation = conn.execute(text("SELECT id FROM installation")).scalar()
            counts: dict[str, int] = {t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)  # noqa: S608
                                      for t in ("items", "audit_log") if t in present}
    finally:
        engine.dispose()
    return BackupInfo(Path("(live database)"), None, "ok", counts, installation=installation)


def _run_pg(argv: list[str], url: str) -> str:
    _, env = _pg_connection_args(url) if url else ([], {})
    proc = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout
