"""Mastodon's notification policy (4.3+): make sure no DM or reply is filtered away unseen.

Since Mastodon 4.3 the server filters private mentions from strangers by default:
they land in "notification requests" instead of the notification list, so a bot that
only reads notifications would silently miss direct messages. At start-up the adapter
reads the policy. In live mode it sets private mentions to "accept" (and logs that);
anything still filtered is read from the pending notification requests on each poll;
anything dropped is reported to the clerk, because nobody can see it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from adapters.mastodon.client import MastodonClient
from bot.errors import PermanentError

log = logging.getLogger(__name__)

#: Policy keys (Mastodon 4.3 ``NotificationPolicy``) and who they concern, in plain words.
POLICY_SUBJECTS: dict[str, str] = {
    "for_private_mentions": "private mentions (direct messages) from people the council does not follow",
    "for_not_following": "people the council does not follow",
    "for_not_followers": "people who do not follow the council",
    "for_new_accounts": "accounts created in the last 30 days",
    "for_limited_accounts": "accounts limited by the server's moderators",
}


@dataclass
class PolicyReview:
    """What the policy means for polling, and what to tell the clerk."""

    read_requests: bool = False
    warnings: list[str] = field(default_factory=list)
    changed: bool = False


def review_policy(client: MastodonClient, *, live: bool) -> PolicyReview:
    """Read (and in live mode, fix) the notification policy; never raises for a missing one."""
    review = PolicyReview()
    try:
        policy = client.call("notifications_policy")
    except PermanentError:
        log.info("no notification policy on this server (Mastodon before 4.3)")
        return review
    if not isinstance(policy, dict):
        return review
    if live and policy.get("for_private_mentions") not in (None, "accept"):
        policy = _accept_private_mentions(client, policy, review)
    for key, subject in POLICY_SUBJECTS.items():
        value = policy.get(key)
        if value == "filter":
            review.read_requests = True
            review.warnings.append(
                f"Mastodon filters notifications from {subject}; the bot reads them from the "
                "pending notification requests so none is missed.")
        elif value == "drop":
            review.warnings.append(
                f"Mastodon drops notifications from {subject}: nobody, not even the bot, sees "
                "them. Change it in the account's notification settings to 'Accept' or 'Filter'.")
    return review


def _accept_private_mentions(client: MastodonClient, policy: dict[str, Any],
                             review: PolicyReview) -> dict[str, Any]:
    try:
        updated = client.call("update_notifications_policy", for_private_mentions="accept")
    except PermanentError as exc:
        log.warning("could not set the notification policy to accept private mentions: %s", exc)
        review.warnings.append(
            "The bot could not set the account to accept direct messages from strangers (the "
            "token may lack the write:notifications permission); it reads the filtered ones instead.")
        return policy
    log.warning("live mode: set the Mastodon notification policy to accept private mentions, "
                "so direct messages from strangers are not filtered away")
    review.changed = True
    review.warnings.append(
        "The bot set the account to accept direct messages from strangers, so none is filtered away.")
    return updated if isinstance(updated, dict) else policy
