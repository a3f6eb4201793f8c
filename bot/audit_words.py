"""The audit log in sentences for people: "clerk approved blocking @x (item 33): reason".

The stored entries (event names, subjects, hashes) stay exactly as written, for
``modbot audit verify``, the CSV export and the evidence pack (whose audit trail also
carries these sentences); this module only reads them. A page of entries costs two
extra queries: the review items and the actions they mention, to name the item
number and the author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.action_words import NO_ACTION_SHORT, doing, done, join_words, to_do
from bot.storage import models as m
from bot.uk_time import uk_datetime

#: Who counts as "the bot" for the log's default view (people's decisions first).
MACHINE_ACTORS = ("bot", "migration", "retention")
#: Entries a person makes that are not decisions (shown with the bot's, behind the filter).
ROUTINE_EVENTS = ("login.", "logout")
#: Signs that someone may be guessing passwords: shown with the people's entries.
SECURITY_EVENTS = ("login.locked", "login.throttled")


@dataclass(frozen=True)
class Target:
    item_id: int | None
    who: str
    kind: str = ""
    undoes: int | None = None


@dataclass
class Context:
    reviews: dict[str, Target]
    actions: dict[str, Target]


def load_context(s: Session, events: Iterable[m.AuditEvent]) -> Context:
    rows = list(events)
    review_ids = {int(e.subject_id) for e in rows if e.subject_type == "review_item" and e.subject_id.isdigit()}
    action_ids = {int(e.subject_id) for e in rows if e.subject_type == "action" and e.subject_id.isdigit()}
    actions: dict[str, Target] = {}
    if action_ids:
        for aid, kind, params, item_id, handle in s.execute(
                select(m.Action.id, m.Action.kind, m.Action.params, m.ReviewItem.item_id, m.Author.handle)
                .join(m.ReviewItem, m.ReviewItem.id == m.Action.review_item_id)
                .join(m.Item, m.Item.id == m.ReviewItem.item_id).join(m.Author, m.Author.id == m.Item.author_id)
                .where(m.Action.id.in_(action_ids))):
            undoes = (params or {}).get("undoes")
            actions[str(aid)] = Target(item_id, handle, kind, undoes if isinstance(undoes, int) else None)
    reviews: dict[str, Target] = {}
    if review_ids:
        for rid, item_id, handle in s.execute(
                select(m.ReviewItem.id, m.ReviewItem.item_id, m.Author.handle)
                .join(m.Item, m.Item.id == m.ReviewItem.item_id).join(m.Author, m.Author.id == m.Item.author_id)
                .where(m.ReviewItem.id.in_(review_ids))):
            reviews[str(rid)] = Target(item_id, handle)
    return Context(reviews, actions)


def _item(n: Any) -> str:
    return f"item {n}" if n else "an item no longer kept"


Mark = Callable[[object], str]


def _plain(text: object) -> str:
    return "" if text is None else str(text)


def _reason(details: dict[str, Any], key: str = "reason") -> str:
    text = str(details.get(key) or "").strip()
    return f": “{text}”" if text else ""


def sentence(ev: m.AuditEvent, ctx: Context, mark: Mark = _plain) -> str:
    """One plain-English sentence for the entry (falls back to a readable form of the event).

    ``mark`` is applied to every piece a person or a stranger wrote (names, handles,
    reasons, platform errors), so the page can isolate them (``bot.web.isolate``)."""
    d = {k: v for k, v in (ev.details or {}).items()}
    for key in ("reason", "error", "outcome", "account", "address"):
        if d.get(key):
            d[key] = mark(str(d[key]).strip())
    who = mark(ev.actor) if ev.actor not in MACHINE_ACTORS else {
        "bot": "The bot", "migration": "The upgrade", "retention": "The retention rules"}[ev.actor]
    if ev.subject_type == "action":
        return _action_sentence(ev, who, d, _marked(ctx.actions.get(ev.subject_id), mark))
    if ev.subject_type == "review_item":
        return _review_sentence(ev, who, d, _marked(ctx.reviews.get(ev.subject_id), mark))
    sid = ev.subject_id if ev.subject_id.isdigit() else mark(ev.subject_id)
    return _other_sentence(ev, who, d, sid)


def _marked(t: Target | None, mark: Mark) -> Target | None:
    return None if t is None else Target(t.item_id, mark(t.who), t.kind, t.undoes)


def _action_sentence(ev: m.AuditEvent, who: str, d: dict[str, Any], t: Target | None) -> str:
    kind = (t.kind if t else "") or str(d.get("kind", ""))
    handle = t.who if t else "the author"
    where = f" ({_item(t.item_id if t else d.get('item_id'))})"
    error = str(d.get("error") or "")
    phrases = {
        "action.approved": f"{who} approved {doing(kind, handle)}{where}{_reason(d)}",
        "action.rejected": f"{who} chose not to {to_do(kind, handle)}{where}",
        "action.executing": f"{who} started {doing(kind, handle)}{where}",
        "action.done": f"{who} {done(kind, handle)}{where}",
        "action.failed": f"{who} could not {to_do(kind, handle)}{where}: {error}",
        "action.retry": f"{who} could not {to_do(kind, handle)} this time and will try again{where}: {error}",
        "action.recovered": f"{who} was stopped while {doing(kind, handle)} and will try again{where}",
        "action.not_needed": f"{who} did not need to {to_do(kind, handle)}{where}: {d.get('outcome', '')}",
    }
    return phrases.get(ev.event, f"{who}: {_words(ev.event)}, {doing(kind, handle)}{where}")


def _review_sentence(ev: m.AuditEvent, who: str, d: dict[str, Any], t: Target | None) -> str:
    item = _item(t.item_id if t else d.get("item_id"))
    handle = f" from {t.who}" if t else ""
    if ev.event == "review.approved":
        acts = [doing(k, t.who if t else "the author") for k in d.get("actions") or []]
        how = (f", approving {join_words(acts)}" if acts else
               f" with no action on the platform ({NO_ACTION_SHORT.get(str(d.get('no_action_reason')), 'none')})")
        return f"{who} upheld {item}{handle} as a breach{how}{_reason(d)}"
    if ev.event == "review.rejected":
        return f"{who} found no breach in {item}{handle}{_reason(d)}"
    if ev.event == "review.police_referral":
        return f"{who} marked {item}{handle} for referral to the police"
    if ev.event == "review.created":
        return f"{who} flagged {item}{handle} for the clerk"
    if ev.event == "review.reclassified":
        return (f"{who} recorded {item}{handle} as an upheld breach with no action on the platform "
                f"({NO_ACTION_SHORT.get(str(d.get('no_action_reason')), 'none')}): the old page could only "
                "record a breach with an action")
    return f"{who}: {_words(ev.event)} ({item})"


def _until(details: dict[str, Any]) -> str:
    """" until 1 June 2027 at 9:01am" (UK time) from the entry's UTC ``until``, or ''."""
    try:
        return f" until {uk_datetime(datetime.fromisoformat(str(details['until'])))}"
    except (KeyError, TypeError, ValueError):
        return ""


def _other_sentence(ev: m.AuditEvent, who: str, d: dict[str, Any], sid: str) -> str:
    phrases = {
        "login.succeeded": f"{who} signed in", "login.failed": f"A sign-in as {sid} failed",
        "login.refused": f"{sid} was refused sign-in{_reason(d)}", "logout": f"{who} signed out",
        "user.created": f"{who} added {sid} as {d.get('role', 'a user')}{_reason(d)}",
        "user.disabled": f"{who} withdrew {sid}'s access{_reason(d)}",
        "user.enabled": f"{who} restored {sid}'s access{_reason(d)}",
        "user.two_factor_reset": f"{who} reset {sid}'s authenticator{_reason(d)}",
        "user.unlocked": f"{who} lifted the lockout on {sid}{_reason(d)}",
        "user.password_changed": f"{who} changed their password",
        "user.recovery_codes_renewed": f"{who} made new recovery codes",
        "user.two_factor_enrolled": f"{who} set up their authenticator",
        "user.sessions_ended": f"{who} signed {sid} out in every browser ({d.get('reason', '')})",
        "logout.other_browser": f"{who} signed out one of their other browsers",
        "login.locked": f"Signing in as {sid} was paused after {d.get('failures', 'several')} failed attempts "
                        f"(the last from {d.get('address') or 'an unknown address'}){_until(d)}",
        "login.throttled": f"Sign-in attempts from the address {sid} must now wait, after "
                           f"{d.get('failures', 'many')} failures{_until(d)}",
        "evidence.hold_set": f"{who} put item {sid} under legal hold{_reason(d)}",
        "evidence.hold_released": f"{who} released the legal hold on item {sid}{_reason(d)}",
        "evidence.exported": f"{who} downloaded an evidence pack",
        "evidence.captured": f"{who} kept item {sid} as evidence",
        "dm_reply.sent": f"{who} answered the direct message (item {sid}) with the contact-the-office reply",
        "dm_reply.failed": f"{who} could not answer the direct message (item {sid}): {d.get('error', '')}",
        "account.auth_failed": f"{who} could no longer sign in to the account {d.get('account', '')}",
        "account.auth_restored": f"{who} could sign in to the account {d.get('account', '')} again",
        "evidence.post_deleted": f"{who} noticed that the author deleted item {sid}; the record is kept",
        "action.recovered": f"{who} took over action {sid}, whose executor had stopped, to retry it",
        "action.not_needed": f"{who} found nothing left to do for action {sid}: {d.get('outcome', '')}",
    }
    if ev.event in phrases:
        return phrases[ev.event]
    subject = f" (item {sid})" if ev.subject_type == "item" else ""
    return f"{who}: {_words(ev.event)}{subject}"


def _words(event: str) -> str:
    """'evidence.media_fetched' -> 'evidence media fetched' (for entries without a sentence yet)."""
    return event.replace(".", " ").replace("_", " ")


def is_routine(ev: m.AuditEvent) -> bool:
    if ev.event in SECURITY_EVENTS:
        return False
    return ev.actor in MACHINE_ACTORS or ev.event.startswith(ROUTINE_EVENTS)
