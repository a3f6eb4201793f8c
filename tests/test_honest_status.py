"""Status says what really happened: a refused login stays refused until a poll or
``account check`` succeeds, a pause is a pause, failed polls show long before the
e-mail alert, and expected errors are one plain line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from adapters.simulated import SimulatedAdapter
from bot.bootstrap import App, build_app
from bot.errors import AuthFailed, RateLimited, TransientError
from bot.health import health_report
from bot.storage import models as m
from tests.support import REPO, FakeClock, make_settings


def account(app: App) -> m.Account:
    with app.sessions() as s:
        return s.execute(select(m.Account)).scalar_one()


def sim(app: App) -> SimulatedAdapter:
    adapter = app.moderator.adapters["sim"]
    assert isinstance(adapter, SimulatedAdapter)
    return adapter


def reopen(app: App, clock: FakeClock) -> App:
    """What any new command does (``modbot status``, ``queue list``, a restarted service)."""
    return build_app(app.settings, adapters={"sim": sim(app)}, run_migrations=False, clock=clock)


def problems(app: App, clock: FakeClock) -> list[str]:
    return list(health_report(app.settings, app.sessions, None, now=clock.now)["problems"])


def test_a_refused_login_stays_until_a_poll_succeeds(app: App, clock: FakeClock) -> None:
    sim(app).inject("fetch", AuthFailed("Bluesky refused the app password for council.example"))
    result = app.moderator.poll("sim")
    assert not result.ok and "refused the app password" in result.error and "AuthFailed" not in result.error
    other = reopen(app, clock)  # no command clears it by starting
    assert account(other).auth_failed
    assert problems(other, clock) == [
        "account sim: the login was refused at 10am: The account's login or token no longer works. "
        "Bluesky refused the app password for council.example"]
    clock.advance(minutes=5)
    sim(app).inject("fetch", AuthFailed("still refused"))
    waiting = app.moderator.poll("sim")  # tried once already in this process: waits, without a request
    assert "tries again at 10:15am" in waiting.error
    assert sim(app)._faults, "the platform was called while the bot should wait"
    clock.advance(minutes=11)
    sim(app)._faults.clear()
    assert app.moderator.poll("sim").ok  # by itself, the next try works (the password was fixed)
    row = account(app)
    assert not row.auth_failed and row.last_error is None and row.consecutive_failures == 0
    assert problems(app, clock) == []
    other.close()


def test_a_new_process_retries_a_refused_login_at_once(app: App, clock: FakeClock) -> None:
    sim(app).inject("fetch", AuthFailed("refused"))
    app.moderator.poll("sim")
    restarted = reopen(app, clock)  # the operator fixed it and restarted the service
    assert restarted.moderator.poll("sim").ok
    with restarted.sessions() as s:
        events = s.execute(select(m.AuditEvent.event).where(m.AuditEvent.subject_type == "account")).scalars().all()
    assert events == ["account.auth_failed", "account.auth_restored"]
    restarted.close()


def test_a_login_wait_is_a_pause_that_ends_by_itself(app: App, clock: FakeClock) -> None:
    retry = clock.now.timestamp() + 600
    sim(app).inject("fetch", RateLimited("the bot logged in to Bluesky at 09:58 and waits until 10:10",
                                         retry_at=retry))
    assert not app.moderator.poll("sim").ok
    row = account(app)
    assert not row.auth_failed  # not a dead account
    assert "until 10:10" in app.moderator.poll("sim").error
    clock.advance(minutes=11)
    assert app.moderator.poll("sim").ok


def test_failed_polls_show_as_degraded_long_before_the_alert(app: App, clock: FakeClock) -> None:
    assert app.moderator.poll("sim").ok
    for _ in range(2):
        clock.advance(minutes=2)
        sim(app).inject("fetch", TransientError("502 Bad Gateway"))
        app.moderator.poll("sim")
    assert problems(app, clock) == []  # two blips are not yet a problem
    clock.advance(minutes=2)
    sim(app).inject("fetch", TransientError("502 Bad Gateway"))
    app.moderator.poll("sim")
    assert problems(app, clock) == [
        "account sim: the last 3 polls failed (the latest at 10:06am: The platform could not be reached; "
        "the bot will try again. 502 Bad Gateway)"]
    alert_after = timedelta(minutes=int(app.settings.get("alerts.poll_failure_minutes")))
    last_ok = account(app).last_poll_ok_at
    assert last_ok is not None and clock.now - last_ok < alert_after  # well before the e-mail alert
    clock.advance(minutes=2)
    assert app.moderator.poll("sim").ok
    assert account(app).last_error is None and problems(app, clock) == []


def write_bluesky_config(tmp: Path) -> Path:
    doc = {
        "council": {"name": "Test Town Council", "email": "clerk@example.gov.uk", "phone": "01454 000000",
                    "website": "https://example.gov.uk"},
        "mode": "live", "data_dir": str(tmp / "data"), "rules_file": str(REPO / "config" / "rules.yaml"),
        "accounts": [{"name": "bsky", "platform": "bluesky", "handle": "council.example",
                      "server_url": "http://127.0.0.1:8151", "app_password_env": "MODBOT_TEST_NO_SUCH_PASSWORD"}],
    }
    path = tmp / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def run(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODBOT_")}
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(config), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_poll_once_on_a_login_failure_is_one_plain_line_and_status_keeps_saying_so(tmp_path: Path) -> None:
    config = write_bluesky_config(tmp_path)
    polled = run(config, "poll", "--once")
    assert polled.returncode == 1
    assert "Traceback" not in polled.stderr + polled.stdout
    assert "bsky: FAILED" in polled.stdout and "no app password" in polled.stdout
    for _ in range(2):  # asking does not clear it
        status = run(config, "status")
        assert status.returncode == 1, status.stdout + status.stderr
        assert "the login was refused at" in status.stderr and "Traceback" not in status.stderr


def test_execute_once_exits_1_when_an_action_failed(app: App, tmp_path: Path, clock: FakeClock,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main
    from bot.decisions import Decision
    from bot.domain import ActionKind
    from bot.errors import PermanentError
    from tests.test_moderator import add_user, first_pending

    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "threat", actions=(ActionKind.BLOCK,)))
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump({**_doc(app), "database_url": app.settings.database_url}), encoding="utf-8")

    def refuse(self: SimulatedAdapter, order: object) -> None:
        raise PermanentError("422 Unprocessable Entity")

    monkeypatch.setattr(SimulatedAdapter, "apply", refuse)
    assert main(["--config", str(config), "execute", "--once"]) == 1


def _doc(app: App) -> dict[str, object]:
    settings = make_settings(app.settings.data_dir)
    return {"council": {"name": settings.council.name, "email": "clerk@example.gov.uk", "phone": "01454 000000",
                        "website": "https://example.gov.uk"}, "mode": "live", "data_dir": str(settings.data_dir),
            "rules_file": str(REPO / "config" / "rules.yaml"),
            "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}]}
