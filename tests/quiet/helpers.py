"""A moderator over one simulated account that copies a real platform, with a test clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.simulated import SimulatedAdapter
from bot.bootstrap import App, build_app
from bot.decisions import Decision
from bot.storage import models as m
from bot.users import create_user
from tests.support import FakeClock, make_settings


def quiet_app(tmp_path: Path, clock: FakeClock, *, simulates: str, reply_policy: str = "open",
              **overrides: Any) -> tuple[App, SimulatedAdapter]:
    account = {"name": "sim", "platform": "simulated", "handle": "@council@social.example",
               "reply_policy": reply_policy}
    settings = make_settings(tmp_path / "data", accounts=[account], **overrides)
    adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json", initial=0, per_minute=0,
                               clock=clock, simulates=simulates)
    app = build_app(settings, adapters={"sim": adapter}, clock=clock)
    return app, adapter


def audit_events(app: App, event: str) -> list[m.AuditEvent]:
    with app.sessions() as s:
        return list(s.execute(select(m.AuditEvent).where(m.AuditEvent.event == event)
                              .order_by(m.AuditEvent.id)).scalars())


def approve_as_clerk(app: App, review_id: int) -> None:
    """A clerk (whose account is made now) approves what the review item proposes."""
    with app.sessions() as s:
        create_user(s, "clerk", "clerk", "a long enough password 1", created_by="test")
        s.commit()
    app.moderator.decide(Decision(review_id=review_id, approve=True, user="clerk"))
