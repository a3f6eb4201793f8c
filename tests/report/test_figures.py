"""Every figure of the known October 2026 (see conftest.seed_october)."""

from bot.report.figures import gather, trend
from bot.report.months import Month
from tests.report.conftest import ReportEnv


def test_october_figures(report_env: ReportEnv) -> None:
    with report_env.sessions() as s:
        fig = gather(s, Month.parse("2026-10"))
    assert fig.items == {"mastodon": {"reply": 8, "mention": 2, "quote": 1, "dm": 2},
                         "bluesky": {"reply": 4, "mention": 1, "quote": 1, "dm": 1}}
    assert fig.received == 20
    assert (fig.dms, fig.dm_answered, fig.dm_replies) == (3, 2, {"sent": 2, "suppressed": 1})
    assert fig.findings == {"threat": {3: 1}, "hate": {3: 1}, "harassment": {2: 2}, "spam": {1: 1}, "off_topic": {1: 1}}
    assert (fig.flagged, fig.findings_total) == (5, 6)
    assert fig.decisions == {"approved": 3, "rejected": 1, "pending": 1}
    assert sorted(fig.decision_hours) == [1.0, 2.0, 4.0, 10.0]
    assert (fig.median_hours, fig.p90_hours) == (3.0, 10.0)
    assert fig.actions == {"hide_reply": {"done": 2, "failed": 0, "waiting": 0},
                           "block": {"done": 1, "failed": 0, "waiting": 1},
                           "mute": {"done": 1, "failed": 0, "waiting": 0},
                           "report": {"done": 0, "failed": 1, "waiting": 0}}
    assert (fig.repeat_offenders, fig.police_referrals, fig.police_suggested) == (1, 1, 2)
    rules = {r.rule_id: (r.findings, r.upheld, r.overturned, r.pending, r.overturn_rate) for r in fig.rules}
    assert rules == {"insult_words": (2, 1, 1, 0, 0.5), "threat_of_violence": (1, 1, 0, 0, 0.0),
                     "hate_words": (1, 0, 0, 1, None), "spam_links": (1, 1, 0, 0, 0.0),
                     "off_topic_links": (1, 1, 0, 0, 0.0)}


def test_september_figures_respect_the_bst_boundary(report_env: ReportEnv) -> None:
    with report_env.sessions() as s:
        fig = gather(s, Month.parse("2026-09"))
    # 30 Sep 22:59 UTC (23:59 BST) is September; 30 Sep 23:30 UTC (00:30 BST on 1 Oct) is not.
    assert fig.items == {"mastodon": {"reply": 4, "mention": 1}}
    assert (fig.flagged, fig.decisions["approved"], fig.median_hours) == (1, 1, 6.0)


def test_twelve_month_trend(report_env: ReportEnv) -> None:
    with report_env.sessions() as s:
        points = trend(s, Month.parse("2026-10"))
    assert [p.month for p in points][0] == "2025-11"
    assert [(p.received, p.flagged) for p in points][-3:] == [(1, 0), (5, 1), (20, 5)]
    assert points[-1].by_ground == {"threat": 1, "hate": 1, "harassment": 2, "spam": 1, "off_topic": 1}
    assert sum(p.received for p in points[:-3]) == 0


def test_empty_month_has_zero_figures(report_env: ReportEnv) -> None:
    with report_env.sessions() as s:
        fig = gather(s, Month.parse("2026-05"))
    assert (fig.received, fig.flagged, fig.findings_total, fig.repeat_offenders) == (0, 0, 0, 0)
    assert fig.decisions == {"approved": 0, "rejected": 0, "pending": 0}
    assert (fig.median_hours, fig.p90_hours, fig.actions, fig.rules) == (None, None, {}, [])
