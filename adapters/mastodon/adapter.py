"""``MastodonAdapter``: the council's Mastodon account, polled, answered and moderated.

Built on Mastodon.py with ``ratelimit_method="throw"``: the adapter never sleeps or
retries; it raises the project's error types and the core's scheduler waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.mastodon import deletions, replies
from adapters.mastodon.actions import ActionRunner
from adapters.mastodon.client import MastodonClient
from adapters.mastodon.cursor import PollCursor
from adapters.mastodon.policy import review_policy
from adapters.mastodon.poller import Poller, PollPlan
from adapters.mastodon.server import Feature, ServerSoftware, from_instance, read_nodeinfo
from bot.domain import AccountInfo, ActionKind, ActionOrder, Batch, Item, OwnPosts, Platform, ReplyControls, ReplyPolicy
from bot.errors import AuthFailed, PermanentError, RateLimited, TargetGone, TransientError
from bot.settings import AccountSettings

log = logging.getLogger(__name__)

#: Shown on the clerk's page next to Mastodon actions.
CAVEAT = (
    "Mastodon has no way to hide a reply under the council's post (mastodon#11984). "
    "Blocking or muting the author only changes what the council's own account sees: "
    "everyone else can still read the reply. Reporting it to the server's moderators is "
    "what can remove it for the public."
)

#: Possible on every Mastodon-API server; the rest depends on the software (``server.py``).
CORE_CAPABILITIES = frozenset({ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT,
                               ActionKind.UNBLOCK, ActionKind.UNMUTE})  # unblock/unmute undo the first two
FEATURE_CAPABILITIES = {
    Feature.DOMAIN_BLOCK: ActionKind.DOMAIN_BLOCK,
    Feature.REMOVE_FOLLOWER: ActionKind.REMOVE_FOLLOWER,
    Feature.QUOTES: ActionKind.DETACH_QUOTE,
}


class MastodonAdapter:
    platform = Platform.MASTODON

    def __init__(self, account: AccountSettings, *, access_token: str | None = None,
                 request_timeout: float = 30,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        token = access_token or account.secret(account.token_env)
        if not token:
            raise AuthFailed(f"no Mastodon access token: set the environment variable "
                             f"{account.token_env or '(token_env)'} for account {account.name!r}")
        self.account = account
        self.now = now
        self.client = MastodonClient(account.server_url, token, request_timeout=request_timeout)
        self.actions = ActionRunner(self.client, supports_quote_revoke=self._supports_quotes,
                                    server=lambda: self.server)
        self.request_timeout = request_timeout
        self._me: dict[str, Any] | None = None
        self._server: ServerSoftware | None = None
        self._read_requests: bool | None = None  # None: policy not reviewed yet

    # -- what the account and server are --------------------------------------------------
    @property
    def capabilities(self) -> frozenset[ActionKind]:
        """What the bot can really do here. Until the server software is known (first check,
        start-up or poll), only what every Mastodon-API server offers."""
        if self._server is None:
            return CORE_CAPABILITIES
        return CORE_CAPABILITIES | {kind for feature, kind in FEATURE_CAPABILITIES.items()
                                    if self._server.has(feature)}

    @property
    def server(self) -> ServerSoftware:
        """The server's software and version, from NodeInfo (read once)."""
        if self._server is None:
            found = read_nodeinfo(self.client.session, self.account.server_url, self.request_timeout)
            self._server = found or from_instance(self.client.call("instance_v2"))
            log.info("account %s is on %s (from %s)", self.account.name, self._server.label, self._server.source)
        return self._server

    @property
    def server_version(self) -> tuple[int, int, int]:
        return self.server.version

    def _council(self) -> dict[str, Any]:
        if self._me is None:
            me = self.client.call("account_verify_credentials")
            if not isinstance(me, dict) or not isinstance(me.get("id"), str):
                raise TransientError("the server did not say which account the token belongs to")
            self._me = me
        return self._me

    def _supports_quotes(self) -> bool:
        return self.server.has(Feature.QUOTES)

    # -- protocol -----------------------------------------------------------------------
    def check(self) -> AccountInfo:
        """Verify the token and describe anything that could make the bot miss messages."""
        self._me = None
        me = self._council()
        warnings = list(self._policy_warnings(live=False))
        configured = self.account.handle.lstrip("@").split("@")[0].lower()
        if configured and configured != str(me.get("username", "")).lower():
            warnings.append(f"The token belongs to @{me.get('acct')}, not {self.account.handle} "
                            "as the settings say.")
        return AccountInfo(remote_id=me["id"], handle=str(me.get("acct") or ""),
                           display_name=str(me.get("display_name") or ""), warnings=tuple(warnings))

    def prepare(self, live: bool) -> list[str]:
        """Start-up: make sure filtered DMs are not missed; returns warnings for the clerk.

        In live mode this may change the account's notification policy (logged).
        """
        return self._policy_warnings(live=live)

    def _policy_warnings(self, *, live: bool) -> list[str]:
        if not self.server.has(Feature.NOTIFICATION_POLICY):
            self._read_requests = False
            return []
        review = review_policy(self.client, live=live)
        self._read_requests = review.read_requests
        return review.warnings

    def fetch(self, cursor: str | None) -> Batch:
        self._refuse_if_rate_limited()
        start = self.client.requests_made
        council_id = self._council()["id"]
        if self._read_requests is None:
            self._policy_warnings(live=False)
        state = PollCursor.decode(cursor)
        plan = PollPlan(
            council_id=council_id,
            context_since=self.now() - timedelta(days=self.account.context_days),
            include_quotes=self.server.has(Feature.QUOTES),
            read_requests=bool(self._read_requests),
        )
        poller = Poller(self.client, plan, state)
        result = poller.run()
        return Batch(items=tuple(result.items), cursor=poller.cursor.encode(),
                     skipped=result.skipped, requests=self.client.requests_made - start)

    def send_dm_reply(self, item: Item, text: str, idempotency_key: str) -> None:
        """Answer a DM privately, mentioning only its sender; the key stops a double post."""
        acct = str(item.meta.get("acct") or item.author.handle).lstrip("@")
        self.client.call(
            "status_post", f"@{acct} {text}", in_reply_to_id=item.remote_id, visibility="direct",
            idempotency_key=idempotency_key, on_404=TargetGone,
        )

    def apply(self, order: ActionOrder) -> dict[str, Any]:
        return self.actions.apply(order)

    # -- the council's own posts and who may reply to them ------------------------------
    @property
    def reply_controls(self) -> str:
        """GoToSocial: a default policy for new posts; Mastodon: none. Read only once the
        server is known, so asking never costs a request (the accounts page asks)."""
        if self._server is not None and self._server.has(Feature.INTERACTION_POLICY):
            return ReplyControls.NEW_POSTS.value
        return ReplyControls.NONE.value

    def fetch_own_posts(self, cursor: str | None, since_days: int) -> OwnPosts:
        self._refuse_if_rate_limited()
        return replies.fetch_own_posts(self.client, self._council()["id"], cursor, now=self.now(),
                                       since_days=since_days)

    def set_reply_policy(self, post_remote_id: str | None, post_meta: dict[str, Any],
                         policy: ReplyPolicy) -> dict[str, Any]:
        replies.refuse(post_remote_id, self.server.has(Feature.INTERACTION_POLICY))
        return replies.set_default_reply_policy(self.client, ReplyPolicy(policy))

    deletion_checks_per_poll = deletions.PER_POLL

    def deleted_posts(self, remote_ids: list[str]) -> set[str]:
        """Pending statuses whose authors deleted them (404 or 410 from the server)."""
        self._refuse_if_rate_limited()
        return deletions.deleted_statuses(self.client, remote_ids)

    def _refuse_if_rate_limited(self) -> None:
        remaining = self.client.rate_limit_remaining()
        reset = self.client.rate_limit_reset()
        if remaining is not None and remaining <= 0 and reset and reset > self.client.clock():
            raise RateLimited("the rate-limit window is used up", retry_at=reset)


def build_adapter(account: AccountSettings) -> MastodonAdapter:
    """What the core's wiring calls for a ``platform: mastodon`` account."""
    if not account.server_url:
        raise PermanentError(f"account {account.name!r} has no server_url")
    return MastodonAdapter(account)
