"""What an action will really do on each platform, and who will see it: the words of the
check page the clerk reads before approving a block, a report, a domain block or
removing a follower, and before any undo.

Kept apart from ``caveats`` (the notes under every post): these are per action.
"""

from __future__ import annotations

from bot.action_words import first_upper, to_do
from bot.domain import ActionKind

_MASTODON: dict[ActionKind, str] = {
    ActionKind.BLOCK: (
        "The council's account will block {who}. They will not be able to follow the council or see its posts "
        "while signed in, and the council will not see theirs. Mastodon does not tell them, but they may notice. "
        "Their post stays visible to everyone else."),
    ActionKind.MUTE: (
        "The council's account will stop seeing {who}'s posts and notifications. Nobody else is affected and "
        "{who} is not told."),
    ActionKind.REPORT: (
        "A report goes to the moderators of the council's Mastodon server, quoting this post and the reason. If "
        "{who} is on another server, the report is also sent to that server's moderators. {who} is not told who "
        "reported them. Only moderators can remove the post for everyone."),
    ActionKind.DOMAIN_BLOCK: (
        "The council's account will stop seeing everything from {who}'s whole server, and anyone on that server "
        "who follows the council is removed from its followers. Everyone on that server is affected, not only "
        "{who}."),
    ActionKind.REMOVE_FOLLOWER: (
        "{who} will no longer follow the council, so the council's posts stop appearing in their home feed. "
        "They can follow again unless they are also blocked."),
    ActionKind.UNBLOCK: "The council's account will unblock {who}: they can follow the council and see its posts "
                        "again. Mastodon does not bring back a follow the block removed.",
    ActionKind.UNMUTE: "The council's account will see {who}'s posts and notifications again.",
}
_BLUESKY: dict[ActionKind, str] = {
    ActionKind.BLOCK: (
        "The council's account will block {who}. On Bluesky blocks are public: anyone can see that the council "
        "blocked them. They can no longer reply to, quote or mention the council, their replies under the "
        "council's posts are hidden from everyone, and they stop following the council."),
    ActionKind.MUTE: "The council's account will stop seeing {who}'s posts. Mutes on Bluesky are private: "
                     "nobody else is told, and {who}'s replies stay visible to everyone else.",
    ActionKind.REPORT: (
        "A report goes to Bluesky's moderation service, pointing at this post, with the reason. {who} is not told "
        "who reported them. Only Bluesky's moderators can take the post down or label it."),
    ActionKind.HIDE_REPLY: "{who}'s reply is hidden under the council's post for everyone (it can still be "
                           "opened by people who look for it).",
    ActionKind.DETACH_QUOTE: "{who}'s quote no longer shows the council's post; their own words stay visible.",
    ActionKind.UNBLOCK: "The council's account will unblock {who}: they can reply to, quote and follow the "
                        "council again, and the public block record is deleted.",
    ActionKind.UNMUTE: "The council's account will see {who}'s posts again.",
    ActionKind.UNHIDE_REPLY: "{who}'s reply shows under the council's post again, for everyone.",
    ActionKind.REATTACH_QUOTE: "{who}'s quote shows the council's post again.",
}
_SIMULATED = "This is the demo platform: the action is recorded and nobody is affected."


def what_happens(platform: str, kind: str, who: str) -> str:
    """One or two plain sentences: what the action does on ``platform`` and who sees it."""
    who = who or "the author"
    action = ActionKind(kind)
    if platform == "simulated":
        return f"{first_upper(to_do(action, who))}. {_SIMULATED}"
    table = _MASTODON if platform == "mastodon" else _BLUESKY
    text = table.get(action)
    if text is None:
        return f"{first_upper(to_do(action, who))}."
    return text.format(who=who)
