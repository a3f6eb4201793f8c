"""``INSERT ... ON CONFLICT DO NOTHING`` in the dialect of the session's database.

Two pollers (two accounts on one platform, or two services sharing one PostgreSQL
database) can see the same new author or the same page at the same moment. A
select-then-insert then fails the whole poll with a unique violation; an insert that
skips rows already there lets both carry on, and the caller counts what was skipped.
SQLite (3.24+) and PostgreSQL both speak ``ON CONFLICT``; SQLAlchemy has one
construct per dialect, chosen here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.errors import ConfigError


def insert_missing(session: Session, model: Any, conflict_columns: Sequence[str]) -> Any:
    """An INSERT for ``model`` that silently skips rows clashing on ``conflict_columns``."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing(index_elements=list(conflict_columns))
    # settings accept only sqlite:// and postgresql:// URLs, so this is a wiring mistake
    raise ConfigError([("database_url", f"council-modbot runs on SQLite or PostgreSQL, not {dialect}")])
