"""Quiet accounts against a real local PDS and AppView (@atproto/dev-env), through the
whole core: a threadgate on the council's new post (information only), and a pile-on
whose approved limit is set as a threadgate and undone when it expires (the controlled
clock jumps the hours), keeping a reply the clerk hid meanwhile.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from atproto_client import Client, models

from adapters.bluesky import BlueskyAdapter
from bot.bootstrap import App, build_app
from bot.decisions import Decision
from bot.domain import ActionKind, Platform
from bot.errors import TargetGone
from bot.settings import AccountSettings
from bot.storage import quiet_models as q
from bot.users import create_user
from tests.e2e import bluesky_devenv as devenv
from tests.e2e.test_bluesky_e2e import account, did_of, order, record, ref, wait_for_notifications
from tests.support import FakeClock, make_settings

pytestmark = pytest.mark.e2e
FOLLOWER = {"$type": "app.bsky.feed.threadgate#followerRule"}
MENTION = {"$type": "app.bsky.feed.threadgate#mentionRule"}


def council_app(network: devenv.DevEnv, tmp_path: Path, handle: str, policy: str,
                clock: FakeClock) -> tuple[App, Client]:
    council = account(network.pds, handle)
    password = council.com.atproto.server.create_app_password(
        models.ComAtprotoServerCreateAppPassword.Data(name="modbot", privileged=True)).password
    name = handle.split(".")[0]
    entry = {"name": name, "platform": "bluesky", "handle": handle, "server_url": network.pds,
             "app_password_env": "UNUSED_IN_THIS_TEST", "reply_policy": policy, "context_days": 1}
    settings = make_settings(tmp_path / "data", accounts=[entry],
                             **{"pile_on.min_replies": 2, "pile_on.limit_hours": 6})
    acc = AccountSettings(name=name, platform=Platform.BLUESKY, handle=handle, server_url=network.pds,
                          app_password_env="UNUSED_IN_THIS_TEST", context_days=1, reply_policy=policy)
    adapter = BlueskyAdapter(acc, session_dir=tmp_path / "data", app_password=password,
                             moderation_did=network.ozone_did, read_dms=False)
    app = build_app(settings, adapters={name: adapter}, clock=clock)
    with app.sessions() as s:
        create_user(s, "clerk", "clerk", "a long enough password 1", created_by="e2e")
        s.commit()
    return app, council


def threadgate(client: Client, post_uri: str) -> dict[str, Any]:
    repo, _, rkey = post_uri.removeprefix("at://").split("/")
    return record(client, f"at://{repo}/app.bsky.feed.threadgate/{rkey}")


def test_information_only_puts_a_threadgate_on_the_new_post(network: devenv.DevEnv, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=1))
    app, council = council_app(network, tmp_path, "infoonly.test", "nobody", clock)
    assert app.moderator.scan_posts("infoonly").ok  # the policy takes effect now
    post = council.send_post("The town hall is closed on Friday.", profile_identify=did_of(council))
    found = app.moderator.scan_posts("infoonly")
    assert (found.posts, found.gates) == (1, 1)
    assert app.moderator.apply_reply_gates() == 1
    gate = threadgate(council, post.uri)
    assert gate["allow"] == [] and gate["post"] == post.uri
    assert app.moderator.apply_reply_gates() == 0 and app.moderator.scan_posts("infoonly").posts == 0


def test_a_pile_on_limit_is_set_and_undone_when_it_expires(network: devenv.DevEnv, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    app, council = council_app(network, tmp_path, "planning.test", "open", clock)
    app.moderator.scan_posts("planning")
    post = council.send_post("Planning decision: 40 homes on Morton Way approved.", profile_identify=did_of(council))
    network.process()  # residents reply to a post the AppView has indexed
    reply_ref = models.AppBskyFeedPost.ReplyRef(parent=ref(post), root=ref(post))
    residents = [account(network.pds, h) for h in ("angry1.test", "angry2.test", "angry3.test")]
    for n, resident in enumerate(residents):
        resident.send_post(f"Disgraceful decision ({n})", profile_identify=did_of(resident), reply_to=reply_ref)
    network.process()
    assert wait_for_notifications(council, {"reply"})
    clock.now = datetime.now(UTC)
    assert app.moderator.poll("planning").ok
    with app.sessions() as s:
        pile = s.query(q.PileOn).one()
    assert pile.post_remote_id == post.uri and pile.replies >= 2
    app.moderator.decide(Decision(review_id=pile.review_item_id, approve=True, user="clerk"))
    assert app.moderator.execute_due().done == 1
    assert threadgate(council, post.uri)["allow"] == [FOLLOWER, MENTION]
    adapter = app.moderator.adapters["planning"]
    first_reply = next(i for i in adapter.fetch(None).items if i.thread_root_id == post.uri)
    adapter.apply(order(first_reply, ActionKind.HIDE_REPLY))  # the clerk hides one meanwhile
    clock.advance(hours=6)
    assert app.moderator.expire_reply_limits() == 1
    assert app.moderator.execute_due().done == 1
    gate = threadgate(council, post.uri)
    assert gate.get("allow") is None and gate["hiddenReplies"] == [first_reply.remote_id]  # anyone may reply again
    assert app.moderator.expire_reply_limits() == 0


def test_a_limit_on_an_untouched_post_leaves_no_gate_behind(network: devenv.DevEnv, tmp_path: Path) -> None:
    clock = FakeClock(datetime.now(UTC))
    app, council = council_app(network, tmp_path, "plain.test", "open", clock)
    post = council.send_post("Bins: no change this week.", profile_identify=did_of(council))
    adapter = app.moderator.adapters["plain"]
    assert isinstance(adapter, BlueskyAdapter)
    limit = adapter.gates.limit(post.uri, [FOLLOWER])
    assert threadgate(council, post.uri)["allow"] == [FOLLOWER]
    adapter.gates.restore(post.uri, limit["previous_allow"])
    with pytest.raises(Exception) as gone:
        threadgate(council, post.uri)
    assert "RecordNotFound" in repr(gone.value) or isinstance(gone.value, TargetGone)
