"""Automatic replies to DMs: once per sender per period, never to bots or the
council itself, nothing sent in observe mode, each reply sent exactly once."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.domain import Author, Batch, Item, ItemKind
from bot.errors import TransientError
from bot.storage import models as m
from tests.support import FakeClock, make_settings


class ScriptedAdapter:
    """A tiny adapter whose next batch the test sets."""

    from bot.domain import ActionKind as _AK
    from bot.domain import Platform as _P

    platform = _P.SIMULATED
    capabilities = frozenset({_AK.BLOCK})

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock  # with a clock, every DM arrives as it is fetched (as on a live platform)
        self.next: list[Item] = []
        self.sent: list[tuple[str, str, str]] = []
        self.fail_next = 0

    def check(self):  # pragma: no cover - not used here
        raise AssertionError

    def fetch(self, cursor: str | None) -> Batch:
        items, self.next = tuple(self.next), []
        if self.clock is not None:
            items = tuple(dataclasses.replace(i, created_at=self.clock()) for i in items)
        return Batch(items, str(int(cursor or 0) + len(items)))

    def send_dm_reply(self, item: Item, text: str, idempotency_key: str) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise TransientError("timeout")
        self.sent.append((item.author.remote_id, idempotency_key, text))

    def apply(self, order):  # pragma: no cover - not used here
        return None


def dm(
    n: int, sender: str = "u1", handle: str = "resident", is_bot: bool = False, text: str = "Hello, a question"
) -> Item:
    author = Author(remote_id=sender, handle=handle, is_bot=is_bot)
    return Item(
        remote_id=f"dm-{n}",
        kind=ItemKind.DM,
        author=author,
        text=text,
        created_at=datetime(2026, 11, 2, tzinfo=UTC),
        raw={"id": n},
    )


def make(db_url: str, tmp_path: Path, clock: FakeClock, mode: str = "live") -> tuple[App, ScriptedAdapter]:
    settings = make_settings(tmp_path / "d", db_url, mode=mode, **{"dm_reply.once_per_days": 7})
    adapter = ScriptedAdapter(clock)
    return build_app(settings, adapters={"sim": adapter}, run_migrations=False, clock=clock), adapter


def states(app: App) -> list[tuple[str, str | None]]:
    with app.sessions() as s:
        return [
            (o.state, o.last_error) for o in s.execute(select(m.OutboxMessage).order_by(m.OutboxMessage.id)).scalars()
        ]


def test_once_per_sender_per_period(db_url: str, tmp_path: Path, clock: FakeClock) -> None:
    app, adapter = make(db_url, tmp_path, clock)
    adapter.next = [dm(1), dm(2)]
    app.moderator.poll("sim")
    assert app.moderator.send_outbox() == 1
    assert states(app) == [("sent", None), ("suppressed", "already answered this sender recently")]
    clock.advance(days=6)
    adapter.next = [dm(3)]
    app.moderator.poll("sim")
    assert app.moderator.send_outbox() == 0
    clock.advance(days=2)
    adapter.next = [dm(4)]
    app.moderator.poll("sim")
    assert app.moderator.send_outbox() == 1
    assert [s[0] for s in adapter.sent] == ["u1", "u1"]
    assert "clerk@example.gov.uk" in adapter.sent[0][2] and "01454 000000" in adapter.sent[0][2]
    app.close()


def test_never_to_bots_the_council_or_auto_replies(db_url: str, tmp_path: Path, clock: FakeClock) -> None:
    app, adapter = make(db_url, tmp_path, clock)
    auto_text = app.settings.dm_reply_text()
    adapter.next = [
        dm(1, "bot1", is_bot=True),
        dm(2, "c", handle="@council@social.example"),
        dm(3, "other-bot", text=auto_text),
    ]
    app.moderator.poll("sim")
    assert app.moderator.send_outbox() == 0
    assert [s for s, _ in states(app)] == ["suppressed"] * 3
    assert adapter.sent == []
    app.close()


def test_observe_mode_sends_nothing(db_url: str, tmp_path: Path, clock: FakeClock) -> None:
    app, adapter = make(db_url, tmp_path, clock, mode="observe")
    adapter.next = [dm(1)]
    app.moderator.poll("sim")
    assert app.moderator.send_outbox() == 0
    assert states(app) == [("observe", None)]
    assert adapter.sent == []
    app.close()


def test_failed_send_retries_with_the_same_key(db_url: str, tmp_path: Path, clock: FakeClock) -> None:
    app, adapter = make(db_url, tmp_path, clock)
    adapter.next = [dm(1)]
    app.moderator.poll("sim")
    adapter.fail_next = 1
    assert app.moderator.send_outbox() == 0
    assert app.moderator.send_outbox() == 0  # waiting for backoff
    clock.advance(minutes=10)
    assert app.moderator.send_outbox() == 1
    assert app.moderator.send_outbox() == 0
    assert len(adapter.sent) == 1 and adapter.sent[0][1].startswith("dm-")
    app.close()


def test_settings_text_is_configurable(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **{"dm_reply.text": "Ring {phone} or mail {email} ({council})"})
    assert settings.dm_reply_text() == "Ring 01454 000000 or mail clerk@example.gov.uk (Thornbury Town Council)"
    assert dataclasses.replace(settings).live


def test_old_dms_are_kept_but_not_answered(db_url: str, tmp_path: Path, clock: FakeClock) -> None:
    """The first poll of a new account, and the poll after an outage, read old messages:
    residents who wrote before the bot was connected, or over a day ago, get no reply now."""
    app, adapter = make(db_url, tmp_path, clock)
    adapter.clock = None  # the DMs keep the times they were sent
    clock.advance(hours=1)  # the account was connected an hour ago
    before_connection = dataclasses.replace(dm(1, "u1"), created_at=clock.now - timedelta(days=90))
    just_now = dataclasses.replace(dm(2, "u2"), created_at=clock.now - timedelta(minutes=3))
    adapter.next = [before_connection, just_now]
    result = app.moderator.poll("sim")
    assert result.stored == 2 and result.dm_replies == 1
    assert states(app) == [("too_old", "sent before the bot was connected to this account; kept, not answered"),
                           ("pending", None)]
    clock.advance(days=3)  # an outage: the bot sees a two-day-old message and a fresh one
    adapter.next = [dataclasses.replace(dm(3, "u3"), created_at=clock.now - timedelta(days=2)),
                    dataclasses.replace(dm(4, "u4"), created_at=clock.now - timedelta(hours=1))]
    app.moderator.poll("sim")
    assert states(app)[2:] == [("too_old", "more than 24 hours old when the bot saw it; kept, not answered"),
                               ("pending", None)]
    assert app.moderator.send_outbox() == 2 and sorted(s[0] for s in adapter.sent) == ["u2", "u4"]
    with app.sessions() as s:
        assert s.execute(select(m.Item.remote_id).order_by(m.Item.id)).scalars().all() == [
            "dm-1", "dm-2", "dm-3", "dm-4"]  # all kept as evidence
    from bot.health import health_report

    report = health_report(app.settings, app.sessions, None, now=clock.now)
    assert report["accounts"][0]["old_dms_not_answered"] == 2
    app.close()
