"""Shared fixtures. Every database test runs on SQLite and on PostgreSQL.

PostgreSQL tests need the server at 127.0.0.1:5432 (``MODBOT_TEST_PG`` overrides the
URL). Without it they are skipped with a reason on a developer machine, but in CI
(``CI`` set) a missing server is an error: nothing is skipped silently there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.bootstrap import App, build_app
from bot.storage.db import migrate
from bot.storage.models import Base
from tests.support import FakeClock, fresh_postgres_database, make_settings, postgres_available

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not postgres_available():
        if IN_CI:
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is not answering; .ci/run should have started it")
        pytest.skip("PostgreSQL at 127.0.0.1:5432 is not answering (set MODBOT_TEST_PG)")
    with fresh_postgres_database() as url:
        migrate(url)
        yield url


def _truncate(url: str) -> None:
    """Empty every table. Connections a test left open (a server thread, a pool) are
    closed first: TRUNCATE would otherwise wait for their locks for ever."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    with engine.begin() as conn:
        conn.execute(sa.text("SET lock_timeout = '30s'"))
        names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file, or the shared test PostgreSQL emptied after use."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'modbot.db'}"
        migrate(url)
        yield url
        return
    url = request.getfixturevalue("postgres_url")
    _truncate(url)
    yield url
    _truncate(url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(db_url: str, tmp_path: Path, clock: FakeClock) -> Iterator[App]:
    """The whole core on the simulated platform (everything released at once)."""
    from adapters.simulated import SimulatedAdapter

    settings = make_settings(tmp_path / "data", db_url)
    adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json",
                               council_name=settings.council.name, initial=60, total=60, clock=clock)
    application = build_app(settings, adapters={"sim": adapter}, run_migrations=False, clock=clock)
    yield application
    application.close()
