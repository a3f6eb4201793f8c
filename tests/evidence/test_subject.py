"""Subject access finds a person by old and new handles; erasure keeps legal holds and says why."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.errors import NotFound
from bot.evidence import set_legal_hold, verify_all
from bot.storage import models as m
from bot.storage.db import transaction
from bot.subject import erase_subject, export_subject, find_authors
from tests.evidence.helpers import domain_item, ingest
from tests.support import FakeClock, count

THREAT = "If Cllr Brown shows up at the meeting I will kill you, I know where you live"


@pytest.fixture
def renamed(app: App, clock: FakeClock) -> dict[str, list[int]]:
    """One account posting as @old_name, then renamed to @new_name; and a bystander."""
    early = ingest(app, [domain_item(1, "Are the bins being collected on Boxing Day?", clock.now,
                                     author_id="acct-7", handle="old_name@town.example", display="Pat"),
                         domain_item(2, THREAT, clock.now, author_id="acct-7", handle="old_name@town.example",
                                     display="Pat")], clock.now)
    later = clock.advance(days=3)
    late = ingest(app, [domain_item(3, "Is the library open on Saturdays?", later, author_id="acct-7",
                                    handle="new_name@town.example", display="Pat Q"),
                        domain_item(4, "Lovely photos of the market", later, author_id="acct-8",
                                    handle="bystander@town.example")], later)
    return {"pat": early + late[:1], "bystander": late[1:]}


@pytest.mark.parametrize("handle", ["@old_name@town.example", "NEW_NAME@town.example", "acct-7"])
def test_export_finds_items_by_old_and_new_handles(app: App, clock: FakeClock, renamed: dict[str, list[int]],
                                                   tmp_path: Path, handle: str) -> None:
    result = export_subject(app, handle, tmp_path / "sar", "clerk", clock.now)
    assert result.authors == 1 and result.items == 3
    bundle = json.loads((tmp_path / "sar" / "subject.json").read_text(encoding="utf-8"))
    assert sorted(i["item_id"] for i in bundle["items"]) == renamed["pat"]
    names = {n["handle"] for n in bundle["accounts"][0]["names_seen"]}
    assert names == {"old_name@town.example", "new_name@town.example"}
    assert all(i["raw_payload"] is not None for i in bundle["items"])
    html = (tmp_path / "sar" / "subject.html").read_text(encoding="utf-8")
    assert "I will kill you" in html and "bystander" not in html and "Lovely photos" not in html
    assert stat.S_IMODE((tmp_path / "sar").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "sar" / "subject.json").stat().st_mode) == 0o600


def test_export_is_audited_without_the_handle(app: App, clock: FakeClock, renamed: dict[str, list[int]],
                                              tmp_path: Path) -> None:
    export_subject(app, "old_name@town.example", tmp_path / "sar", "clerk", clock.now)
    with app.sessions() as s:
        event = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "subject.exported")).scalar_one()
    assert "old_name" not in json.dumps(event.details) + event.subject_id and event.details["items"] == 3


def test_unknown_subject_is_reported(app: App, clock: FakeClock, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        export_subject(app, "nobody@nowhere.example", tmp_path / "sar", "clerk", clock.now)


def test_erase_keeps_legal_holds_and_says_why(app: App, clock: FakeClock, renamed: dict[str, list[int]]) -> None:
    threat = renamed["pat"][1]
    with transaction(app.sessions) as s:
        set_legal_hold(s, threat, "police reference 12/3456", "clerk", clock.now)
    dry = erase_subject(app, "new_name@town.example", "clerk", clock.now + timedelta(hours=1), dry_run=True)
    assert count(app, m.Item) == 4  # a dry run changes nothing
    report = erase_subject(app, "new_name@town.example", "clerk", clock.now + timedelta(hours=1))
    assert report.deleted_items == dry.deleted_items == [renamed["pat"][0], renamed["pat"][2]]
    assert report.kept == [(threat, "police reference 12/3456")]
    assert any("KEPT: under legal hold (police reference 12/3456)" in line for line in report.lines())
    assert report.authors_deleted == 0  # the held item still needs its author
    with app.sessions() as s:
        assert set(s.execute(select(m.Item.id)).scalars()) == {threat, *renamed["bystander"]}
        assert verify_all(s).ok
        assert [a.remote_id for a in find_authors(s, "old_name@town.example")] == ["acct-7"]


def test_erase_without_holds_removes_the_account(app: App, clock: FakeClock, renamed: dict[str, list[int]]) -> None:
    report = erase_subject(app, "old_name@town.example", "clerk", clock.now)
    assert report.kept == [] and report.authors_deleted == 1
    assert count(app, m.AuthorAlias) == 1  # only the bystander's
    with app.sessions() as s:
        assert find_authors(s, "new_name@town.example") == []
        assert verify_all(s).ok
