"""The whole record verifies untouched and fails on each kind of tampering, naming the first broken link."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from bot.bootstrap import App
from bot.evidence import verify_all
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import flagged_item_ids


@pytest.fixture
def polled(app: App) -> App:
    assert app.moderator.poll("sim").flagged > 0
    return app


def verify(app: App):
    with app.sessions() as s:
        return verify_all(s)


def audit_ids(app: App) -> list[int]:
    with app.sessions() as s:
        return list(s.execute(select(m.AuditEvent.id).order_by(m.AuditEvent.id)).scalars())


def test_untouched_record_verifies(polled: App) -> None:
    report = verify(polled)
    assert report.ok, report.problems
    assert report.evidence_items == len(flagged_item_ids(polled)) > 0
    assert report.audit_rows == len(audit_ids(polled))
    with polled.sessions() as s:
        head = s.execute(select(m.AuditEvent.row_hash).order_by(m.AuditEvent.id.desc()).limit(1)).scalar()
    assert report.head_hash == head


def test_changed_item_text_is_named(polled: App) -> None:
    target = flagged_item_ids(polled)[1]
    with transaction(polled.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == target).values(text="something milder"))
    report = verify(polled)
    assert not report.ok
    assert report.first is not None
    assert f"item {target}" in report.first.subject and "text changed" in report.first.message


@pytest.mark.parametrize("column,value,words", [
    ("author_snapshot", {"handle": "someone-else"}, "author changed"),
    ("captured_at", None, "time captured changed"),
    ("raw", '{"id":"forged"}', "raw payload was changed"),
])
def test_other_evidence_fields_are_named(polled: App, column: str, value: object, words: str) -> None:
    target = flagged_item_ids(polled)[0]
    with transaction(polled.sessions) as s:
        item = s.get(m.Item, target)
        assert item is not None
        setattr(item, column, value if value is not None else item.captured_at.replace(year=2020))
    report = verify(polled)
    assert report.first is not None and words in report.first.message


def test_changed_audit_row_is_named(polled: App) -> None:
    victim = audit_ids(polled)[2]
    with transaction(polled.sessions) as s:
        s.execute(update(m.AuditEvent).where(m.AuditEvent.id == victim).values(details={"forged": True}))
    report = verify(polled)
    assert report.first is not None
    assert report.first.subject == f"audit row {victim}" and "content was changed" in report.first.message


def test_deleted_audit_row_breaks_the_next_link(polled: App) -> None:
    ids = audit_ids(polled)
    with transaction(polled.sessions) as s:
        s.execute(delete(m.AuditEvent).where(m.AuditEvent.id == ids[3]))
    report = verify(polled)
    assert report.first is not None and report.first.subject == f"audit row {ids[4]}"
    assert "deleted, inserted or reordered" in report.first.message


def test_reordered_audit_rows_are_detected(polled: App) -> None:
    a, b = audit_ids(polled)[1:3]
    with transaction(polled.sessions) as s:  # swap the two rows' positions in the log
        s.execute(update(m.AuditEvent).where(m.AuditEvent.id == a).values(id=-1))
        s.execute(update(m.AuditEvent).where(m.AuditEvent.id == b).values(id=a))
        s.execute(update(m.AuditEvent).where(m.AuditEvent.id == -1).values(id=b))
    report = verify(polled)
    assert report.first is not None and report.first.subject == f"audit row {a}"


def test_deleted_evidence_row_is_detected(polled: App) -> None:
    target = flagged_item_ids(polled)[0]
    with transaction(polled.sessions) as s:
        s.execute(delete(m.Item).where(m.Item.id == target))
    report = verify(polled)
    assert report.first is not None and f"item {target}" in report.first.subject
    assert "without a record of retention or erasure" in report.first.message


def test_first_broken_link_is_the_earliest(polled: App) -> None:
    first, later = flagged_item_ids(polled)[0], flagged_item_ids(polled)[-1]
    with transaction(polled.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id.in_([first, later])).values(text="x"))
    report = verify(polled)
    assert len(report.problems) == 2 and f"item {first}" in report.problems[0].subject
