"""``modbot backup`` and ``modbot restore``: every item and decision survives the round trip,
a damaged or too-new backup is refused, and nothing is replaced without ``--yes``."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.backup import BackupError, backup_sqlite, inspect_sqlite, restore_sqlite
from bot.backup_postgres import pg_dump_argv, pg_restore_argv
from bot.cli import main
from bot.storage import models as m
from bot.storage.db import DatabaseTooNew, current_revision, head_revision
from tests.ops.helpers import populated_app, snapshot, write_config


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("populated")
    config = write_config(tmp)
    app = populated_app(config, items=80)
    url = app.settings.database_url
    app.close()
    return config, url


def test_round_trip_keeps_every_item_and_decision(populated: tuple[Path, str], tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    config, url = populated
    before = snapshot(url)
    assert before["items"] and any(r[2] == "approved" for r in before["review_items"])
    assert any(r[3] == "done" for r in before["actions"])
    out = tmp_path / "backups" / "modbot.db"
    started = time.monotonic()
    assert main(["--config", str(config), "backup", "--out", str(out)]) == 0
    backup_seconds = time.monotonic() - started
    assert "integrity ok" in capsys.readouterr().out
    _wreck(url)  # the clerk's record is lost...
    assert snapshot(url)["items"] == []
    started = time.monotonic()
    assert main(["--config", str(config), "restore", str(out), "--yes"]) == 0
    restore_seconds = time.monotonic() - started
    assert snapshot(url) == before  # ...and comes back whole
    assert current_revision(url) == head_revision()
    kept = list(Path(url.split("///", 1)[1]).parent.glob("modbot.db.before-restore-*"))
    assert len(kept) == 1 and inspect_sqlite(kept[0]).counts["items"] == 0
    print(f"\nbackup {backup_seconds:.2f} s, restore {restore_seconds:.2f} s, {len(before['items'])} items")


def _wreck(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("audit_log", "outbox", "actions", "findings", "review_items", "items"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    engine.dispose()


def test_backup_is_online_and_self_contained(populated: tuple[Path, str], tmp_path: Path) -> None:
    _, url = populated
    db = Path(url.split("///", 1)[1])
    writer = sqlite3.connect(db)  # the service holds the database open and is mid-write
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE accounts SET last_error = 'written during the backup'")
    try:
        info = backup_sqlite(db, tmp_path / "online.db")
    finally:
        writer.rollback()
        writer.close()
    assert info.integrity == "ok" and info.revision == head_revision()
    assert not (tmp_path / "online.db-wal").exists()
    assert (tmp_path / "online.db").stat().st_mode & 0o077 == 0
    with pytest.raises(BackupError, match="already exists"):
        backup_sqlite(db, tmp_path / "online.db")


def test_restore_without_yes_changes_nothing(populated: tuple[Path, str], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config, url = populated
    out = tmp_path / "b.db"
    backup_sqlite(Path(url.split("///", 1)[1]), out)
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(out)]) == 2
    assert "run again with --yes" in capsys.readouterr().out
    assert snapshot(url) == before


def test_backup_from_a_newer_release_is_refused(populated: tuple[Path, str], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config, url = populated
    out = tmp_path / "future.db"
    backup_sqlite(Path(url.split("///", 1)[1]), out)
    with sqlite3.connect(out) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(out), "--yes"]) == 1
    assert "made by a newer release" in capsys.readouterr().err
    assert snapshot(url) == before
    with pytest.raises(DatabaseTooNew):
        restore_sqlite(out, tmp_path / "elsewhere.db")
    assert not (tmp_path / "elsewhere.db").exists()


@pytest.mark.parametrize("content, message", [
    (b"this is not a database at all" * 200, "not a readable SQLite database"),
    (None, "not a council-modbot database"),
])
def test_damaged_or_foreign_files_are_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    bad = tmp_path / "bad.db"
    if content is None:
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    else:
        bad.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore_sqlite(bad, tmp_path / "target.db")
    assert not (tmp_path / "target.db").exists()


def test_restore_of_an_older_backup_upgrades_it(tmp_path: Path) -> None:
    """A backup taken before an upgrade restores onto the new release at its schema head."""
    from alembic import command
    from alembic.script import ScriptDirectory

    from bot.storage.db import alembic_config

    revisions = [r.revision for r in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()]
    oldest = revisions[-1]
    old = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(old), oldest)
    result = restore_sqlite(tmp_path / "old.db", tmp_path / "live" / "modbot.db")
    assert result.info.revision == oldest and result.revision_after == head_revision()
    assert result.previous_copy is None


def test_postgres_commands_keep_the_password_out_of_argv() -> None:
    url = "postgresql+psycopg://modbot:s3cret@db.internal:5433/modbot"
    dump = pg_dump_argv(url, Path("/backups/modbot.dump"))
    restore = pg_restore_argv(url, Path("/backups/modbot.dump"))
    assert dump[:2] == ["pg_dump", "--format=custom"] and "modbot" == dump[-1]
    assert "--host=db.internal" in dump and "--port=5433" in restore and "--username=modbot" in restore
    assert not any("s3cret" in a for a in dump + restore)


def test_postgres_without_pg_dump_prints_the_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MODBOT_TEST_DB_URL", "postgresql+psycopg://modbot:s3cret@127.0.0.1/modbot")
    config = write_config(tmp_path, database_url_env="MODBOT_TEST_DB_URL")
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump here
    assert main(["--config", str(config), "backup", "--out", str(tmp_path / "x.dump")]) == 1
    err = capsys.readouterr().err
    assert "PGPASSWORD=... pg_dump --format=custom" in err and "s3cret" not in err


@pytest.mark.postgres
def test_postgres_round_trip_with_pg_dump(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    monkeypatch.setenv("MODBOT_TEST_DB_URL", postgres_url)
    config = write_config(tmp_path, database_url_env="MODBOT_TEST_DB_URL")
    app = populated_app(config, items=30)
    app.close()
    before = snapshot(postgres_url)
    out = tmp_path / "modbot.dump"
    assert main(["--config", str(config), "backup", "--out", str(out)]) == 0
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.delete(m.AuditEvent))
    engine.dispose()
    assert main(["--config", str(config), "restore", str(out), "--yes"]) == 0
    assert snapshot(postgres_url) == before


def test_restore_refuses_a_backup_whose_record_does_not_verify(populated: tuple[Path, str], tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The full check (audit chain, evidence, decisions) runs on the backup before anything is replaced."""
    config, url = populated
    out = tmp_path / "modbot.db"
    assert main(["--config", str(config), "backup", "--out", str(out)]) == 0
    assert main(["--config", str(config), "restore", str(out)]) == 2  # verifies, then says what --yes would do
    assert "record verified" in capsys.readouterr().out
    engine = sa.create_engine(f"sqlite:///{out}")
    with engine.begin() as conn:  # someone edits the backup's evidence
        item_id = conn.execute(sa.text("SELECT item_id FROM review_items ORDER BY id LIMIT 1")).scalar()
        conn.execute(sa.text("UPDATE items SET text = 'nothing to see' WHERE id = :i"), {"i": item_id})
    engine.dispose()
    before = snapshot(url)
    assert main(["--config", str(config), "restore", str(out), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "does not verify" in err and f"item {item_id}" in err and "text changed" in err
    assert snapshot(url) == before  # the live database was not touched
