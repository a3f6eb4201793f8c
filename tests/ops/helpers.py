"""Helpers for the operations tests: a settings file on disk, a populated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from adapters.simulated import SimulatedAdapter
from bot.bootstrap import App, build_app
from bot.decisions import Decision
from bot.domain import NoActionReason
from bot.settings import load_settings
from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import create_user
from tests.support import REPO, FakeClock

# Tables whose rows are the council's record: every item and every decision.
RECORD_COLUMNS = {
    "items": ("id", "remote_id", "text", "raw_sha256", "flagged"),
    "review_items": ("id", "item_id", "status", "decided_by", "reason"),
    "actions": ("id", "review_item_id", "kind", "state", "idempotency_key"),
    "findings": ("id", "item_id", "rule_id", "ground"),
    "audit_log": ("id", "event", "row_hash"),
    "outbox": ("id", "item_id", "state", "idempotency_key"),
    "users": ("id", "name", "role"),
}


def write_config(tmp: Path, db_url: str = "", **extra: Any) -> Path:
    doc: dict[str, Any] = {
        "council": {"name": "Test Town Council", "email": "clerk@example.gov.uk", "phone": "01454 000000",
                    "website": "https://example.gov.uk"},
        "mode": "live",
        "data_dir": str(tmp / "data"),
        "rules_file": str(REPO / "config" / "rules.yaml"),
        "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}],
        **extra,
    }
    if db_url:
        doc["database_url"] = db_url
    path = tmp / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def populated_app(config: Path, items: int = 120) -> App:
    """An app whose database holds ``items`` polled items, decisions and done actions."""
    settings = load_settings(config)
    clock = FakeClock()
    adapter = SimulatedAdapter("@council@social.example", settings.data_dir / "simulated-sim.json",
                               council_name=settings.council.name, initial=items, total=items, clock=clock)
    app = build_app(settings, adapters={"sim": adapter}, clock=clock)
    while app.moderator.poll("sim").stored:
        pass
    with transaction(app.sessions) as s:
        create_user(s, "clerk", "clerk", created_by="test")
        pending = s.execute(sa.select(m.ReviewItem.id).order_by(m.ReviewItem.id)).scalars().all()
    for n, review_id in enumerate(pending):
        approve = n % 3 != 2
        # Upheld items without a proposed action are recorded only (the decision rules ask for a reason).
        app.moderator.decide(Decision(review_id, approve, "clerk", "" if approve else "fair comment",
                                      no_action_reason=NoActionReason.RECORD_ONLY if approve else None))
    app.moderator.execute_due(limit=1000)
    app.moderator.send_outbox(limit=1000)
    return app


def snapshot(url: str, tables: dict[str, tuple[str, ...]] = RECORD_COLUMNS) -> dict[str, list[tuple[Any, ...]]]:
    """The given columns of every row, in id order, for the tables and columns that exist."""
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        present = set(inspector.get_table_names())
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for table, columns in tables.items():
                if table not in present:
                    continue
                have = {c["name"] for c in inspector.get_columns(table)}
                cols = ", ".join(c for c in columns if c in have)
                out[table] = [tuple(r) for r in conn.execute(sa.text(f"SELECT {cols} FROM {table} ORDER BY id"))]
        return out
    finally:
        engine.dispose()
