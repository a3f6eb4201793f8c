"""The scheduled jobs on the whole core: a threat polled from the platform reaches the clerk's inbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.report.jobs import alerts_tick, ensure_last_month_summary, schedule_jobs
from bot.scheduler import Heartbeat, build_scheduler
from bot.storage import models as m
from tests.alerts.conftest import RECIPIENTS, alert_settings
from tests.alerts.smtp_servers import Inbox, body_text, smtp_server
from tests.support import FakeClock


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def mail_app(db_url: str, tmp_path: Path, clock: FakeClock, inbox: Inbox) -> Iterator[App]:
    from adapters.simulated import SimulatedAdapter

    with smtp_server(inbox) as port:
        settings = alert_settings(tmp_path / "data", db_url, **{"smtp.port": port, "accounts": [
            {"name": "sim", "platform": "simulated", "handle": "@council@social.example"}]})
        adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json",
                                   council_name=settings.council.name, initial=60, total=60, clock=clock)
        application = build_app(settings, adapters={"sim": adapter}, run_migrations=False, clock=clock)
        yield application
        application.close()


def test_a_threat_is_emailed_within_one_poll_cycle(mail_app: App, inbox: Inbox) -> None:
    mail_app.moderator.poll("sim")
    alerts_tick(mail_app)
    with mail_app.sessions() as s:
        urgent = s.execute(select(m.ReviewItem).where(m.ReviewItem.severity == 3)).scalars().all()
        texts = [r.item.text for r in urgent]
        item_ids = [r.item_id for r in urgent]
    assert urgent, "the simulated script has threats and hate among its first 60 posts"
    bodies = [body_text(msg) for _, _, msg in inbox.messages]
    for item_id in item_ids:
        assert any(re.search(rf"https://modbot\.example\.gov\.uk/items/{item_id}\s", b) for b in bodies), item_id
    assert all(rcpts == RECIPIENTS for _, rcpts, _ in inbox.messages)
    for text in texts:
        assert all(text not in b for b in bodies)
    count = len(inbox.messages)
    alerts_tick(mail_app)  # the next minute: nothing new, nothing sent twice
    assert len(inbox.messages) == count


def test_jobs_plug_into_the_scheduler(mail_app: App) -> None:
    jobs = schedule_jobs(mail_app)
    assert {job_id: trigger["trigger"] for job_id, _, trigger in jobs} == {
        "report:monthly": "cron", "alerts": "interval", "alerts:digest": "cron"}
    assert dict((j, t) for j, _, t in jobs)["alerts"]["seconds"] == 60
    scheduler: BackgroundScheduler = build_scheduler(mail_app.moderator, Heartbeat(), extra_jobs=jobs)
    monthly = scheduler.get_job("report:monthly")
    assert monthly is not None
    # Pending jobs get their first run time when the scheduler starts; compute it from the trigger instead.
    first = monthly.trigger.get_next_fire_time(None, datetime(2026, 11, 30, 12, tzinfo=UTC))
    assert first.isoformat() == "2026-12-01T06:00:00+00:00"
    digest = scheduler.get_job("alerts:digest")
    assert digest.trigger.get_next_fire_time(None, datetime(2027, 6, 1, 12, tzinfo=UTC)).isoformat() \
        == "2027-06-02T08:00:00+01:00"


def test_monthly_job_builds_last_month_once(mail_app: App, clock: FakeClock) -> None:
    clock.now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert ensure_last_month_summary(mail_app) == "2026-11"
    assert ensure_last_month_summary(mail_app) is None
    with mail_app.sessions() as s:
        (row,) = s.execute(select(m.Summary)).scalars().all()
    assert row.month == "2026-11" and Path(row.pdf_path).is_file()
