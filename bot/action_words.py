"""Actions and decisions in plain words, for everything a person reads: the page, the
audit log, the evidence pack and the CLI. One wording, so they never disagree.

``who`` is the author's handle (``@name@server``); the phrases are sentence pieces
("blocking @x", "blocked @x", "block @x") for the caller to put in a sentence.
"""

from __future__ import annotations

from bot.domain import ActionKind, NoActionReason

_PHRASES: dict[ActionKind, tuple[str, str, str]] = {
    # (to ..., ...ing, ...ed)
    ActionKind.HIDE_REPLY: ("hide {whose} reply", "hiding {whose} reply", "hid {whose} reply"),
    ActionKind.DETACH_QUOTE: ("detach {whose} quote of the council's post", "detaching {whose} quote of the "
                              "council's post", "detached {whose} quote of the council's post"),
    ActionKind.BLOCK: ("block {who}", "blocking {who}", "blocked {who}"),
    ActionKind.MUTE: ("mute {who}", "muting {who}", "muted {who}"),
    ActionKind.REPORT: ("report {whose} post to the platform's moderators",
                        "reporting {whose} post to the platform's moderators",
                        "reported {whose} post to the platform's moderators"),
    ActionKind.REMOVE_FOLLOWER: ("remove {who} from the council's followers",
                                 "removing {who} from the council's followers",
                                 "removed {who} from the council's followers"),
    ActionKind.DOMAIN_BLOCK: ("block {whose} whole server", "blocking {whose} whole server",
                              "blocked {whose} whole server"),
    ActionKind.UNBLOCK: ("unblock {who}", "unblocking {who}", "unblocked {who}"),
    ActionKind.UNMUTE: ("unmute {who}", "unmuting {who}", "unmuted {who}"),
    ActionKind.UNHIDE_REPLY: ("show {whose} hidden reply again", "showing {whose} hidden reply again",
                              "showed {whose} hidden reply again"),
    ActionKind.REATTACH_QUOTE: ("re-attach {whose} quote of the council's post",
                                "re-attaching {whose} quote of the council's post",
                                "re-attached {whose} quote of the council's post"),
}

NO_ACTION_LABELS: dict[NoActionReason, str] = {
    NoActionReason.RECORD_ONLY: "Record the breach only",
    NoActionReason.POLICE: "Refer it to the police",
    NoActionReason.PLATFORM_CANNOT_ACT: "The platform cannot act on this",
}
NO_ACTION_SENTENCES: dict[str, str] = {
    NoActionReason.RECORD_ONLY.value: "No action on the platform: the breach is recorded only.",
    NoActionReason.POLICE.value: "No action on the platform: referred to the police.",
    NoActionReason.PLATFORM_CANNOT_ACT.value: "No action on the platform: the platform cannot act on this.",
}

NO_ACTION_SHORT: dict[str, str] = {
    NoActionReason.RECORD_ONLY.value: "recorded only",
    NoActionReason.POLICE.value: "referred to the police",
    NoActionReason.PLATFORM_CANNOT_ACT.value: "the platform cannot act",
}


def _fill(template: str, who: str) -> str:
    who = who or "the author"
    whose = {"the author": "the author's", "you": "your"}.get(who, f"{who}'s")
    return template.format(who=who, whose=whose)


def _kind(kind: str | ActionKind) -> ActionKind | None:
    try:
        return ActionKind(kind)
    except ValueError:
        return None


def to_do(kind: str | ActionKind, who: str) -> str:
    """"block @x" (after "will", "could not", "Proposed: ...")."""
    k = _kind(kind)
    return _fill(_PHRASES[k][0], who) if k else str(kind).replace("_", " ")


def doing(kind: str | ActionKind, who: str) -> str:
    """"blocking @x" (after "approved", "started")."""
    k = _kind(kind)
    return _fill(_PHRASES[k][1], who) if k else str(kind).replace("_", " ")


def done(kind: str | ActionKind, who: str) -> str:
    """"blocked @x" (after "The bot")."""
    k = _kind(kind)
    return _fill(_PHRASES[k][2], who) if k else str(kind).replace("_", " ")


def first_upper(text: str) -> str:
    """``text`` with its first letter a capital (unlike ``str.capitalize``, the rest is kept: "@Ann")."""
    return text[:1].upper() + text[1:]


def join_words(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def proposal(kinds: list[str], who: str) -> str:
    """The proposed actions as one sentence."""
    if not kinds:
        return "Nothing is proposed on the platform for this item."
    text = join_words([to_do(k, who) for k in kinds])
    return f"Proposed: {text}."


def verdict(status: str) -> str:
    return {"approved": "Upheld (breach)", "rejected": "No breach", "pending": "Waiting for a decision"}.get(
        status, status)
