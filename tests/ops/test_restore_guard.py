"""``modbot restore`` against a real running service, another host's lease, a newer or foreign
backup and a backup whose record does not verify: nothing is touched that should not be."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.backup import backup_sqlite
from bot.cli import main
from bot.storage import models as m
from bot.storage.db import current_revision, head_revision, migrate
from tests.ops.helpers import populated_app, snapshot, write_config
from tests.support import REPO, fresh_postgres_database

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A settings file and its populated database (SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        config = write_config(tmp_path)
        app = populated_app(config, items=30)
        url = app.settings.database_url
        app.close()
        yield config, url
        return
    request.getfixturevalue("postgres_url")
    with fresh_postgres_database() as url:
        config = write_config(tmp_path, url)
        populated_app(config, items=30).close()
        yield config, url


def take_backup(config: Path, out: Path) -> None:
    assert main(["--config", str(config), "backup", "--out", str(out)]) == 0


def backup_name(url: str, tmp: Path, stem: str) -> Path:
    return tmp / (f"{stem}.dump" if url.startswith("postgresql") else f"{stem}.db")


def leases(url: str) -> list[tuple[str, int]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [(r.host, r.pid) for r in conn.execute(sa.select(m.ServiceLease))]
    engine.dispose()
    return rows


def test_restore_refuses_while_a_real_service_runs_and_proceeds_once_it_stops(
        live: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, url = live
    backup = backup_name(url, tmp_path, "b")
    take_backup(config, backup)
    unrelated = tmp_path / "modbot"  # a process that looks like "modbot run" in ps: it must not matter
    unrelated.write_text("import sys\nsys.stdin.read()\n", encoding="utf-8")
    bystander = subprocess.Popen([sys.executable, str(unrelated), "run"], stdin=subprocess.PIPE)
    service = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "run", "--no-web"],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not any(pid == service.pid for _, pid in leases(url)):  # the service says it is there
            assert service.poll() is None, service.stderr.read() if service.stderr else ""
            assert time.monotonic() < deadline, "the service never took its lease"
            time.sleep(0.05)
        assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 1
        err = capsys.readouterr().err
        assert f"the service is running (process {service.pid} on " in err
        assert not list(tmp_path.rglob("*before-restore*"))  # refused before anything was copied
        os.kill(service.pid, signal.SIGTERM)
        assert service.wait(timeout=60) == 0
        assert leases(url) == []  # a clean stop gives the lease back
        assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 0
        assert "the record verifies" in capsys.readouterr().out
    finally:
        if service.poll() is None:
            service.kill()
        bystander.communicate(b"", timeout=30)


def test_a_lease_from_another_host_is_seen_and_an_expired_one_is_not(live: tuple[Path, str], tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config, url = live
    backup = backup_name(url, tmp_path, "b")
    take_backup(config, backup)
    now = datetime.now(UTC)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.insert(m.ServiceLease), [
            {"id": "vps-2:4242:x", "host": "vps-2", "pid": 4242, "started_at": now - timedelta(hours=1),
             "renewed_at": now - timedelta(seconds=10), "expires_at": now + timedelta(seconds=110)},
            {"id": "vps-3:99:x", "host": "vps-3", "pid": 99, "started_at": now - timedelta(days=2),
             "renewed_at": now - timedelta(days=1), "expires_at": now - timedelta(days=1)}])
    assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "process 4242 on vps-2" in err and "vps-3" not in err
    with engine.begin() as conn:
        conn.execute(sa.delete(m.ServiceLease).where(m.ServiceLease.host == "vps-2"))
    engine.dispose()
    assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 0


def test_a_newer_backup_is_refused_before_the_live_database_is_touched(
        live: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, url = live
    future = backup_name(url, tmp_path, "future")
    if url.startswith("postgresql"):
        with fresh_postgres_database() as other:
            (tmp_path / "other").mkdir()
            migrate(other)
            _set_revision(other, "9999_future")
            take_backup(write_config(tmp_path / "other", other), future)
    else:
        backup_sqlite(Path(url.split("///", 1)[1]), future)
        _set_revision(f"sqlite:///{future}", "9999_future")
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(future), "--yes"]) == 1
    assert "made by a newer release" in capsys.readouterr().err
    assert snapshot(url) == before and current_revision(url) == head_revision()


def test_a_backup_of_another_installation_needs_to_be_asked_for(live: tuple[Path, str], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    config, url = live
    backup = backup_name(url, tmp_path, "theirs")
    take_backup(config, backup)
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # this database now belongs to another installation than the backup
        conn.execute(sa.update(m.Installation).values(id="11111111-2222-3333-4444-555555555555"))
    engine.dispose()
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 1
    assert "was taken from installation" in capsys.readouterr().err
    assert snapshot(url) == before
    assert main(["--config", str(config), "restore", str(backup), "--yes", "--other-installation"]) == 0


def test_a_backup_whose_record_does_not_verify_leaves_the_database_as_it_was(
        live: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config, url = live
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # tamper with the record, then back it up
        first, actor = conn.execute(
            sa.select(m.AuditEvent.id, m.AuditEvent.actor).order_by(m.AuditEvent.id).limit(1)).one()
        conn.execute(sa.update(m.AuditEvent).where(m.AuditEvent.id == first).values(actor="someone-else"))
    backup = backup_name(url, tmp_path, "tampered")
    take_backup(config, backup)
    with engine.begin() as conn:  # the live record is whole again, and differs from the backup
        conn.execute(sa.update(m.AuditEvent).where(m.AuditEvent.id == first).values(actor=actor))
        conn.execute(sa.update(m.User).values(name=m.User.name + "-live"))
    engine.dispose()
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(backup), "--yes"]) == 1
    # SQLite: the backup is verified on a scratch copy first; PostgreSQL: the restored data, then put back.
    expected = ("the restored data failed verification" if url.startswith("postgresql")
                else "the backup's record does not verify")
    assert expected in capsys.readouterr().err
    assert snapshot(url) == before


def _set_revision(url: str, revision: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split("///", 1)[1]) as conn:
            conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_restore_sqlite_puts_the_kept_copy_back_when_the_restored_record_fails(tmp_path: Path) -> None:
    """Below the command's own pre-check: the restore itself verifies what it restored."""
    from bot.backup import BackupError, restore_sqlite

    config = write_config(tmp_path)
    app = populated_app(config, items=20)
    url, db = app.settings.database_url, Path(app.settings.database_url.split("///", 1)[1])
    app.close()
    tampered = tmp_path / "tampered.db"
    backup_sqlite(db, tampered)
    with sqlite3.connect(tampered) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone-else' WHERE id = (SELECT min(id) FROM audit_log)")
    before = snapshot(url)
    with pytest.raises(BackupError, match="the restored data failed verification"):
        restore_sqlite(tampered, db)
    assert snapshot(url) == before
    assert len(list(db.parent.glob("modbot.db.before-restore-*"))) == 1  # and the copy is still kept
