"""Recording the clerk's decision on an item and asking for an undo, by item number.

A block, a report, a domain block or removing a follower (and every undo) first shows
a check page saying what will happen on that platform; the clerk confirms there.
A decision that cannot be recorded comes back to the form in the GOV.UK error
pattern: a summary at the top linking to the field, with the item number.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from sqlalchemy import select

from bot.action_words import doing, join_words
from bot.decisions import Decision, rule_on
from bot.domain import NEEDS_CHECK, UNDO_OF, ActionKind, NoActionReason
from bot.errors import DecisionProblem, InvalidTransition, NotFound
from bot.storage import models as m
from bot.web.effects import what_happens
from bot.web.isolate import isolated
from bot.web.security import REVIEW_ROLES, requires, safe_next

bp = Blueprint("deciding", __name__)
ERROR_KEY = "form_error"


def _app() -> Any:
    return current_app.config["MODBOT_APP"]


def _capabilities(account_name: str) -> frozenset[ActionKind]:
    try:
        caps: frozenset[ActionKind] = _app().moderator.capabilities_of(account_name)
        return caps
    except KeyError:  # the account is no longer configured: nothing can be done on it
        return frozenset()


def field_id(item_id: int, field: str) -> str:
    """The id of the form control an error about ``field`` links to."""
    return {"reason": f"reason-{item_id}", "actions": f"actions-{item_id}",
            "no_action_reason": f"noaction-{item_id}-record_only",
            "police_referral": f"police-{item_id}", "undo": "results"}.get(field, f"decide-{item_id}")


def form_error(item_id: int) -> dict[str, Any] | None:
    """The error waiting for this item's form (read once, by the page that shows it)."""
    error = session.get(ERROR_KEY)
    if isinstance(error, dict) and error.get("item") == item_id:
        return error
    return None


def take_error() -> dict[str, Any] | None:
    error = session.pop(ERROR_KEY, None)
    return error if isinstance(error, dict) else None


def _fail(item_id: int, message: str, field: str, back: str) -> Any:
    session[ERROR_KEY] = {"item": item_id, "field": field, "message": message, "href": "#" + field_id(item_id, field)}
    return redirect(back.split("#")[0] + "#error-summary")


def _decision(review_id: int, form: Any) -> Decision:
    verb = form.get("decision", "")
    chosen = tuple(ActionKind(v) for v in form.getlist("actions") if v in ActionKind._value2member_map_)
    raw_reason = form.get("no_action_reason", "")
    no_action = NoActionReason(raw_reason) if raw_reason in NoActionReason._value2member_map_ else None
    approve = verb == "approve"
    reason = form.get("reason", "").strip()[:2000]
    return Decision(review_id=review_id, approve=approve, user=g.user.name, reason=reason,
                    actions=chosen if approve else None,  # the tick boxes start as the proposed set
                    police_referral=form.get("police_referral") == "yes", no_action_reason=no_action)


def _review(s: Any, item_id: int) -> m.ReviewItem:
    review = s.execute(select(m.ReviewItem).where(m.ReviewItem.item_id == item_id)).scalar_one_or_none()
    if review is None:
        abort(404)
    return review


@bp.route("/items/<int:item_id>/decide", methods=["POST"])
@requires(REVIEW_ROLES)
def decide(item_id: int) -> Any:
    back = safe_next(request.form.get("back"), url_for("items.page", item_id=item_id))
    if request.form.get("decision") not in ("approve", "reject"):
        abort(400, description="Choose approve or reject.")
    with current_app.config["MODBOT_READS"]() as s:
        review = _review(s, item_id)
        d = _decision(review.id, request.form)
        if review.status != "pending":
            return _fail(item_id, f"Item {item_id} was already decided by {review.decided_by}.", "decide", back)
        account, platform = review.item.account.name, review.item.account.platform
        who, proposed = review.item.author.handle, frozenset(ActionKind(a.kind) for a in review.actions)
    try:
        ruling = rule_on(d, proposed, _capabilities(account))
    except DecisionProblem as exc:
        return _fail(item_id, f"Item {item_id}: {exc}", exc.field, back)
    checks = sorted(ruling.actions & NEEDS_CHECK, key=lambda k: k.value)
    if d.approve and checks and request.form.get("confirmed") != "yes":
        return render_template("check.html", item_id=item_id, who=who, platform=platform, back=back,
                               form=request.form, rows=[(k.value, _effect(platform, k.value, who))
                                                        for k in sorted(ruling.actions, key=lambda k: k.value)])
    try:
        _app().moderator.decide(d)
    except DecisionProblem as exc:
        return _fail(item_id, f"Item {item_id}: {exc}", exc.field, back)
    except (InvalidTransition, NotFound) as exc:
        return _fail(item_id, f"Item {item_id}: {exc}.", "decide", back)
    flash(isolated(lambda mark: _done_message(item_id, d, sorted(ruling.actions, key=lambda k: k.value), mark(who))))
    return redirect(safe_next(request.form.get("after"), back))


def _effect(platform: str, kind: str, who: str) -> Markup:
    """What the action will do, for the check page, with the handle isolated for direction."""
    return isolated(lambda mark: what_happens(platform, kind, mark(who)))


def _done_message(item_id: int, d: Decision, actions: list[ActionKind], who: str) -> str:
    if not d.approve:
        return f"Item {item_id}: recorded as no breach."
    if actions:
        return (f"Item {item_id} upheld: {join_words([doing(k, who) for k in actions])} approved. "
                f"The result shows on the item page.")
    return f"Item {item_id} upheld as a breach, with no action on the platform."


@bp.route("/items/<int:item_id>/undo", methods=["POST"])
@requires(REVIEW_ROLES)
def undo(item_id: int) -> Any:
    """Ask for the undo of one carried-out action: check page first, then approve it."""
    back = url_for("items.page", item_id=item_id)
    action_id = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()[:2000]
    with current_app.config["MODBOT_READS"]() as s:
        review = _review(s, item_id)
        action = next((a for a in review.actions if str(a.id) == action_id), None)
        if action is None:
            abort(404)
        who, platform, kind = review.item.author.handle, review.item.account.platform, action.kind
    undo_kind = UNDO_OF.get(ActionKind(kind))
    if undo_kind is None:
        return _fail(item_id, f"Item {item_id}: this action cannot be undone by the council.", "undo", back)
    if not reason:
        message = isolated(lambda mark: f"Item {item_id}: give a reason for undoing {doing(kind, mark(who))}.")
        session[ERROR_KEY] = {"item": item_id, "field": "undo", "message": message,
                              "href": f"#undo-reason-{action_id}"}
        return redirect(back + "#error-summary")
    if request.form.get("confirmed") != "yes":
        return render_template("check.html", item_id=item_id, who=who, platform=platform, back=back,
                               form=request.form, undo=True,
                               rows=[(undo_kind.value, _effect(platform, undo_kind.value, who))])
    try:
        _app().moderator.request_undo(int(action_id), g.user.name, reason)
    except (InvalidTransition, NotFound) as exc:
        return _fail(item_id, f"Item {item_id}: {exc}", "undo", back)
    flash(isolated(lambda mark: f"Item {item_id}: {doing(undo_kind, mark(who))} approved. The result shows below."))
    return redirect(back + "#results")
