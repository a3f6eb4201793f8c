"""What decisions depend on is in the chain: the author an action would reach, legal
holds, review decisions and action states. An edit made straight in the database is
named by ``audit verify``; the executor refuses to act on a changed author link."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from bot.bootstrap import App
from bot.decisions import Decision
from bot.domain import ActionKind
from bot.evidence import release_legal_hold, set_legal_hold, verify_all
from bot.storage import models as m
from bot.storage.db import transaction
from tests.support import FakeClock
from tests.test_moderator import add_user


@pytest.fixture
def decided(app: App) -> tuple[App, int, int]:
    """A polled record with one review approved (a block), before it is carried out."""
    add_user(app)
    assert app.moderator.poll("sim").flagged > 1
    with app.sessions() as s:
        review = s.execute(select(m.ReviewItem).order_by(m.ReviewItem.id)).scalars().first()
        assert review is not None
        review_id, item_id = review.id, review.item_id
    app.moderator.decide(Decision(review_id, True, "clerk", "threat", actions=(ActionKind.BLOCK,)))
    return app, review_id, item_id


def problems(app: App) -> list[str]:
    with app.sessions() as s:
        return [str(p) for p in verify_all(s).problems]


def test_the_decided_record_verifies_and_still_does_after_the_action(decided: tuple[App, int, int]) -> None:
    app, _, _ = decided
    assert problems(app) == []
    assert app.moderator.execute_due().done == 1
    assert problems(app) == []


def other_author(app: App, item_id: int) -> m.Author:
    with app.sessions() as s:
        item = s.get(m.Item, item_id)
        assert item is not None
        other = s.execute(select(m.Author).where(m.Author.id != item.author_id)).scalars().first()
        assert other is not None
        return other


def test_a_changed_author_link_is_named_and_nothing_is_sent(decided: tuple[App, int, int]) -> None:
    app, review_id, item_id = decided
    other = other_author(app, item_id)
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == item_id).values(author_id=other.id))
    found = problems(app)
    assert len(found) == 1 and f"item {item_id}" in found[0] and "a different account" in found[0]
    assert other.remote_id in found[0]
    result = app.moderator.execute_due()
    assert result.done == 0 and result.failed == 1
    assert app.moderator.adapters["sim"].applied == {}  # type: ignore[attr-defined]
    with app.sessions() as s:
        action = s.execute(select(m.Action).where(m.Action.review_item_id == review_id,
                                                  m.Action.kind == "block")).scalar_one()
        assert action.state == "failed" and "changed in the database" in (action.last_error or "")


def test_a_changed_author_account_id_is_named(decided: tuple[App, int, int]) -> None:
    app, _, item_id = decided
    with transaction(app.sessions) as s:
        item = s.get(m.Item, item_id)
        assert item is not None
        s.execute(update(m.Author).where(m.Author.id == item.author_id).values(remote_id="someone-else"))
    found = problems(app)
    assert any(f"item {item_id}" in p and "someone-else" in p for p in found)


def test_a_legal_hold_flipped_in_the_database_is_named(decided: tuple[App, int, int], clock: FakeClock) -> None:
    app, _, item_id = decided
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == item_id).values(legal_hold=True))
    assert any("under legal hold, but no hold was recorded" in p for p in problems(app))
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == item_id).values(legal_hold=False))
        set_legal_hold(s, item_id, "police ref 12/3456", "clerk", clock.now)
    assert problems(app) == []  # a recorded hold is fine
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == item_id).values(legal_hold=False))
    assert any("legal hold was lifted without a record" in p for p in problems(app))
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == item_id).values(legal_hold=True))
        release_legal_hold(s, item_id, "clerk", clock.now, "case closed")
    assert problems(app) == []


@pytest.mark.parametrize("table,values,words", [
    ("review", {"status": "rejected"}, "is rejected, but the record says approved"),
    ("review", {"decided_by": "someone"}, "decided by someone, but the record says clerk"),
    ("other_review", {"status": "approved"}, "is approved, but the record says pending"),
    ("action", {"state": "done"}, "is done, but the record says approved"),
    ("action", {"kind": "report"}, "is now a report, but a block was decided"),
])
def test_decisions_changed_in_the_database_are_named(decided: tuple[App, int, int], table: str,
                                                     values: dict[str, str], words: str) -> None:
    app, review_id, _ = decided
    with transaction(app.sessions) as s:
        if table == "review":
            s.execute(update(m.ReviewItem).where(m.ReviewItem.id == review_id).values(**values))
        elif table == "other_review":
            s.execute(update(m.ReviewItem).where(m.ReviewItem.id != review_id).values(**values))
        else:
            s.execute(update(m.Action).where(m.Action.review_item_id == review_id, m.Action.kind == "block")
                      .values(**values))
    found = problems(app)
    assert found and any(words in p for p in found), found
