"""The pre-election period: the council's own posts naming people or parties, or using
campaign words, become a warning item for the clerk, with no platform action; outside
the period nothing is flagged; ``modbot election set`` sets a period, audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.cli import main
from bot.errors import ConfigError
from bot.storage import models as m
from bot.storage import quiet_models as q
from tests.quiet.helpers import audit_events, quiet_app
from tests.support import BASE_CONFIG, FakeClock, make_settings

PERIOD: dict[str, Any] = {"election.from": "2026-10-20", "election.to": "2026-11-05",
                          "election.candidates": ["Priya Patel"]}


def _warnings(app) -> list[m.ReviewItem]:
    with app.sessions() as s:
        rows = s.execute(select(m.ReviewItem).join(m.Item).where(m.Item.kind == "post")).scalars().all()
        for r in rows:
            _ = r.item.findings, r.actions
        return list(rows)


def test_a_council_post_naming_a_councillor_and_a_party_is_flagged_without_action(tmp_path: Path) -> None:
    clock = FakeClock()  # 2 November 2026: inside the period
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", **PERIOD, **{"council.policy": "pershore"})
    app.moderator.scan_posts("sim")
    sim.publish("Cllr Jane Smith opened the new play park. Vote for Labour's plan on polling day!")
    sim.publish("The recycling centre is closed on Sunday.")
    assert app.moderator.scan_posts("sim").warnings == 1
    [review] = _warnings(app)
    [finding] = review.item.findings
    assert finding.ground == "pre_election" and review.actions == []
    assert [s["text"] for s in finding.spans] == ["Cllr Jane Smith", "Vote for", "Labour", "polling day"]
    assert "names Cllr Jane Smith" in finding.explanation and "20 October 2026" in finding.explanation
    assert finding.clauses == ["3.14"]  # the council's own policy (Pershore's, here)
    assert app.moderator.scan_posts("sim").warnings == 0  # each post is checked once
    with app.sessions() as s:
        post = s.execute(select(q.CouncilPost).where(q.CouncilPost.election_review_id.is_not(None))).scalar_one()
        assert post.election_review_id == review.id


def test_candidates_and_bare_names_are_recognised(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="mastodon", **PERIOD)
    app.moderator.scan_posts("sim")
    sim.publish("Thanks to Jane Smith and Priya Patel for their help at the fun day.")
    app.moderator.scan_posts("sim")
    [review] = _warnings(app)
    assert [s["text"] for s in review.item.findings[0].spans] == ["Jane Smith", "Priya Patel"]


def test_outside_the_period_nothing_is_flagged(tmp_path: Path) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky", **{**PERIOD, "election.to": "2026-11-01"})
    app.moderator.scan_posts("sim")
    sim.publish("Cllr Jane Smith says: vote for the Green Party")
    assert app.moderator.scan_posts("sim").warnings == 0 and _warnings(app) == []


def test_a_period_set_on_the_command_line_counts_and_is_audited(tmp_path: Path, capsys) -> None:
    clock = FakeClock()
    app, sim = quiet_app(tmp_path, clock, simulates="bluesky")
    config = tmp_path / "modbot.yaml"
    doc = {**BASE_CONFIG, "data_dir": str(tmp_path / "data"), "database_url": app.settings.database_url}
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(["--config", str(config), "election", "set", "--from", "2026-11-01", "--to", "2026-11-30"]) == 0
    assert "1 November 2026 to polling day, 30 November 2026" in capsys.readouterr().out
    app.moderator.scan_posts("sim")
    sim.publish("Our manifesto for the town")
    assert app.moderator.scan_posts("sim").warnings == 1
    assert [e.details for e in audit_events(app, "election.set")] == [{"from": "2026-11-01", "to": "2026-11-30"}]
    assert main(["--config", str(config), "election", "show"]) == 0
    assert "(from the command line)" in capsys.readouterr().out
    assert main(["--config", str(config), "election", "clear"]) == 0
    sim.publish("Our manifesto, again")
    assert app.moderator.scan_posts("sim").warnings == 0


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-13-01", "--to", "2026-11-30"], "--from must be a date"),
    (["--from", "2026-11-30", "--to", "2026-11-01"], "is before --from"),
])
def test_bad_dates_on_the_command_line_are_named(tmp_path: Path, capsys, args, message) -> None:
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump({**BASE_CONFIG, "data_dir": str(tmp_path)}), encoding="utf-8")
    assert main(["--config", str(config), "election", "set", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("overrides", "key", "message"), [
    ({"election.from": "1 April"}, "election.from", "YYYY-MM-DD"),
    ({"election.from": "2027-04-01"}, "election.to", "give both"),
    ({"election.from": "2027-04-01", "election.to": "2027-03-01"}, "election.to", "is before"),
    ({"pile_on.newcomer_share": 1.5}, "pile_on.newcomer_share", "at most 1"),
    ({"pile_on.limit_to": "everyone"}, "pile_on.limit_to", "must be one of"),
])
def test_malformed_settings_name_the_key(tmp_path: Path, overrides, key, message) -> None:
    with pytest.raises(ConfigError) as caught:
        make_settings(tmp_path, **overrides)
    assert any(k == key and message in msg for k, msg in caught.value.problems), caught.value.problems


def test_reply_policy_is_checked_per_account(tmp_path: Path) -> None:
    account = {"name": "sim", "platform": "simulated", "handle": "@c@x.example", "reply_policy": "friends"}
    with pytest.raises(ConfigError) as caught:
        make_settings(tmp_path, accounts=[account])
    assert caught.value.problems[0][0] == "accounts[0].reply_policy"


def test_yaml_dates_are_read_as_dates(tmp_path: Path) -> None:
    doc = yaml.safe_load("election:\n  from: 2027-04-01\n  to: 2027-05-06\n")
    period = {"election.from": doc["election"]["from"], "election.to": doc["election"]["to"]}
    settings = make_settings(tmp_path, **period)
    assert (settings.get("election.from"), settings.get("election.to")) == ("2027-04-01", "2027-05-06")
