"""Migrations build an empty SQLite and an empty PostgreSQL database, match the
models exactly (``alembic check``), and a newer database is refused, not touched."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from bot.storage.db import DatabaseTooNew, alembic_config, current_revision, head_revision, migrate
from tests.support import migration_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with migration_database(request.param, tmp_path) as url:
        yield url


def test_upgrade_empty_database_and_no_drift(empty_db: str) -> None:
    migrate(empty_db)
    assert current_revision(empty_db) == head_revision()
    command.check(alembic_config(empty_db))  # raises if models and migrations differ
    engine = sa.create_engine(empty_db)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert {"items", "findings", "review_items", "actions", "audit_log", "outbox", "users", "cursors"} <= tables


def test_downgrade_and_upgrade_again(empty_db: str) -> None:
    migrate(empty_db)
    command.downgrade(alembic_config(empty_db), "base")
    assert current_revision(empty_db) is None
    migrate(empty_db)
    assert current_revision(empty_db) == head_revision()


def test_database_from_a_newer_release_is_refused(empty_db: str) -> None:
    migrate(empty_db)
    engine = sa.create_engine(empty_db)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNew, match="newer release"):
        migrate(empty_db)


def test_sqlite_file_is_owner_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'modbot.db'}"
    migrate(url)
    mode = stat.S_IMODE((tmp_path / "sub" / "modbot.db").stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE((tmp_path / "sub").stat().st_mode) == 0o700
