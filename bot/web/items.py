"""The item page: the full evidence of any stored item (flagged or not), its review
and decision form when it has one, legal hold and the evidence pack.

``/items/<id>`` is the address the alert e-mails link to. Everyone who may review
sees it; setting or releasing a legal hold and downloading an evidence pack are for
the clerk and the deputy only (delegates review and decide, nothing more).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for

from bot.errors import NotFound
from bot.evidence import HoldError, release_legal_hold, set_legal_hold
from bot.storage.db import transaction
from bot.web import queries
from bot.web.caveats import action_options, item_notes, offered_actions
from bot.web.deciding import take_error
from bot.web.results import results
from bot.web.review import behaves_like, capabilities, earlier_upheld, proposal_html, simulates
from bot.web.security import OVERSIGHT_ROLES, REVIEW_ROLES, now, requires

log = logging.getLogger(__name__)
bp = Blueprint("items", __name__)
EVIDENCE_ROLES = OVERSIGHT_ROLES  # legal hold and evidence packs: clerk and deputy


def _app() -> Any:
    return current_app.config["MODBOT_APP"]


def _when(value: Any) -> str:
    when: Any = current_app.jinja_env.filters["when"]  # the page's one way of showing a time
    return str(when(value))


@bp.route("/items/<int:item_id>")
@requires(REVIEW_ROLES)
def page(item_id: int) -> Any:
    with current_app.config["MODBOT_READS"]() as s:
        found = queries.item_with_review(s, item_id)
        if found is None:
            abort(404)
        item, review = found
        platform = item.account.platform
        caps = capabilities(item.account.name)
        who = item.author.handle
        context = {
            "item": item, "review": review, "media": queries.media_of(s, item_id),
            "proposal": proposal_html([a.kind for a in review.actions if a.state in ("proposed", "rejected")
                                       and not (a.params or {}).get("undoes")], who) if review else "",
            "results": results(review.actions, who, caps, _when, _app().settings.live) if review else [],
            "error": take_error(),
            "options": action_options(offered_actions(behaves_like(item.account.name, platform), caps,
                                                      item.meta or {}),
                                      (a.kind for a in review.actions) if review else ()),
            "notes": item_notes(platform, item.meta or {}, caps, simulates(item.account.name)),
            "upheld": earlier_upheld(queries.upheld_counts(s, {item.author_id}).get(item.author_id, 0),
                                     review.status if review else ""),
            "history": queries.author_history(s, item.author_id, item.id),
            "aliases": queries.aliases(s, item.author_id),
            "back": url_for("items.page", item_id=item_id),
            "can_manage_evidence": g.user.role in EVIDENCE_ROLES,
        }
    return render_template("item.html", **context)


@bp.route("/items/<int:item_id>/evidence-pack", methods=["POST"])
@requires(EVIDENCE_ROLES)
def evidence_pack(item_id: int) -> Any:
    """The ZIP for the police or a platform's report form; making it is audited by the pack builder."""
    from bot.evidence.pack import build_evidence_pack  # PDF rendering: loaded only when asked for

    try:
        pack = build_evidence_pack(_app(), [item_id], g.user.name, now())
    except NotFound:
        abort(404)
    log.info("evidence pack for item %s made by %s (sha256 %s)", item_id, g.user.name, pack.sha256)
    return Response(pack.data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{pack.filename}"',
        "X-Content-SHA256": pack.sha256,
    })


@bp.route("/items/<int:item_id>/legal-hold", methods=["POST"])
@requires(EVIDENCE_ROLES)
def legal_hold(item_id: int) -> Any:
    """Set (with a required reason) or release a legal hold; both are audited with who and why."""
    what = request.form.get("what", "")
    reason = request.form.get("reason", "").strip()[:2000]
    if what not in ("set", "release"):
        abort(400, description="Choose to set or release the legal hold.")
    try:
        with transaction(_app().sessions) as s:
            if what == "set":
                set_legal_hold(s, item_id, reason, g.user.name, now())
            else:
                release_legal_hold(s, item_id, g.user.name, now(), reason=reason)
    except NotFound:
        abort(404)
    except HoldError as exc:
        flash(f"{exc.title} Item {item_id}: {exc}.", "error")
        return redirect(url_for("items.page", item_id=item_id, _anchor="legal-hold"))
    flash(f"Item {item_id} is now under legal hold." if what == "set"
          else f"The legal hold on item {item_id} has been released.")
    return redirect(url_for("items.page", item_id=item_id, _anchor="legal-hold"))
