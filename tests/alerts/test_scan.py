"""What gets an alert, and only once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.alerts import daily_digest, email_configured, scan
from bot.storage import models as m
from bot.storage.db import transaction
from tests.alerts.conftest import NOW, RECIPIENTS, AlertEnv, alert_settings
from tests.report.conftest import THREAT_TEXT
from tests.report.seed import Decision, Flag, Seeder


def alerts(env: AlertEnv) -> list[m.Alert]:
    with env.sessions() as s:
        return list(s.execute(select(m.Alert).order_by(m.Alert.id)).scalars())


def healthy_accounts(sd: Seeder) -> None:
    for platform in ("mastodon", "bluesky"):
        sd.account(platform).last_poll_ok_at = NOW - timedelta(minutes=1)


def test_threat_hate_and_impersonation_alert_once_without_the_text(alert_env: AlertEnv) -> None:
    with transaction(alert_env.sessions) as s:
        sd = Seeder(s)
        healthy_accounts(sd)
        threat = sd.item(NOW - timedelta(minutes=2), THREAT_TEXT, author="angry_andy",
                         flags=(Flag("threat_of_violence", "threat", 3, police=True),))
        sd.item(NOW - timedelta(minutes=2), "Send them back", author="troll", flags=(Flag("hate_words", "hate", 3),))
        sd.item(NOW, "Official notice: refunds", platform="bluesky", kind="mention", author="counci1",
                flags=(Flag("lookalike_account", "impersonation", 2),))
        sd.item(NOW, "You numpty", author="angry_andy", flags=(Flag("insult_words", "harassment", 2),))
        sd.item(NOW - timedelta(days=3), "Old threat", author="x", flags=(Flag("threat_of_violence", "threat", 3),))
        sd.item(NOW, "Decided threat", author="y", flags=(Flag("threat_of_violence", "threat", 3),),
                decision=Decision("approved", 0))
        threat_id = threat.id
    assert scan(alert_env.settings, alert_env.sessions, NOW).urgent == 3
    assert scan(alert_env.settings, alert_env.sessions, NOW + timedelta(minutes=1)).urgent == 0
    rows = alerts(alert_env)
    assert [r.kind for r in rows] == ["urgent"] * 3
    first = rows[0]
    assert first.recipients == RECIPIENTS and first.state == "pending"
    assert first.subject == (f"Urgent: item {threat_id}, Threats on the council's Mastodon account "
                             "@council@mastodon.example")
    assert f"Item {threat_id}, a post on the council's" in first.body
    assert f"https://modbot.example.gov.uk/items/{threat_id}" in first.body
    assert "police" in first.body
    for row in rows:
        assert "kill" not in row.body and "Send them back" not in row.body and "refunds" not in row.body
    assert "Impersonation" in rows[2].subject


def test_account_outages_alert_once_per_outage(alert_env: AlertEnv) -> None:
    with transaction(alert_env.sessions) as s:
        sd = Seeder(s)
        sd.account("mastodon").last_poll_ok_at = NOW - timedelta(minutes=31)
        sd.account("mastodon").last_error = "The platform could not be reached. (TransientError)"
        sd.account("bluesky").last_poll_ok_at = NOW - timedelta(minutes=5)
        sd.account("retired").last_poll_ok_at = NOW - timedelta(days=30)  # no longer in the settings
    assert scan(alert_env.settings, alert_env.sessions, NOW).outages == 1
    assert scan(alert_env.settings, alert_env.sessions, NOW + timedelta(minutes=5)).outages == 0
    with transaction(alert_env.sessions) as s:
        bluesky = s.execute(select(m.Account).where(m.Account.name == "bluesky")).scalar_one()
        bluesky.auth_failed = True  # token revoked: alert at once, without waiting
        mastodon = s.execute(select(m.Account).where(m.Account.name == "mastodon")).scalar_one()
        mastodon.last_poll_ok_at = NOW + timedelta(minutes=6)  # recovered...
    assert scan(alert_env.settings, alert_env.sessions, NOW + timedelta(minutes=7)).outages == 1
    later = NOW + timedelta(minutes=6 + 31)  # ...and down again: a new outage
    assert scan(alert_env.settings, alert_env.sessions, later).outages == 1
    rows = alerts(alert_env)
    assert [r.kind for r in rows] == ["outage"] * 3
    assert "could not be reached" in rows[0].body and "/accounts" in rows[0].body
    assert "token" in rows[1].body and "bluesky" in rows[1].subject


def test_daily_digest_only_when_the_queue_is_not_empty(alert_env: AlertEnv) -> None:
    assert daily_digest(alert_env.settings, alert_env.sessions, NOW) is False
    with transaction(alert_env.sessions) as s:
        sd = Seeder(s)
        sd.item(NOW - timedelta(hours=20), "a", author="a", flags=(Flag("insult_words", "harassment", 2),))
        sd.item(NOW - timedelta(hours=2), "b", author="b", flags=(Flag("spam_links", "spam", 1),))
        sd.item(NOW - timedelta(hours=1), "c", author="c", flags=(Flag("spam_links", "spam", 1),),
                decision=Decision("approved", 0.5))
    assert daily_digest(alert_env.settings, alert_env.sessions, NOW) is True
    assert daily_digest(alert_env.settings, alert_env.sessions, NOW + timedelta(hours=1)) is False  # same day
    (row,) = alerts(alert_env)
    assert row.kind == "digest" and row.dedupe_key == "digest:2026-11-02"
    assert "2 flagged posts are waiting" in row.body and "1 medium, 1 low" in row.body
    assert "Sunday 1 November 2026 at 2pm" in row.body  # the oldest, in UK time (GMT)
    assert row.subject.startswith("Moderation queue, Monday 2 November 2026:")
    assert "https://modbot.example.gov.uk/" in row.body


def test_nothing_is_queued_without_smtp_or_recipients(alert_env: AlertEnv, tmp_path, db_url: str) -> None:
    overrides: dict[str, Any]
    for overrides in ({"smtp.host": ""}, {"alerts.recipients": []}):
        settings = alert_settings(tmp_path / "d", db_url, **overrides)
        assert not email_configured(settings)
        with transaction(alert_env.sessions) as s:
            Seeder(s).item(NOW, "t", author="z", flags=(Flag("threat_of_violence", "threat", 3),))
        assert scan(settings, alert_env.sessions, NOW).urgent == 0
        assert daily_digest(settings, alert_env.sessions, NOW) is False
    assert alerts(alert_env) == []
