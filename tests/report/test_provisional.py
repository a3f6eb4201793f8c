"""Provisional summaries (a month not over), the month-end run, --out, and failed actions in plain words."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from pypdf import PdfReader
from sqlalchemy import select, update

from bot.cli import main
from bot.report import build_summary
from bot.report.build import MonthNotOver
from bot.report.jobs import ensure_last_month_summary
from bot.report.months import Month
from bot.storage import models as m
from bot.storage.db import transaction
from tests.report.conftest import ReportEnv
from tests.support import BASE_CONFIG

MID_OCTOBER = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)
MONTH_END_RUN = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # the scheduler's 06:00 UK time on the 1st (GMT)


def pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def test_a_month_not_over_needs_provisional_and_is_marked_on_every_page(sqlite_report_env: ReportEnv,
                                                                          tmp_path: Path) -> None:
    env = sqlite_report_env
    with pytest.raises(MonthNotOver, match="October 2026 is not over yet.*--provisional"):
        build_summary(env.settings, env.sessions, "2026-10", tmp_path, clock=lambda: MID_OCTOBER)
    result = build_summary(env.settings, env.sessions, "2026-10", tmp_path, provisional=True,
                           clock=lambda: MID_OCTOBER)
    assert result.pdf_path.name == "moderation-summary-2026-10-PROVISIONAL.pdf"
    texts = pages(result.pdf_path)
    assert len(texts) > 1 and all("PROVISIONAL" in t.upper() for t in texts)
    assert "figures up to Thursday 15 October 2026 at 10am" in texts[0]  # 09:00 UTC is 10am BST
    assert "final summary is made on 1 November 2026" in texts[0]
    html = result.html_path.read_text(encoding="utf-8")
    assert "moderation summary: October 2026 (provisional)" in html


def test_a_finished_month_is_never_provisional(sqlite_report_env: ReportEnv, tmp_path: Path) -> None:
    with pytest.raises(MonthNotOver, match="October 2026 is over"):
        build_summary(sqlite_report_env.settings, sqlite_report_env.sessions, "2026-10", tmp_path,
                      provisional=True, clock=lambda: MONTH_END_RUN)


def test_a_provisional_summary_does_not_stop_the_month_end_run(sqlite_report_env: ReportEnv,
                                                                tmp_path: Path) -> None:
    env = sqlite_report_env
    build_summary(env.settings, env.sessions, "2026-10", tmp_path, provisional=True, clock=lambda: MID_OCTOBER)
    app = SimpleNamespace(settings=env.settings, sessions=env.sessions,
                          moderator=SimpleNamespace(clock=lambda: MONTH_END_RUN))
    assert ensure_last_month_summary(app) == "2026-10"
    with env.sessions() as s:
        row = s.execute(select(m.Summary).where(m.Summary.month == "2026-10")).scalar_one()
    assert Path(row.pdf_path).name == "moderation-summary-2026-10.pdf"  # the final one replaced the preview
    assert not any("PROVISIONAL" in t.upper() for t in pages(Path(row.pdf_path)))
    assert ensure_last_month_summary(app) is None  # and only once


@pytest.mark.parametrize(("now", "current"), [
    (MID_OCTOBER, "2026-10"),
    (datetime(2026, 8, 31, 23, 30, tzinfo=UTC), "2026-09"),  # 12:30am BST on 1 September: August is over
])
def test_cli_refuses_the_current_month_without_provisional(now: datetime, current: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import bot.report

    # the command has no clock of its own: the summary it builds reads this test's clock instead of the wall clock
    monkeypatch.setattr(bot.report, "build_summary", functools.partial(bot.report.build_summary, clock=lambda: now))
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(dict(BASE_CONFIG, data_dir=str(tmp_path / "data"))), encoding="utf-8")
    assert main(["--config", str(config), "migrate"]) == 0
    assert str(Month.containing(now)) == current
    assert main(["--config", str(config), "report", "--month", current]) == 2
    assert "is not over yet" in capsys.readouterr().err


def test_out_under_the_data_directory_is_recorded_whole_and_listed(sqlite_report_env: ReportEnv,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """``--out data/elsewhere`` given relative to where the command runs still resolves inside data_dir."""
    env = sqlite_report_env
    from bot.web.summaries import servable

    monkeypatch.chdir(env.settings.data_dir.parent)
    relative = Path(env.settings.data_dir.name) / "for-the-meeting"
    result = build_summary(env.settings, env.sessions, "2026-10", relative, clock=lambda: MONTH_END_RUN)
    with env.sessions() as s:
        row = s.execute(select(m.Summary)).scalar_one()
    assert Path(row.pdf_path).is_absolute() and Path(row.pdf_path) == result.pdf_path
    assert servable(row.pdf_path, env.settings.data_dir) == result.pdf_path.resolve()


def test_each_failed_action_is_explained_in_plain_words(sqlite_report_env: ReportEnv, tmp_path: Path) -> None:
    env = sqlite_report_env
    detail = "status 110 not found at https://mastodon.example/@angry_andy/110"
    with transaction(env.sessions) as s:
        s.execute(update(m.Action).where(m.Action.state == "failed")
                  .values(last_error=f"The post or account no longer exists. {detail}"))
    result = build_summary(env.settings, env.sessions, "2026-10", tmp_path, clock=lambda: MONTH_END_RUN)
    text = " ".join(pages(result.pdf_path))
    assert ("Report to the platform on Mastodon: the post or account no longer existed (its author had deleted "
            "it, or the platform had removed it), so there was nothing left to act on.") in text
    assert "status 110" not in text and "angry_andy" not in text


def test_cli_says_when_out_is_outside_the_data_directory(tmp_path: Path, capsys) -> None:
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(dict(BASE_CONFIG, data_dir=str(tmp_path / "data"))), encoding="utf-8")
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "report", "--month", "2026-05", "--out", str(tmp_path / "papers")]) == 0
    out = capsys.readouterr().out
    assert "moderation-summary-2026-05.pdf" in out and "this folder is outside it" in out
    assert main(["--config", str(config), "report", "--month", "2026-05",
                 "--out", str(tmp_path / "data" / "papers")]) == 0
    assert "outside it" not in capsys.readouterr().out
