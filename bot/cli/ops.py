"""Operator subcommands: ``modbot backup`` and ``modbot restore``."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.backup import (
    BackupError,
    BackupInfo,
    PgToolMissing,
    backup_sqlite,
    check_restorable,
    inspect_sqlite,
    restore_sqlite,
    services_using,
    sqlite_path,
)
from bot.backup_postgres import backup_postgres, inspect_pg_dump, restore_postgres
from bot.cli.common import settings_from
from bot.evidence.chain import verify_database
from bot.settings import Settings
from bot.storage.db import DatabaseTooNew, head_revision, migrate


def register(sub: Any) -> None:
    p = sub.add_parser("backup", help="copy the database to a file while the service runs")
    p.add_argument("--out", required=True, type=Path, help="the backup file to write (never overwritten)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="replace the database with a backup (stop the service first)")
    p.add_argument("file", type=Path, help="a file written by modbot backup")
    p.add_argument("--yes", action="store_true", help="really replace the database (without it: only check the file)")
    p.add_argument("--other-installation", action="store_true",
                   help="allow a backup of another installation to replace this database's records")
    p.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    path = sqlite_path(settings.database_url)
    try:
        info = backup_sqlite(path, args.out) if path else backup_postgres(settings.database_url, args.out)
    except PgToolMissing as exc:
        _print_pg_help(exc, "pg_dump")
        return 1
    print(f"backup written: {info.path} ({_size(info.size_bytes)}, schema {info.revision}, "
          f"integrity {info.integrity}) in {info.seconds:.2f} s")
    if info.counts and min(info.counts.values()) >= 0:
        print("  " + ", ".join(f"{n} {t}" for t, n in info.counts.items()))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Check the backup (nothing touched), then, with --yes and no service running, replace."""
    settings = settings_from(args)
    path = sqlite_path(settings.database_url)
    if not _describe_backup(args.file, path is None):
        return 1
    if not args.yes:
        print(f"Nothing changed. To replace the database at {path or 'PostgreSQL'} with this backup, stop the "
              "service (systemctl stop modbot, or docker compose stop modbot) and run again with --yes.")
        return 2
    services = services_using(settings.database_url)
    if services:
        print(f"error: the service is running ({'; '.join(s.describe() for s in services)}); stop it first "
              "(systemctl stop modbot, or docker compose stop modbot). If it was killed, its lease "
              "expires two minutes after it was last seen.", file=sys.stderr)
        return 1
    try:
        result = _restore(settings, args, path)
    except PgToolMissing as exc:
        _print_pg_help(exc, "pg_restore")
        return 1
    if result.previous_copy:
        print(f"the database it replaced is kept at {result.previous_copy}")
    print(f"restored {args.file} in {result.seconds:.2f} s; schema now {result.revision_after} "
          f"(this release: {head_revision()}); the record verifies. Start the service again.")
    return 0


def _restore(settings: Settings, args: argparse.Namespace, path: Path | None) -> Any:
    if path:
        return restore_sqlite(args.file, path, allow_other=args.other_installation)
    return restore_postgres(settings.database_url, args.file, settings.data_dir,
                            allow_other=args.other_installation)


def _describe_backup(file: Path, postgres: bool) -> bool:
    try:
        info = inspect_pg_dump(file) if postgres else inspect_sqlite(file)
        check_restorable(info)
    except PgToolMissing as exc:
        _print_pg_help(exc, "pg_restore")
        return False
    except (BackupError, DatabaseTooNew) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    _print_info(info)
    return postgres or _verify_backup(file)  # a PostgreSQL dump is verified as it is restored


def _verify_backup(file: Path) -> bool:
    """The full record check (audit chain, evidence, decisions) on a copy of a SQLite backup,
    before anything is touched (``restore_sqlite`` checks the restored data again)."""
    with tempfile.TemporaryDirectory(prefix="modbot-verify-") as scratch:
        copy = Path(scratch) / "backup.db"
        shutil.copyfile(file, copy)
        url = f"sqlite:///{copy}"
        migrate(url)
        report = verify_database(url)
    if not report.ok:
        print(f"error: the backup's record does not verify ({len(report.problems)} problem(s)); "
              "it was not restored:", file=sys.stderr)
        for problem in report.problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return False
    print(f"  record verified: {report.audit_rows} audit entries, {report.evidence_items} evidence records; "
          f"latest entry hash {report.head_hash}")
    return True


def _print_info(info: BackupInfo) -> None:
    upgrade = "" if info.revision == head_revision() else f", will be upgraded to {head_revision()}"
    print(f"backup {info.path}: {_size(info.size_bytes)}, schema {info.revision}{upgrade}, integrity {info.integrity}")
    if info.counts and min(info.counts.values()) >= 0:
        print("  " + ", ".join(f"{n} {t}" for t, n in info.counts.items()))
    if info.installation:
        print(f"  taken from installation {info.installation}")


def _print_pg_help(exc: PgToolMissing, tool: str) -> None:
    print(f"error: {exc.title} {exc}.", file=sys.stderr)
    print(f"Run {tool} yourself, e.g.:", file=sys.stderr)
    for command in exc.commands:
        print(f"  {command}", file=sys.stderr)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"
