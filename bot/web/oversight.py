"""The audit log (with filters and CSV export) and the accounts' health."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import Markup
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from bot.alerts import delivery_problems, email_configured
from bot.audit_words import MACHINE_ACTORS, SECURITY_EVENTS, Context, load_context, sentence
from bot.health import health_report
from bot.storage import models as m
from bot.web import queries
from bot.web.caveats import PLATFORM_NAMES
from bot.web.isolate import isolated
from bot.web.quiet_status import election_words, quiet_status
from bot.web.security import OVERSIGHT_ROLES, requires

bp = Blueprint("oversight", __name__)
AUDIT_PAGE = 50
CSV_CHUNK = 1000
CSV_FIELDS = ("id", "at", "actor", "event", "subject_type", "subject_id", "details", "row_hash")


def _app() -> Any:
    return current_app.config["MODBOT_APP"]


def _reads() -> Any:
    return current_app.config["MODBOT_READS"]


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=UTC)
    except ValueError:
        return None


def _audit_query(args: Any, s: Session) -> tuple[Select[Any], dict[str, str]]:
    f = {k: args.get(k, "").strip()[:80] for k in ("actor", "event", "subject", "from", "to", "item", "show")}
    f["show"] = "all" if f["show"] == "all" or f["event"] or f["subject"] else "people"
    query = select(m.AuditEvent)
    if f["show"] == "people":
        query = query.where(or_(m.AuditEvent.event.in_(SECURITY_EVENTS),
                                and_(m.AuditEvent.actor.not_in(MACHINE_ACTORS), m.AuditEvent.event != "logout",
                                     ~m.AuditEvent.event.startswith("login."))))
    if f["actor"]:
        query = query.where(m.AuditEvent.actor == f["actor"])
    if f["event"]:
        query = query.where(m.AuditEvent.event.startswith(f["event"], autoescape=True))
    if f["subject"]:
        query = query.where(m.AuditEvent.subject_id == f["subject"])
    if f["item"].isdigit():
        query = query.where(_about_item(s, int(f["item"])))
    if (start := _day(f["from"])) is not None:
        query = query.where(m.AuditEvent.at >= start)
    if (end := _day(f["to"])) is not None:
        query = query.where(m.AuditEvent.at < end + timedelta(days=1))
    return query, f


def _about_item(s: Session, item_id: int) -> Any:
    """Entries about one item: the item itself, its review and its actions."""
    review_id = s.execute(select(m.ReviewItem.id).where(m.ReviewItem.item_id == item_id)).scalar()
    about = [(m.AuditEvent.subject_type == "item") & (m.AuditEvent.subject_id == str(item_id))]
    if review_id is not None:
        about.append((m.AuditEvent.subject_type == "review_item") & (m.AuditEvent.subject_id == str(review_id)))
        action_ids = [str(a) for a in s.execute(select(m.Action.id).where(m.Action.review_item_id == review_id))
                      .scalars()]
        if action_ids:
            about.append((m.AuditEvent.subject_type == "action") & m.AuditEvent.subject_id.in_(action_ids))
    return or_(*about)


@bp.route("/audit")
@requires(OVERSIGHT_ROLES)
def audit_log() -> Any:
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    with _reads()() as s:
        query, filters = _audit_query(request.args, s)
        total = int(s.execute(select(func.count()).select_from(query.subquery())).scalar() or 0)
        rows = list(s.execute(query.order_by(m.AuditEvent.id.desc())
                              .limit(AUDIT_PAGE).offset((page - 1) * AUDIT_PAGE)).scalars())
        context = load_context(s, rows)
    entries = [(ev, _in_words(ev, context)) for ev in rows]
    pages = max(1, -(-total // AUDIT_PAGE))
    return render_template("audit.html", entries=entries, filters=filters, page=page, pages=pages, total=total,
                           query={k: v for k, v in filters.items() if v and k != "show"})


def _in_words(ev: m.AuditEvent, context: Context) -> Markup:
    """The entry's sentence with each name, handle and reason isolated for direction."""
    return isolated(lambda mark: sentence(ev, context, mark))


def csv_cell(value: Any) -> str:
    """Stop spreadsheet formula injection: a cell must not start with = + - @ or a control."""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/audit.csv")
@requires(OVERSIGHT_ROLES)
def audit_csv() -> Any:
    sessions = _reads()
    with sessions() as s:
        query, _filters = _audit_query(request.args, s)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_FIELDS)
        last_id = 0
        while True:  # short transactions per chunk, so a long export never holds the database
            with sessions() as s:
                chunk = list(s.execute(query.where(m.AuditEvent.id > last_id).order_by(m.AuditEvent.id)
                                       .limit(CSV_CHUNK)).scalars())
            for ev in chunk:
                writer.writerow([csv_cell(v) for v in (ev.id, ev.at.isoformat(), ev.actor, ev.event, ev.subject_type,
                                                       ev.subject_id, _json(ev.details), ev.row_hash)])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if len(chunk) < CSV_CHUNK:
                return
            last_id = chunk[-1].id

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(rows(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'})


def _json(details: Any) -> str:
    from bot.audit import canonical_json

    return canonical_json(details)


@bp.route("/accounts")
@requires(OVERSIGHT_ROLES)
def accounts() -> Any:
    app = _app()
    report = health_report(app.settings, _reads(), current_app.config.get("MODBOT_HEARTBEAT"),
                           now=current_app.config["MODBOT_CLOCK"]())
    by_name = {a["name"]: a for a in report.get("accounts", [])}
    now = current_app.config["MODBOT_CLOCK"]()
    with _reads()() as s:
        rows = queries.accounts(s)
        problems = delivery_problems(s)
        quiet = quiet_status(app.settings, app.moderator.adapters, s, now)
        purdah = election_words(app.settings, s, now)
    return render_template("accounts.html", rows=rows, health=by_name, report=report, platforms=PLATFORM_NAMES,
                           alert_problems=problems, email_on=email_configured(app.settings), quiet=quiet,
                           purdah=purdah)
