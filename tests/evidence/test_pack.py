"""The evidence pack: every file the manifest lists is there with the hash it claims."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from PIL import Image
from sqlalchemy import select

from bot import audit
from bot.bootstrap import App
from bot.decisions import Decision
from bot.errors import NotFound
from bot.evidence.gather import load_item_evidence
from bot.evidence.media import fetch_pending_media
from bot.evidence.pack import build_evidence_pack
from bot.evidence.snapshot import render_snapshot
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import domain_item, flagged_item_ids, ingest
from tests.evidence.test_capture import MASTODON_NOTIFICATION
from tests.evidence.test_media import fake_web
from tests.support import FakeClock


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def evidence(app: App, clock: FakeClock) -> list[int]:
    """One poll of flagged traffic, a decision, and one item with a fetched picture."""
    with transaction(app.sessions) as s:
        s.add(m.User(name="clerk", role="clerk", password_hash="-"))
    app.moderator.poll("sim")
    with app.sessions() as s:
        review = s.execute(select(m.ReviewItem).order_by(m.ReviewItem.id)).scalars().first()
        assert review is not None
    app.moderator.decide(Decision(review.id, True, "clerk", "threatening a councillor", police_referral=True))
    item = domain_item(900, "Someone should burn your house down 🔥, see how you like it\u200b", clock.now,
                       raw=MASTODON_NOTIFICATION, avatar="https://files.town.example/avatar.png")
    [pictured] = ingest(app, [item], clock.now)
    get, _ = fake_web({"https://files.town.example/a.png": picture(), "https://files.town.example/b.mp4": b"\0" * 64,
                       "https://files.town.example/avatar.png": picture()})
    fetch_pending_media(app, http_get=get, now=clock)
    return [review.item_id, pictured]


def test_manifest_hashes_match_the_files(app: App, clock: FakeClock, evidence: list[int]) -> None:
    pack = build_evidence_pack(app, evidence, "clerk", clock.now)
    assert pack.filename.startswith("evidence-thornbury-town-council-item-") and pack.filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        listed = {f["path"]: f for f in manifest["files"]}
        assert names == set(listed) | {"manifest.json", "SHA256SUMS"}
        for path, entry in listed.items():
            data = zf.read(path)
            assert audit.sha256_hex(data) == entry["sha256"] and len(data) == entry["size"], path
        sums = {name: digest for digest, name in
                (line.split("  ", 1) for line in zf.read("SHA256SUMS").decode().splitlines())}
        assert sums["manifest.json"] == audit.sha256_hex(zf.read("manifest.json"))
        assert all(sums[p] == e["sha256"] for p, e in listed.items())
        for item_id in evidence:
            assert zf.read(f"items/{item_id}/snapshot.pdf").startswith(b"%PDF-")
        assert zf.read("summary.pdf").startswith(b"%PDF-")
        assert any(n.startswith(f"items/{evidence[1]}/media/avatar-") for n in names)
        record = json.loads(zf.read(f"items/{evidence[0]}/evidence.json"))
        raw = zf.read(f"items/{evidence[0]}/raw.json")
    assert manifest["chain"]["ok"] and manifest["council"] == "Thornbury Town Council"
    assert all(i["matches_capture_record"] for i in manifest["items"])
    assert audit.sha256_hex(raw) == record["evidence"]["raw_sha256"]
    assert record["review"]["status"] == "approved" and record["review"]["police_referral"] is True
    assert record["findings"] and record["findings"][0]["clauses"] == []  # as stored: neutral cites no numbers
    assert any(e["event"] == "evidence.captured" for e in record["audit_trail"])
    assert record["review"]["item_id"] == evidence[0] and "id" not in record["review"]  # one number
    assert any(e["in_words"].startswith(f"clerk upheld item {evidence[0]} from ") for e in record["audit_trail"])


def test_making_a_pack_is_audited_with_its_hash(app: App, clock: FakeClock, evidence: list[int]) -> None:
    pack = build_evidence_pack(app, evidence[:1], "clerk", clock.now)
    with app.sessions() as s:
        event = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "evidence.exported")).scalar_one()
    assert event.actor == "clerk" and event.details == {"item_ids": evidence[:1], "pack_sha256": pack.sha256,
                                                        "files": len(pack.manifest["files"]) + 2}


def test_pack_is_reproducible_for_the_same_evidence(app: App, clock: FakeClock, evidence: list[int]) -> None:
    first = build_evidence_pack(app, evidence, "clerk", clock.now)
    second = build_evidence_pack(app, evidence, "clerk", clock.now)
    files = lambda p: {f["path"]: f["sha256"] for f in p.manifest["files"]}  # noqa: E731
    assert {k: v for k, v in files(first).items() if k.startswith("items/")} == \
        {k: v for k, v in files(second).items() if k.startswith("items/")}
    # the summary states the chain's head, which the first pack's own audit entry moved on
    assert first.manifest["chain"]["head_hash"] != second.manifest["chain"]["head_hash"]


def test_unknown_item_is_refused(app: App, clock: FakeClock) -> None:
    with pytest.raises(NotFound):
        build_evidence_pack(app, [424242], "clerk", clock.now)


def test_snapshot_draws_unicode_pictures_and_deletion(app: App, clock: FakeClock, evidence: list[int]) -> None:
    with transaction(app.sessions) as s:
        item = s.get(m.Item, evidence[1])
        assert item is not None
        item.deleted_at = clock.now
    with app.sessions() as s:
        ev = load_item_evidence(s, evidence[1])
    assert ev.captured_digest == ev.digest and ev.raw_intact
    assert sum(1 for mf in ev.media if mf.data) == 3 and any(mf.is_avatar for mf in ev.media)
    pdf = render_snapshot(ev, "Thornbury Town Council", clock.now)
    assert pdf.startswith(b"%PDF-") and b"/Image" in pdf  # the picture and the avatar are drawn
    assert render_snapshot(ev, "Thornbury Town Council", clock.now) == pdf


def test_flagged_items_each_make_a_pack(app: App, clock: FakeClock) -> None:
    app.moderator.poll("sim")
    ids = flagged_item_ids(app)
    pack = build_evidence_pack(app, ids, "clerk", clock.now)
    assert len(pack.manifest["items"]) == len(ids)
