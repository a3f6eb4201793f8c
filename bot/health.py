"""Health of the service: per-account polls, scheduler liveness, database, queue age.

Used by ``GET /healthz`` (HTTP 200 when healthy, 503 otherwise) and ``modbot status``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.ingest import TOO_OLD
from bot.scheduler import Heartbeat
from bot.settings import Settings
from bot.storage import models as m
from bot.uk_time import at


def health_report(settings: Settings, sessions: sessionmaker[Session], heartbeat: Heartbeat | None,
                  now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    report: dict[str, Any] = {"status": "ok", "time": now.isoformat(), "problems": []}
    try:
        with sessions() as s:
            s.execute(text("SELECT 1"))
            report["database"] = {"ok": True}
            report["accounts"] = _accounts(s, settings, now, report["problems"])
            report["queue"] = _queue(s, now)
    except Exception as exc:  # the database itself is down
        report["database"] = {"ok": False, "error": type(exc).__name__}
        report["problems"].append("database unreachable")
    report["scheduler"] = _scheduler(heartbeat, settings, now, report["problems"])
    if report["problems"]:
        report["status"] = "degraded"
    return report


def _accounts(s: Session, settings: Settings, now: datetime, problems: list[str]) -> list[dict[str, Any]]:
    limit = timedelta(minutes=int(settings.get("alerts.poll_failure_minutes")))
    degraded_after = int(settings.get("alerts.degraded_after_failures"))
    counts = dict(s.execute(select(m.Item.account_id, func.count()).group_by(m.Item.account_id)).all())
    too_old = dict(s.execute(select(m.OutboxMessage.account_id, func.count()).where(m.OutboxMessage.state == TOO_OLD)
                             .group_by(m.OutboxMessage.account_id)).all())
    pending = dict(s.execute(
        select(m.Item.account_id, func.count()).join(m.ReviewItem, m.ReviewItem.item_id == m.Item.id)
        .where(m.ReviewItem.status == "pending").group_by(m.Item.account_id)).all())
    out = []
    for acc in s.execute(select(m.Account).order_by(m.Account.name)).scalars():
        ok_at = acc.last_poll_ok_at
        problem = account_problem(acc, now, limit, degraded_after)
        if problem:
            problems.append(f"account {acc.name}: {problem}")
        out.append({
            "name": acc.name, "platform": acc.platform, "handle": acc.handle,
            "last_successful_poll": ok_at.isoformat() if ok_at else None,
            "last_error": acc.last_error, "auth_failed": acc.auth_failed, "warnings": acc.warnings or [],
            "items": counts.get(acc.id, 0), "pending_review": pending.get(acc.id, 0),
            "requests_last_poll": acc.last_poll_requests, "failed_polls_in_a_row": acc.consecutive_failures,
            "last_error_at": acc.last_error_at.isoformat() if acc.last_error_at else None,
            "problem": problem, "old_dms_not_answered": too_old.get(acc.id, 0),
        })
    return out


def account_problem(acc: m.Account, now: datetime, limit: timedelta, degraded_after: int) -> str:
    """One sentence on what is wrong with an account's polling ('' when nothing is)."""
    when = f" at {at(acc.last_error_at, now)}" if acc.last_error_at else ""
    error = (acc.last_error or "").rstrip(".")
    if acc.auth_failed:
        return f"the login was refused{when}: {error}" if error else f"the login was refused{when}"
    if acc.consecutive_failures >= degraded_after:
        return f"the last {acc.consecutive_failures} polls failed (the latest{when}: {error or 'no detail'})"
    ok_at = acc.last_poll_ok_at
    if acc.last_poll_at is not None and (ok_at is None or now - ok_at > limit):
        return f"no successful poll for over {_duration(limit)}"
    return ""


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def _queue(s: Session, now: datetime) -> dict[str, Any]:
    oldest = s.execute(select(func.min(m.ReviewItem.created_at)).where(m.ReviewItem.status == "pending")).scalar()
    pending = s.execute(select(func.count()).select_from(m.ReviewItem).where(m.ReviewItem.status == "pending")).scalar()
    failed = s.execute(select(func.count()).select_from(m.Action).where(m.Action.state == "failed")).scalar()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return {"pending": pending or 0, "failed_actions": failed or 0,
            "oldest_pending_age_seconds": int((now - oldest).total_seconds()) if oldest else 0}


def _scheduler(heartbeat: Heartbeat | None, settings: Settings, now: datetime, problems: list[str]) -> dict[str, Any]:
    if heartbeat is None:
        return {"running": False}
    snap = heartbeat.snapshot()
    every = int(settings.get("polling.execute_interval_seconds"))
    last = snap["last_run"].get("execute")
    alive = snap["started_at"] is not None and (last is None and now - snap["started_at"] < timedelta(seconds=every * 3)
                                                or last is not None and now - last < timedelta(seconds=every * 3 + 60))
    if not alive:
        problems.append("scheduler not running")
    return {"running": alive, "started_at": snap["started_at"].isoformat() if snap["started_at"] else None,
            "jobs": {k: v.isoformat() for k, v in snap["last_run"].items()}, "errors": snap["last_error"]}
