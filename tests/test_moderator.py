"""The core loop on the simulated platform, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from bot.bootstrap import App
from bot.decisions import Decision
from bot.domain import ActionKind
from bot.errors import InvalidTransition, TransientError
from bot.storage import models as m
from bot.storage.db import transaction
from tests.support import FakeClock, count


def add_user(app: App, name: str = "clerk", role: str = "clerk", active: bool = True) -> None:
    with transaction(app.sessions) as s:
        s.add(m.User(name=name, role=role, password_hash="-", active=active))


def first_pending(app: App) -> m.ReviewItem:
    with app.sessions() as s:
        review = (
            s.execute(select(m.ReviewItem).where(m.ReviewItem.status == "pending").order_by(m.ReviewItem.id))
            .scalars()
            .first()
        )
        assert review is not None
        return review


def test_poll_stores_items_findings_and_cursor(app: App) -> None:
    result = app.moderator.poll("sim")
    assert result.ok and result.stored == 40  # one page
    assert count(app, m.Item) == 40
    assert count(app, m.ReviewItem) == result.flagged > 0
    assert count(app, m.Finding) >= result.flagged
    second = app.moderator.poll("sim")
    assert second.stored == 19 and second.skipped == 1  # post 52 is malformed: logged and skipped
    assert count(app, m.Item) == 59
    with app.sessions() as s:
        assert s.execute(select(m.Cursor.value).where(m.Cursor.stream == "main")).scalar() == "60"


def test_repolling_the_same_page_is_idempotent(app: App) -> None:
    app.moderator.poll("sim")
    with transaction(app.sessions) as s:  # the cursor is lost, as if the commit had not happened
        s.execute(update(m.Cursor).values(value=None))
    again = app.moderator.poll("sim")
    assert again.stored == 0 and again.duplicates == 40
    assert count(app, m.Item) == 40


def test_approve_executes_exactly_once_and_audits(app: App) -> None:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "threat to a councillor"))
    result = app.moderator.execute_due()
    assert result.done >= 1
    assert app.moderator.execute_due().done == 0  # nothing twice
    adapter = app.moderator.adapters["sim"]
    keys = [k for k in adapter.applied if k.startswith(f"act-{review.id}-")]  # type: ignore[attr-defined]
    assert len(keys) == result.done
    with app.sessions() as s:
        events = s.execute(select(m.AuditEvent.event).where(m.AuditEvent.actor == "clerk")).scalars().all()
        assert "review.approved" in events and "action.approved" in events
        assert (
            s.execute(select(func.count()).select_from(m.Action).where(m.Action.state == "done")).scalar()
            == result.done
        )


def test_reject_needs_reason_and_a_real_user(app: App) -> None:
    add_user(app)
    add_user(app, "councillor", role="councillor")
    app.moderator.poll("sim")
    review = first_pending(app)
    with pytest.raises(InvalidTransition):
        app.moderator.decide(Decision(review.id, False, "clerk", ""))
    with pytest.raises(InvalidTransition):
        app.moderator.decide(Decision(review.id, False, "councillor", "not allowed"))
    app.moderator.decide(Decision(review.id, False, "clerk", "banter between friends"))
    assert count(app, m.Action, m.Action.review_item_id == review.id, m.Action.state != "rejected") == 0
    with pytest.raises(InvalidTransition):
        app.moderator.decide(Decision(review.id, True, "clerk", "changed my mind"))
    assert app.moderator.execute_due().done == 0


def test_transient_failure_retries_with_backoff_then_succeeds(app: App, clock: FakeClock) -> None:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "ok", actions=(ActionKind.BLOCK,)))
    app.moderator.adapters["sim"].inject("apply", TransientError("503"))  # type: ignore[attr-defined]
    assert app.moderator.execute_due().retried == 1
    assert app.moderator.execute_due().done == 0  # not yet due
    clock.advance(minutes=5)
    assert app.moderator.execute_due().done == 1
