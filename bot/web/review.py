"""The review queue and decisions (single and bulk); the item page is in ``bot.web.items``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from bot.action_words import proposal
from bot.decisions import Decision
from bot.domain import ActionKind
from bot.errors import InvalidTransition, NotFound
from bot.web import deciding, queries
from bot.web.caveats import GROUND_LABELS, PLATFORM_NAMES, action_options, item_notes, offered_actions
from bot.web.isolate import isolated
from bot.web.security import REVIEW_ROLES, csrf_token, requires, safe_next

bp = Blueprint("review", __name__)
BULK_LIMIT = 100


def _app() -> Any:
    return current_app.config["MODBOT_APP"]


def _reads() -> Any:
    return current_app.config["MODBOT_READS"]


def simulates(account_name: str) -> str:
    """The real platform a simulated account copies ("" for real accounts and "any")."""
    adapter = _app().moderator.adapters.get(account_name)
    return str(getattr(adapter, "simulates", "") or "")


def behaves_like(account_name: str, platform: str) -> str:
    """The platform whose rules apply to actions on this account (a simulation's real platform)."""
    copied = simulates(account_name)
    return copied if platform == "simulated" and copied not in ("", "any") else platform


def proposal_html(kinds: list[str], handle: str) -> Markup:
    """"Proposed: block @x." with the handle isolated for direction."""
    return isolated(lambda mark: proposal(kinds, mark(handle)))


def capabilities(account_name: str) -> frozenset[ActionKind]:
    try:
        caps: frozenset[ActionKind] = _app().moderator.capabilities_of(account_name)
        return caps
    except KeyError:  # the account is no longer configured: nothing can be done on it
        return frozenset()


@bp.route("/")
@requires(REVIEW_ROLES)
def queue() -> Any:
    filters = queries.QueueFilters.from_args(request.args)
    with _reads()() as s:
        page = queries.queue_page(s, filters)
        accounts = queries.account_names(s)
    caps = {name: capabilities(name) for name in {r.item.account.name for r in page.reviews}}
    error = deciding.take_error()
    cards = [{"review": r, "upheld": earlier_upheld(page.upheld.get(r.item.author_id, 0), r.status),
              "options": action_options(offered_actions(behaves_like(r.item.account.name, r.item.account.platform),
                                                        caps[r.item.account.name], r.item.meta),
                                        (a.kind for a in r.actions)),
              "proposal": proposal_html([a.kind for a in r.actions], r.item.author.handle),
              "error": error if error and error.get("item") == r.item_id else None,
              "notes": item_notes(r.item.account.platform, r.item.meta, caps[r.item.account.name],
                                  simulates(r.item.account.name))} for r in page.reviews]
    return render_template("queue.html", page=page, cards=cards, accounts=accounts, grounds=GROUND_LABELS,
                           platforms=PLATFORM_NAMES, statuses=queries.STATUSES, csrf=csrf_token(),
                           back=request.full_path.rstrip("?"), error=error)


def earlier_upheld(count: int, status: str) -> int:
    """Upheld findings on the author's *other* posts: an upheld item does not count itself."""
    return max(0, count - (1 if status == "approved" else 0))


@bp.route("/review/<int:review_id>/decide", methods=["POST"])
@requires(REVIEW_ROLES)
def decide_by_review(review_id: int) -> Any:
    """Older address of the decision form (by review number): decided by its item number."""
    with _reads()() as s:
        item_id = queries.item_id_of_review(s, review_id)
    if item_id is None:
        abort(404)
    return deciding.decide(item_id)


@bp.route("/review/bulk", methods=["POST"])
@requires(REVIEW_ROLES)
def bulk() -> Any:
    """Same decision for many items (obvious spam): approve as proposed, or reject with one reason."""
    verb = request.form.get("decision", "")
    back = safe_next(request.form.get("back"), url_for("review.queue"))
    item_ids = [int(v) for v in request.form.getlist("item_ids") if v.isdigit()][:BULK_LIMIT]
    reason = request.form.get("reason", "").strip()[:2000]
    if verb not in ("approve", "reject") or not item_ids:
        flash("Tick at least one item and choose approve or reject.", "error")
        return redirect(back)
    done, problems = 0, []
    for item_id in item_ids:
        try:
            review_id = _app().moderator.review_of_item(item_id)
            _app().moderator.decide(Decision(review_id=review_id, approve=verb == "approve", user=g.user.name,
                                             reason=reason or ("bulk decision" if verb == "approve" else "")))
            done += 1
        except (InvalidTransition, NotFound) as exc:
            problems.append(f"Item {item_id}: {exc}")
    flash(f"{done} item{'' if done == 1 else 's'} {'upheld' if verb == 'approve' else 'recorded as no breach'}.")
    for problem in problems[:10]:
        flash(problem, "error")
    return redirect(back)


@bp.route("/review/<int:review_id>")
@requires(REVIEW_ROLES)
def item_page(review_id: int) -> Any:
    """Older address of the item page (by review number): the item page shows everything."""
    with _reads()() as s:
        item_id = queries.item_id_of_review(s, review_id)
    if item_id is None:
        abort(404)
    return redirect(url_for("items.page", item_id=item_id))
