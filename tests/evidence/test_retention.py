"""Retention deletes exactly what is due, across month (and leap-day) boundaries, and spares legal holds."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from bot import audit
from bot.bootstrap import App
from bot.evidence import release_legal_hold, verify_all
from bot.retention import run_retention
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import add_item
from tests.support import count


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def remaining(app: App) -> set[int]:
    with app.sessions() as s:
        return set(s.execute(select(m.Item.id)).scalars())


@pytest.fixture
def stocked(app: App) -> dict[str, int]:
    """Items either side of each cut-off for a run at 2026-03-01 03:30 (90 days / 730 days)."""
    return {
        "a_unflagged_before_boundary": add_item(app, 1, at("2025-11-30 23:59"), author_id="only-a"),
        "b_unflagged_exactly_due": add_item(app, 2, at("2025-12-01 03:30")),
        "c_unflagged_one_minute_young": add_item(app, 3, at("2025-12-01 03:31")),
        "d_unflagged_recent": add_item(app, 4, at("2026-02-28 12:00")),
        "e_flagged_leap_day": add_item(app, 5, at("2024-02-29 12:00"), flagged=True, review="approved"),
        "f_flagged_one_minute_young": add_item(app, 6, at("2024-03-01 03:31"), flagged=True, review="pending"),
        "g_flagged_past_90_days": add_item(app, 7, at("2025-11-30 12:00"), flagged=True, review="approved"),
        "h_flagged_but_rejected": add_item(app, 8, at("2025-11-30 12:00"), flagged=True, review="rejected"),
        "i_unflagged_on_hold": add_item(app, 9, at("2023-01-01 09:00"), hold=True),
        "j_flagged_on_hold": add_item(app, 10, at("2023-01-01 09:00"), flagged=True, hold=True, review="approved"),
        "k_unflagged_deleted_by_author": add_item(app, 11, at("2026-02-20 09:00"), deleted=at("2026-02-21 09:00")),
    }


def test_deletes_exactly_what_is_due_across_a_month_boundary(app: App, stocked: dict[str, int]) -> None:
    report = run_retention(app, at("2026-03-01 03:30"))
    due = {"a_unflagged_before_boundary", "b_unflagged_exactly_due", "h_flagged_but_rejected"}
    assert set(report.deleted_unflagged) == {stocked[k] for k in due}
    assert report.deleted_flagged == [stocked["e_flagged_leap_day"]]
    assert report.minimised == [stocked["k_unflagged_deleted_by_author"]]
    assert set(report.kept_on_hold) == {stocked["i_unflagged_on_hold"], stocked["j_flagged_on_hold"]}
    assert remaining(app) == set(stocked.values()) - {stocked[k] for k in due} - {stocked["e_flagged_leap_day"]}
    assert report.authors_deleted == 1  # the author of "a" has nothing left
    with app.sessions() as s:
        assert verify_all(s).ok  # the deletions are recorded, so the chain still vouches for the rest
        assert s.execute(select(m.Author).where(m.Author.remote_id == "only-a")).first() is None
        minimised = s.get(m.Item, stocked["k_unflagged_deleted_by_author"])
        assert minimised is not None and (minimised.text, minimised.raw, minimised.author_snapshot) == ("", "", {})
        assert minimised.minimised_at == at("2026-03-01 03:30")

    nxt = run_retention(app, at("2026-03-02 03:30"))  # the next day's run
    assert nxt.deleted_unflagged == [stocked["c_unflagged_one_minute_young"]]
    assert nxt.deleted_flagged == [stocked["f_flagged_one_minute_young"]]
    assert nxt.minimised == []
    assert stocked["i_unflagged_on_hold"] in remaining(app) and stocked["j_flagged_on_hold"] in remaining(app)


def test_every_run_is_written_to_the_audit_log(app: App, stocked: dict[str, int]) -> None:
    run_retention(app, at("2026-03-01 03:30"))
    with app.sessions() as s:
        events = s.execute(select(m.AuditEvent).where(m.AuditEvent.actor == "retention")
                           .order_by(m.AuditEvent.id)).scalars().all()
    deleted = [i for e in events if e.event == "retention.deleted" for i in e.details["item_ids"]]
    assert sorted(deleted) == sorted([stocked["a_unflagged_before_boundary"], stocked["b_unflagged_exactly_due"],
                                      stocked["h_flagged_but_rejected"], stocked["e_flagged_leap_day"]])
    assert events[-1].event == "retention.ran" and events[-1].details["deleted"] == 4
    assert events[-1].details["kept_on_hold"] == 2


def test_dry_run_changes_nothing(app: App, stocked: dict[str, int]) -> None:
    before = (remaining(app), count(app, m.AuditEvent), count(app, m.Author))
    report = run_retention(app, at("2026-03-01 03:30"), dry_run=True)
    assert len(report.deleted_unflagged) == 3 and report.authors_deleted == 1
    assert (remaining(app), count(app, m.AuditEvent), count(app, m.Author)) == before
    assert any("would delete 3" in line for line in report.lines())


def test_released_hold_falls_under_retention_again(app: App, stocked: dict[str, int]) -> None:
    with transaction(app.sessions) as s:
        release_legal_hold(s, stocked["j_flagged_on_hold"], "clerk", at("2026-03-01 09:00"), "case closed")
    run_retention(app, at("2026-03-02 03:30"))
    assert stocked["j_flagged_on_hold"] not in remaining(app)
    assert stocked["i_unflagged_on_hold"] in remaining(app)


def test_old_audit_entries_are_pruned_but_the_chain_still_verifies(app: App) -> None:
    with transaction(app.sessions) as s:
        for n in range(3):
            audit.record(s, "clerk", "user.login", "user", n, at=at("2022-06-01 10:00"))
    held = add_item(app, 1, at("2023-01-01 09:00"), flagged=True, hold=True, review="approved")
    add_item(app, 2, at("2023-02-01 09:00"), flagged=True, review="approved")
    short = SimpleNamespace(sessions=app.sessions, settings=dataclasses.replace(
        app.settings, values={**app.settings.values, "retention.audit_days": 365}))
    first = run_retention(short, at("2026-03-01 03:30"))  # type: ignore[arg-type]
    assert first.audit_pruned == 3  # stops at the entry vouching for the held item
    with app.sessions() as s:
        report = verify_all(s)
        assert report.ok and report.evidence_items == 1
    with transaction(app.sessions) as s:
        release_legal_hold(s, held, "clerk", at("2026-03-01 09:00"))
    second = run_retention(short, at("2027-03-02 03:30"))  # type: ignore[arg-type]
    assert second.deleted_flagged == [held] and second.audit_pruned > 0
    with app.sessions() as s:
        assert verify_all(s).ok
        oldest = s.execute(select(m.AuditEvent.id).order_by(m.AuditEvent.id)).scalars().first()
    with transaction(app.sessions) as s:  # removing the oldest remaining entry by hand is still caught
        s.execute(delete(m.AuditEvent).where(m.AuditEvent.id == oldest))
    with app.sessions() as s:
        assert not verify_all(s).ok


def test_sent_alert_emails_go_with_the_unflagged_period(app: App) -> None:
    with transaction(app.sessions) as s:
        for key, state, created in (("old-sent", "sent", "2025-11-01 08:00"),
                                    ("old-pending", "pending", "2025-11-01 08:00"),
                                    ("recent-sent", "sent", "2026-02-01 08:00")):
            s.add(m.Alert(kind="urgent", dedupe_key=key, subject="s", body="quotes a post", recipients=[],
                          state=state, created_at=at(created)))
    report = run_retention(app, at("2026-03-01 03:30"))
    assert report.alerts_deleted == 1
    with app.sessions() as s:
        assert set(s.execute(select(m.Alert.dedupe_key)).scalars()) == {"old-pending", "recent-sent"}
