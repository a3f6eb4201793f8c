"""The monthly summary counts pile-ons, the reply limits carried out and the pre-election
warnings, names the period, and does not count the bot's own records as posts received."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.report.build import build_summary
from bot.storage import quiet_models as q
from tests.quiet.helpers import approve_as_clerk, quiet_app
from tests.report.tables import tables_of
from tests.support import FakeClock


def test_summary_reports_pile_ons_limits_warnings_and_the_period(tmp_path: Path) -> None:
    clock = FakeClock()  # 2 November 2026
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky",
                         **{"election.from": "2026-10-25", "election.to": "2026-11-05"})
    app.moderator.scan_posts("sim")
    post = sim.publish("Vote for Cllr Tom Brown's plan for the high street")
    app.moderator.scan_posts("sim")
    sim.reply_burst(post, 21, new_accounts=True)
    app.moderator.poll("sim")
    with app.sessions() as s:
        review_id = s.query(q.PileOn).one().review_item_id
    approve_as_clerk(app, review_id)
    app.moderator.execute_due()
    clock.now = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # the month-end run: November is over
    result = build_summary(app.settings, app.sessions, "2026-11", tmp_path / "out", clock=clock)
    fig = result.figures
    assert (fig["pile_ons"], fig["reply_limits"], fig["election_warnings"]) == (1, 1, 1)
    assert fig["received"] == 21  # the replies; not the pile-on record or the council's own post
    assert fig["election_period"] == "25 October 2026 to polling day, 5 November 2026"
    html = result.html_path.read_text(encoding="utf-8")
    assert [row[-1] for row in tables_of(html)[0]["quiet-facts"]] == ["1", "1", "1"]
    assert "Pile-ons (sudden bursts of replies to one council post)" in html
    assert "Pre-election period: 25 October 2026 to polling day, 5 November 2026" in html
