"""Carrying out a clerk's approved action on Mastodon.

Every action targets the author's account or the post, never the post's visibility to
others: Mastodon has no API to hide a reply (mastodon#11984). A 404 means the target
is already gone (``TargetGone``: recorded, not retried).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from adapters.mastodon.client import MastodonClient
from adapters.mastodon.server import Feature, ServerSoftware
from bot.domain import ActionKind, ActionOrder
from bot.errors import PermanentError, TargetGone, Unsupported

log = logging.getLogger(__name__)

REPORT_CATEGORIES = ("spam", "violation", "other", "legal")
MAX_REPORT_COMMENT = 1000  # Mastodon's limit on a report comment


class ActionRunner:
    """Maps each ``ActionKind`` to one Mastodon API call."""

    def __init__(self, client: MastodonClient, *, supports_quote_revoke: Callable[[], bool],
                 server: Callable[[], ServerSoftware] | None = None) -> None:
        self.client = client
        self._supports_quote_revoke = supports_quote_revoke
        self._server = server
        self._rule_ids: set[str] | None = None
        self._handlers: dict[ActionKind, Callable[[ActionOrder], dict[str, Any]]] = {
            ActionKind.BLOCK: self.block,
            ActionKind.MUTE: self.mute,
            ActionKind.REPORT: self.report,
            ActionKind.REMOVE_FOLLOWER: self.remove_follower,
            ActionKind.DOMAIN_BLOCK: self.domain_block,
            ActionKind.DETACH_QUOTE: self.detach_quote,
            ActionKind.UNBLOCK: self.unblock,
            ActionKind.UNMUTE: self.unmute,
        }

    def apply(self, order: ActionOrder) -> dict[str, Any]:
        handler = self._handlers.get(order.kind)
        if handler is None:
            raise Unsupported(f"Mastodon cannot do {order.kind.value!r} (there is no API for it)")
        facts = handler(order)
        log.info("mastodon action %s #%s done for %s", order.kind.value, order.action_id, order.author_handle)
        return facts

    def block(self, order: ActionOrder) -> dict[str, Any]:
        rel = self.client.call("account_block", order.author_remote_id, on_404=TargetGone)
        return _relationship_facts(rel, "blocking")

    def mute(self, order: ActionOrder) -> dict[str, Any]:
        duration = order.params.get("duration_seconds") or None
        rel = self.client.call("account_mute", order.author_remote_id, notifications=True,
                               duration=int(duration) if duration else None, on_404=TargetGone)
        facts = _relationship_facts(rel, "muting")
        if duration:
            facts["duration_seconds"] = int(duration)
        return facts

    def unblock(self, order: ActionOrder) -> dict[str, Any]:
        """Undo a block (POST /api/v1/accounts/:id/unblock; already unblocked is not an error)."""
        rel = self.client.call("account_unblock", order.author_remote_id, on_404=TargetGone)
        return _relationship_facts(rel, "blocking")

    def unmute(self, order: ActionOrder) -> dict[str, Any]:
        rel = self.client.call("account_unmute", order.author_remote_id, on_404=TargetGone)
        return _relationship_facts(rel, "muting")

    def remove_follower(self, order: ActionOrder) -> dict[str, Any]:
        rel = self.client.call("account_remove_from_followers", order.author_remote_id,
                               on_404=TargetGone)
        return _relationship_facts(rel, "followed_by")

    def domain_block(self, order: ActionOrder) -> dict[str, Any]:
        domain = str(order.params.get("domain") or order.item_meta.get("domain") or "").strip().lower()
        if not domain:
            raise PermanentError("the author is on the council's own server: there is no other "
                                 "server to block; report the account to the moderators instead")
        self.client.call("domain_block", domain)
        return {"domain": domain}

    def detach_quote(self, order: ActionOrder) -> dict[str, Any]:
        quoted = order.params.get("quoted_status_id") or order.item_meta.get("quoted_status_id")
        if not self._supports_quote_revoke():
            raise Unsupported("revoking a quote needs Mastodon 4.5 or later on the council's server")
        if not quoted:
            raise PermanentError("this post does not quote one of the council's posts")
        status = self.client.call("status_quote_revoke", str(quoted), order.item_remote_id,
                                  on_404=TargetGone)
        quote = status.get("quote") if isinstance(status, dict) else None
        return {"quote_state": quote.get("state") if isinstance(quote, dict) else None}

    def report(self, order: ActionOrder) -> dict[str, Any]:
        params = self._report_params(order)
        if params["category"] == "legal":
            # Mastodon.py's report() only accepts spam/violation/other; the server (4.2+)
            # also takes "legal", so send that one through the library's request helper.
            body = _form_params(params)
            report = self.client.call_endpoint("POST", "/api/v1/reports", body, on_404=TargetGone)
        else:
            report = self.client.call("report", on_404=TargetGone, **params)
        report = report if isinstance(report, dict) else {}
        return {"report_id": report.get("id"), "category": report.get("category", params["category"]),
                "forwarded": report.get("forwarded", params["forward"])}

    def _report_params(self, order: ActionOrder) -> dict[str, Any]:
        category = str(order.params.get("category") or "other")
        if category not in REPORT_CATEGORIES:
            raise PermanentError(f"unknown report category {category!r}")
        if not self._has(Feature.REPORT_CATEGORIES):
            category = "other"  # GoToSocial, Akkoma, Pleroma: the only category they all take
        rule_ids = self._known_rules([str(r) for r in order.params.get("rule_ids") or ()])
        if category == "violation" and not rule_ids:
            category = "other"  # a violation report must name one of the server's rules
        status_ids = [str(s) for s in order.params.get("status_ids") or (order.item_remote_id,)]
        forward = order.params.get("forward")
        if forward is None:
            forward = bool(order.item_meta.get("is_remote"))
        comment = str(order.params.get("comment") or "")[:MAX_REPORT_COMMENT]
        return {"account_id": order.author_remote_id, "status_ids": status_ids, "comment": comment,
                "forward": bool(forward), "category": category,
                "rule_ids": rule_ids if category == "violation" else None}

    def _has(self, feature: Feature) -> bool:
        return self._server is None or self._server().has(feature)

    def _known_rules(self, wanted: list[str]) -> list[str]:
        """Only rule ids the server publishes (``instance_rules()``); others would be refused."""
        if not wanted:
            return []
        if self._rule_ids is None:
            rules = self.client.call("instance_rules")
            self._rule_ids = {str(r.get("id")) for r in rules or () if isinstance(r, dict)}
        return [r for r in wanted if r in self._rule_ids]


def _relationship_facts(rel: Any, flag: str) -> dict[str, Any]:
    return {flag: rel.get(flag)} if isinstance(rel, dict) else {}


def _form_params(params: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"account_id": params["account_id"], "comment": params["comment"],
                            "category": params["category"], "status_ids[]": params["status_ids"]}
    if params["forward"]:
        body["forward"] = "true"
    return body
