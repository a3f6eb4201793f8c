"""Test helpers: settings built from dicts, a controllable clock, database URLs, row counts."""

from __future__ import annotations

import copy
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from alembic import command

from bot.settings import Settings, parse_settings
from bot.storage.db import alembic_config

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from bot.bootstrap import App
    from bot.storage.models import Base

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("MODBOT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

BASE_CONFIG: dict[str, Any] = {
    "council": {
        "name": "Thornbury Town Council", "email": "clerk@example.gov.uk", "phone": "01454 000000",
        "website": "https://example.gov.uk", "office_hours": "Mon-Fri 9am-1pm",
        "official_accounts": ["@council@social.example"], "people": ["Cllr Jane Smith", "Cllr Tom Brown"],
        "allowed_domains": ["example.gov.uk"],
    },
    "mode": "live",
    "rules_file": str(REPO / "config" / "rules.yaml"),
    "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}],
    "polling": {"interval_seconds": 60, "jitter_seconds": 0, "execute_interval_seconds": 5},
    "web": {"secure_cookies": False},
}


def make_settings(data_dir: Path, database_url: str = "", /, **overrides: Any) -> Settings:
    """Settings for a test; ``overrides`` are merged into BASE_CONFIG (dotted keys allowed)."""
    doc = copy.deepcopy(BASE_CONFIG)
    doc["data_dir"] = str(data_dir)
    if database_url:
        doc["database_url"] = database_url
    for key, value in overrides.items():
        node = doc
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return parse_settings(doc, REPO / "config")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """An aware UTC datetime, for writing test moments briefly."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


def postgres_available() -> bool:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test run; dropped afterwards."""
    name = f"modbot_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migration_database(kind: str, tmp_path: Path, revision: str | None = None) -> Iterator[str]:
    """An empty database of ``kind`` ("sqlite" or "postgres"), migrated to ``revision`` if
    given, for migration tests. A PostgreSQL that does not answer fails the test in CI and
    skips it elsewhere."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'migration.db'}"
        if revision:
            command.upgrade(alembic_config(url), revision)
        yield url
        return
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not answering in CI")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not answering")
    with fresh_postgres_database() as url:
        if revision:
            command.upgrade(alembic_config(url), revision)
        yield url


def count(app: App, model: type[Base], *where: ColumnElement[bool]) -> int:
    """How many rows of ``model`` there are (that match ``where``)."""
    with app.sessions() as s:
        return int(s.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar() or 0)


def insert_row(conn: sa.Connection, table: str, **values: Any) -> None:
    """Insert into ``table`` as the database has it now (rows written before a migration)."""
    conn.execute(sa.Table(table, sa.MetaData(), autoload_with=conn).insert().values(**values))


def outputs_under_hash_seeds(code: str, seeds: int) -> set[str]:
    """What ``python -c code`` prints in ``seeds`` processes with PYTHONHASHSEED 0, 1, ...: one
    element when nothing it prints follows a set's or dict's hash order."""
    import subprocess
    import sys

    return {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in range(seeds)}
