"""The alert e-mails tell times in UK time, in summer (BST) as in winter (GMT)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.alerts.messages import digest, outage
from bot.storage import models as m
from tests.alerts.conftest import alert_settings


def test_outage_times_are_uk_time_in_summer_and_winter(tmp_path) -> None:
    settings = alert_settings(tmp_path, "sqlite://")
    account = m.Account(id=1, name="main", platform="mastodon", handle="@council@mastodon.example",
                        auth_failed=False, last_error="timed out")
    summer = outage(settings, account, datetime(2026, 7, 1, 8, 5, tzinfo=UTC),
                    datetime(2026, 7, 1, 9, 35, tzinfo=UTC))
    assert "Last successful check: Wednesday 1 July 2026 at 9:05am (UK time); now " \
           "Wednesday 1 July 2026 at 10:35am." in summer.body
    winter = outage(settings, account, datetime(2026, 12, 1, 8, 5, tzinfo=UTC),
                    datetime(2026, 12, 1, 9, 35, tzinfo=UTC))
    assert "Tuesday 1 December 2026 at 8:05am (UK time)" in winter.body


def test_the_digest_is_dated_by_the_uk_day_across_midnight_bst(tmp_path) -> None:
    settings = alert_settings(tmp_path, "sqlite://")
    late = datetime(2026, 8, 31, 23, 30, tzinfo=UTC)  # 12:30am BST on 1 September
    draft = digest(settings, {2: 1}, datetime(2026, 8, 31, 18, 0, tzinfo=UTC), late)
    assert draft.subject == "Moderation queue, Tuesday 1 September 2026: 1 waiting"
    assert draft.dedupe_key == "digest:2026-09-01"
    assert "waiting since Monday 31 August 2026 at 7pm (UK time)" in draft.body
