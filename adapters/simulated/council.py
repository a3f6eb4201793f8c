"""The simulated platform's side of the council's own posts: publishing, reply gates,
pile-on bursts, and which real platform's abilities it copies.

``simulates`` picks the real platform whose abilities the simulation has, no more:
``bluesky`` (a gate per post, changeable at any time: threadgate ``allow`` beside
the hidden replies), ``gotosocial`` (a default interaction policy for posts made from
then on; a published post's policy cannot change), ``mastodon`` (replies cannot be
restricted), or ``any`` (every action: the demo's generic platform).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.domain import ActionKind, OwnPost, OwnPosts, ReplyControls, ReplyPolicy
from bot.errors import PermanentError, Unsupported

# The real adapters' capabilities, copied (tests/adapters/test_simulated_capabilities.py
# fails if they drift apart): a non-admin account on each platform.
#: Every Mastodon-API server: block, mute, report, and undoing the first two.
_FEDIVERSE_CORE = frozenset({ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT,
                             ActionKind.UNBLOCK, ActionKind.UNMUTE})
#: Mastodon 4.5: no way to hide a reply (mastodon#11984); a quote can be revoked, not restored.
MASTODON_CAPABILITIES = _FEDIVERSE_CORE | {ActionKind.REMOVE_FOLLOWER, ActionKind.DOMAIN_BLOCK,
                                           ActionKind.DETACH_QUOTE}
#: GoToSocial 0.19: no user-level domain blocks, no remove_from_followers, no quotes.
GOTOSOCIAL_CAPABILITIES = _FEDIVERSE_CORE
#: Bluesky: threadgate hiddenReplies and postgate detachedEmbeddingUris, both reversible.
BLUESKY_CAPABILITIES = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE, ActionKind.BLOCK,
                                  ActionKind.MUTE, ActionKind.REPORT, ActionKind.UNHIDE_REPLY,
                                  ActionKind.REATTACH_QUOTE, ActionKind.UNBLOCK, ActionKind.UNMUTE,
                                  ActionKind.LIMIT_REPLIES, ActionKind.RESTORE_REPLIES})
SIMULATES: dict[str, tuple[frozenset[ActionKind], ReplyControls]] = {
    "any": (frozenset(ActionKind), ReplyControls.PER_POST),
    "bluesky": (BLUESKY_CAPABILITIES, ReplyControls.PER_POST),
    "gotosocial": (GOTOSOCIAL_CAPABILITIES, ReplyControls.NEW_POSTS),
    "mastodon": (MASTODON_CAPABILITIES, ReplyControls.NONE),
}
#: Who may reply, as the simulated gate stores it (like a threadgate's ``allow``; None: anyone).
ALLOW: dict[str, list[str] | None] = {
    ReplyPolicy.OPEN: None, ReplyPolicy.FOLLOWERS: ["followers"], ReplyPolicy.MENTIONED: ["mentioned"],
    ReplyPolicy.NOBODY: [], "followers_and_mentioned": ["followers", "mentioned"],
}


def narrowed(current: list[str] | None, limit: list[str]) -> list[str]:
    if current is None:
        return list(limit)
    kept = [rule for rule in current if rule in limit]
    return kept if kept or not current else list(current)


class CouncilSide:
    """Mixed into ``SimulatedAdapter``; uses its ``_state``, ``_lock``, ``_save`` and ``clock``."""

    simulates: str
    _state: dict[str, Any]
    clock: Any

    @property
    def reply_controls(self) -> str:
        return SIMULATES[self.simulates][1].value

    # -- what the council does in the app, for tests and the demo -------------------------
    def publish(self, text: str, *, reply_to: str | None = None, at: datetime | None = None) -> str:
        """The council publishes a post; on GoToSocial it gets the account's default policy."""
        with self._lock:  # type: ignore[attr-defined]
            self._state = self._load()  # type: ignore[attr-defined]
            posts = self._state.setdefault("own_posts", [])
            post_id = f"council-post-{len(posts) + 100}"
            posts.append({"id": post_id, "text": text, "created_at": (at or self.clock()).isoformat(),
                          "reply_to": reply_to})
            default = self._state.get("default_reply_policy")
            if default and not reply_to:
                self._state.setdefault("gates", {})[post_id] = {"allow": ALLOW[default], "hidden": []}
            self._save()  # type: ignore[attr-defined]
        return post_id

    def reply_burst(self, post_id: str, count: int, *, new_accounts: bool, at: datetime | None = None,
                    text: str = "This decision is a disgrace, shame on the council") -> list[str]:
        """``count`` replies to the council's post from as many accounts (a pile-on)."""
        when = at or self.clock()
        with self._lock:  # type: ignore[attr-defined]
            self._state = self._load()  # type: ignore[attr-defined]
            extra = self._state.setdefault("extra", [])
            ids = []
            for i in range(count):
                n = len(extra)
                created = when - timedelta(days=3 if new_accounts else 900)
                extra.append({"id": f"sim-x{n}", "post": post_id, "author": f"burst-{n}", "text": f"{text} ({i + 1})",
                              "created_at": (when + timedelta(seconds=i)).isoformat(),
                              "account_created": created.isoformat()})
                ids.append(f"sim-x{n}")
            self._save()  # type: ignore[attr-defined]
        return ids

    def gate(self, post_id: str) -> dict[str, Any] | None:
        """The post's gate as the platform holds it (None: no gate at all)."""
        gate: dict[str, Any] | None = self._load().get("gates", {}).get(post_id)  # type: ignore[attr-defined]
        return gate

    # -- ReplyGating ----------------------------------------------------------------
    def fetch_own_posts(self, cursor: str | None, since_days: int) -> OwnPosts:
        self._maybe_fail("own_posts")  # type: ignore[attr-defined]
        posts = self._load().get("own_posts", [])  # type: ignore[attr-defined]
        start = int(cursor) if cursor else 0
        since = self.clock() - timedelta(days=since_days)
        found = []
        for p in posts[start:]:
            created = datetime.fromisoformat(p["created_at"])
            if cursor or created >= since:
                found.append(OwnPost(remote_id=p["id"], text=p["text"], created_at=created,
                                     url=f"https://social.example/council/{p['id']}", is_root=not p["reply_to"],
                                     meta={"root_uri": p["id"]}))
        return OwnPosts(posts=tuple(found), cursor=str(len(posts)))

    def set_reply_policy(self, post_remote_id: str | None, post_meta: dict[str, Any],
                         policy: ReplyPolicy) -> dict[str, Any]:
        self._maybe_fail("gate")  # type: ignore[attr-defined]
        controls = SIMULATES[self.simulates][1]
        if controls is ReplyControls.NONE:
            raise Unsupported("this platform cannot restrict replies")
        with self._lock:  # type: ignore[attr-defined]
            self._state = self._load()  # type: ignore[attr-defined]
            if post_remote_id is None:
                if controls is not ReplyControls.NEW_POSTS:
                    raise Unsupported("this platform limits replies post by post")
                self._state["default_reply_policy"] = ReplyPolicy(policy).value
                self._save()  # type: ignore[attr-defined]
                return {"default": ReplyPolicy(policy).value}
            if controls is not ReplyControls.PER_POST:
                raise Unsupported("a published post's interaction policy cannot be changed here")
            outcome = self._set_allow(post_remote_id, ALLOW[ReplyPolicy(policy)])
            self._save()  # type: ignore[attr-defined]
        return outcome

    def _set_allow(self, post_id: str, allow: list[str] | None) -> dict[str, Any]:
        if not any(p["id"] == post_id for p in self._state.get("own_posts", [])) and post_id != "council-post-1":
            raise PermanentError("only the council's own posts can be gated")
        gates = self._state.setdefault("gates", {})
        gate = gates.setdefault(post_id, {"allow": None, "hidden": []})
        previous = gate["allow"]
        gate["allow"] = allow
        return {"previous_allow": previous, "allow": allow}

    def _gate_action(self, kind: ActionKind, root: str, params: dict[str, Any]) -> dict[str, Any]:
        """Limit, restore or hide on a post's gate (caller holds the lock and saves)."""
        gates = self._state.setdefault("gates", {})
        current = gates.get(root, {}).get("allow")
        if kind is ActionKind.LIMIT_REPLIES:
            return self._set_allow(root, narrowed(current, list(ALLOW[params.get("limit_to") or
                                                                     "followers_and_mentioned"] or [])))
        if kind is ActionKind.RESTORE_REPLIES:
            return self._set_allow(root, (params.get("done") or {}).get("previous_allow"))
        gate = gates.setdefault(root, {"allow": None, "hidden": []})
        return {"hidden": len(gate["hidden"])}
