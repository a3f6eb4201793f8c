"""The one wiring module: builds adapters and the ``Moderator`` from settings.

Only this module imports ``adapters``; everything else sees the ``Adapter`` protocol.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.adapter import Adapter
from bot.domain import Platform
from bot.moderator import Moderator
from bot.policy import load_engine
from bot.settings import AccountSettings, Settings
from bot.storage.db import make_engine, make_session_factory, migrate
from bot.storage.models import utcnow

log = logging.getLogger(__name__)


def build_adapter(account: AccountSettings, settings: Settings, clock: Callable[[], datetime] | None = None) -> Adapter:
    if account.platform is Platform.SIMULATED:
        from adapters.simulated import SimulatedAdapter
        return SimulatedAdapter(account.handle, settings.data_dir / f"simulated-{account.name}.json",
                                council_name=settings.council.name, seed=_seed(account), clock=clock,
                                simulates=account.simulates)
    module = importlib.import_module(f"adapters.{account.platform.value}")
    builder: Any = module.build_adapter
    if account.platform is Platform.BLUESKY:
        return builder(account, settings.data_dir)  # type: ignore[no-any-return]
    return builder(account)  # type: ignore[no-any-return]


def _seed(account: AccountSettings) -> int:
    return 2 if "bluesky" in account.script else 1


@dataclass
class App:
    settings: Settings
    db: Engine
    sessions: sessionmaker[Session]
    moderator: Moderator

    def close(self) -> None:
        self.db.dispose()


def build_app(settings: Settings, *, adapters: Mapping[str, Adapter] | None = None, run_migrations: bool = True,
              clock: Callable[[], datetime] = utcnow, create_dirs: bool = True) -> App:
    """``create_dirs=False`` for commands that only look (``status``): nothing is created on disk."""
    if create_dirs:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if run_migrations:
        migrate(settings.database_url)
    db = make_engine(settings.database_url, wait_seconds=int(settings.get("database_wait_seconds")),
                     create_dirs=create_dirs)
    sessions = make_session_factory(db)
    if adapters is None:
        adapters = {a.name: build_adapter(a, settings) for a in settings.accounts if a.enabled}
    moderator = Moderator(settings, sessions, adapters, load_engine(settings), clock=clock)
    moderator.sync_accounts()
    return App(settings, db, sessions, moderator)
