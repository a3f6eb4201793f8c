"""Decisions on the page and in the CLI by item number: the check page's words per
platform, the result panel (failed with the reason), undo through its check page,
"earlier upheld findings" not counting the item itself, the users page with one user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import select, update

from bot.bootstrap import App
from bot.cli import main
from bot.domain import ActionKind
from bot.storage import models as m
from bot.storage.db import migrate, transaction
from bot.web.effects import what_happens
from tests.support import BASE_CONFIG
from tests.web.conftest import FakePlatform, csrf_of, insert_review, unisolated
from tests.web.test_review import item_of


def post(client: FlaskClient, path: str, **fields: object) -> str:
    r = client.post(path, data={"csrf_token": csrf_of(client, "/"), **fields}, follow_redirects=True)
    return r.get_data(as_text=True)


def approved_block(app: App, client: FlaskClient) -> tuple[int, int]:
    """A flagged item whose block the clerk approved (and confirmed) on its page: (review id, item id)."""
    rid = insert_review(app, actions=("block",))
    item = item_of(app, rid)
    post(client, f"/items/{item}/decide", decision="approve", actions="block", back="/", confirmed="yes")
    return rid, item


def block_of(app: App, rid: int) -> m.Action:
    with app.sessions() as s:
        return s.execute(select(m.Action).where(m.Action.review_item_id == rid)).scalar_one()


def set_block(app: App, rid: int, **values: str) -> None:
    """The block's row as the executor would have left it (``state``, ``last_error``, ``outcome``)."""
    with transaction(app.sessions) as s:
        s.execute(update(m.Action).where(m.Action.review_item_id == rid).values(**values))


@pytest.mark.parametrize(("platform", "kind", "words"), [
    ("mastodon", "domain_block", "Everyone on that server is affected"),
    ("mastodon", "remove_follower", "will no longer follow the council"),
    ("mastodon", "report", "is not told who reported them"),
    ("bluesky", "block", "blocks are public"),
    ("bluesky", "unhide_reply", "shows under the council's post again"),
    ("simulated", "block", "nobody is affected"),
])
def test_the_check_page_says_what_happens_on_that_platform(platform: str, kind: str, words: str) -> None:
    assert words in what_happens(platform, kind, "@x@example.social")


def test_a_report_is_checked_before_it_is_approved(app: App, signed_in: FlaskClient) -> None:
    app.moderator.adapters["masto"] = FakePlatform(
        "mastodon", frozenset({ActionKind.REPORT, ActionKind.BLOCK})).as_adapter()
    rid = insert_review(app, account="masto", platform="mastodon", actions=("report",))
    item = item_of(app, rid)
    page = post(signed_in, f"/items/{item}/decide", decision="approve", actions="report", reason="abuse",
                back="/")
    assert f"Check what will happen: item {item}" in page and "moderators of the council&#39;s Mastodon server" in page
    assert 'name="confirmed" value="yes"' in page and 'name="actions" value="report"' in page
    with app.sessions() as s:
        assert s.get_one(m.ReviewItem, rid).status == "pending"  # nothing decided until confirmed
    post(signed_in, f"/items/{item}/decide", decision="approve", actions="report", reason="abuse", back="/",
         confirmed="yes")
    with app.sessions() as s:
        assert s.get_one(m.ReviewItem, rid).status == "approved"


def test_a_mute_needs_no_check_page(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("mute",))
    page = post(signed_in, f"/items/{item_of(app, rid)}/decide", decision="approve", actions="mute", back="/")
    assert "Check what will happen" not in page and f"Item {item_of(app, rid)} upheld: muting" in page


def test_result_panel_failed_with_the_reason_and_no_raw_answer(app: App, signed_in: FlaskClient) -> None:
    rid, item = approved_block(app, signed_in)
    set_block(app, rid, state="failed", last_error="The post or account no longer exists. account gone")
    page = unisolated(signed_in.get(f"/items/{item}").get_data(as_text=True))
    assert "The bot could not block @someone@example.social" in page and "account gone" in page
    assert 'state-failed">Failed' in page and "Unblock" not in page
    app.moderator.execute_due()


def test_undo_goes_through_its_check_page_and_is_approved_once(app: App, signed_in: FlaskClient) -> None:
    rid, item = approved_block(app, signed_in)
    assert app.moderator.execute_due().done == 1
    block = block_of(app, rid)
    page = unisolated(signed_in.get(f"/items/{item}").get_data(as_text=True))
    assert "The bot blocked @someone@example.social" in page and ">Unblock the author</button>" in page
    missing = post(signed_in, f"/items/{item}/undo", action=block.id, reason="")
    assert f'<a href="#undo-reason-{block.id}">Item {item}: give a reason for undoing blocking' in missing
    check = post(signed_in, f"/items/{item}/undo", action=block.id, reason="wrong person")
    assert f"Check before you undo it: item {item}" in check and "Confirm and undo it" in check
    done = post(signed_in, f"/items/{item}/undo", action=block.id, reason="wrong person", confirmed="yes")
    assert f"Item {item}: unblocking @someone@example.social approved." in unisolated(done)
    again = post(signed_in, f"/items/{item}/undo", action=block.id, reason="wrong person", confirmed="yes")
    assert "already been undone" in again
    with app.sessions() as s:
        assert len(s.execute(select(m.Action).where(m.Action.kind == "unblock")).all()) == 1


def test_earlier_upheld_findings_do_not_count_the_item_itself(app: App, signed_in: FlaskClient) -> None:
    rid = insert_review(app, actions=("mute",), author_handle="@repeat@example.social")
    item = item_of(app, rid)
    post(signed_in, f"/items/{item}/decide", decision="approve", actions="mute", back="/")
    page = unisolated(signed_in.get(f"/items/{item}").get_data(as_text=True))
    assert "<dt>Earlier upheld findings</dt><dd>0</dd>" in page
    decided = signed_in.get("/?status=approved").get_data(as_text=True)
    assert "<dt>Earlier upheld findings</dt><dd>0</dd>" in decided


def test_users_page_with_only_the_clerk_says_so(signed_in: FlaskClient) -> None:
    page = signed_in.get("/users").get_data(as_text=True)
    section = page.split("Change someone's access</h2>")[1].split("<h2>")[0]
    assert "There is nobody else to change yet" in section


def test_cli_queue_uses_item_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = dict(BASE_CONFIG, data_dir=str(tmp_path / "data"), database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    migrate(doc["database_url"])
    assert main(["--config", str(config), "user", "add", "clerk", "--role", "clerk"]) == 0
    assert main(["--config", str(config), "poll", "--once"]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "queue", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    first = rows[0]
    assert "id" not in first and first["item"] > 0
    assert main(["--config", str(config), "queue", "list"]) == 0
    assert f"Item {first['item']} [" in capsys.readouterr().out
    assert main(["--config", str(config), "queue", "approve", str(first["item"]), "--as", "clerk",
                 "--no-action", "police", "--reason", "sent to the police"]) == 0
    assert capsys.readouterr().out.strip() == f"item {first['item']} upheld (breach) by clerk"
    assert main(["--config", str(config), "queue", "reject", str(first["item"]), "--as", "clerk",
                 "--reason", "x"]) == 2
    assert f"error: item {first['item']}: clerk already upheld on item {first['item']}" in capsys.readouterr().err
    second = rows[1]["item"]
    assert main(["--config", str(config), "queue", "reject", str(second), "--as", "clerk"]) == 2
    assert "Give a reason why this is not a breach." in capsys.readouterr().err
    assert main(["--config", str(config), "queue", "approve", str(second), "--as", "clerk", "--actions", "mute"]) == 0
    assert main(["--config", str(config), "queue", "undo", str(second), "--action", "mute", "--as", "clerk",
                 "--reason", "too early"]) == 2
    assert "no mute was carried out for this item" in capsys.readouterr().err
    assert main(["--config", str(config), "execute", "--once"]) == 0
    assert main(["--config", str(config), "queue", "undo", str(second), "--action", "mute", "--as", "clerk",
                 "--reason", "muted by mistake"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"item {second}: unmute approved by clerk; it is carried out next")
    assert main(["--config", str(config), "execute", "--once"]) == 0
    assert "actions: 1 done" in capsys.readouterr().out


def test_an_action_not_needed_is_said_so_and_offers_no_undo(app: App, signed_in: FlaskClient) -> None:
    rid, item = approved_block(app, signed_in)
    set_block(app, rid, state="done", outcome="Not needed: the account no longer exists.")
    page = unisolated(signed_in.get(f"/items/{item}").get_data(as_text=True))
    assert "the bot did not need to block @someone@example.social" in page
    assert "the account no longer exists" in page and "Unblock the author" not in page
