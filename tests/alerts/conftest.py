from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.storage.db import make_engine, make_session_factory
from tests.alerts.smtp_servers import make_cert
from tests.support import make_settings

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
RECIPIENTS = ["clerk@example.gov.uk", "deputy@example.gov.uk"]


def alert_settings(data_dir: Path, db_url: str, **overrides: Any) -> Settings:
    base: dict[str, Any] = {
        "accounts": [{"name": "mastodon", "platform": "simulated", "handle": "@council@mastodon.example"},
                     {"name": "bluesky", "platform": "simulated", "handle": "council.bluesky.example"}],
        "smtp.host": "127.0.0.1", "smtp.port": 2525, "smtp.starttls": False, "smtp.sender": "modbot@example.gov.uk",
        "alerts.recipients": RECIPIENTS, "alerts.poll_failure_minutes": 30,
        "web.public_url": "https://modbot.example.gov.uk/",
    }
    base.update(overrides)
    return make_settings(data_dir, db_url, **base)


@dataclass
class AlertEnv:
    settings: Settings
    sessions: sessionmaker[Session]


@pytest.fixture
def alert_env(db_url: str, tmp_path: Path) -> Iterator[AlertEnv]:
    engine = make_engine(db_url)
    yield AlertEnv(alert_settings(tmp_path / "data", db_url), make_session_factory(engine))
    engine.dispose()


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_cert(tmp_path_factory.mktemp("tls"))
