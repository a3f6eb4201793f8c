"""The transformer tier inside the service: a poll's findings stored with the model's
SHA-256 (SQLite and PostgreSQL), old findings migrated, and replay comparing tiers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.bootstrap import build_app
from bot.policy import load_engine
from bot.policy.evaluation import EXAMPLE_COUNCIL
from bot.policy.replay import replay_stored
from bot.policy.transformer_compare import compare, summary
from bot.storage import models as m
from bot.storage.db import make_engine, migrate, transaction
from tests.evidence.helpers import domain_item, ingest
from tests.policy.test_replay import seed
from tests.support import make_settings

REPO = Path(__file__).resolve().parents[2]


def transformer_rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(json.dumps({"extends": str(REPO / "config" / "rules.yaml"),
                                "classifier": {"tier": "transformer"}}), encoding="utf-8")
    return path


def test_poll_findings_are_stored_with_the_model_that_scored_them(db_url, tmp_path, clock):
    from adapters.simulated import SimulatedAdapter

    settings = make_settings(tmp_path / "data", db_url, rules_file=str(transformer_rules(tmp_path)))
    adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json",
                               council_name=settings.council.name, initial=0, total=0, clock=clock)
    app = build_app(settings, adapters={"sim": adapter}, run_migrations=False, clock=clock)
    try:
        assert app.moderator.engine.classifier.tier == "transformer"
        texts = ["WIN a FREE iPhone!!! Click the link in my bio bit.ly/x", "you absolute numpty",
                 "Thank you for fixing the streetlight on Castle Street."]
        ingest(app, [domain_item(i, t, clock.now, author_id=f"a{i}") for i, t in enumerate(texts)], clock.now)
        with transaction(app.sessions) as s:
            rows = {r.rule_id: r.model_sha256 for r in s.scalars(select(m.Finding))}
    finally:
        app.close()
    classifier = app.moderator.engine.classifier
    assert rows["spam"] == f"{classifier.sha256} {classifier.spam.sha256}"  # both files that scored it
    assert rows["insult"] is None


def test_findings_stored_before_the_upgrade_are_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0007")
    engine = sa.create_engine(url)
    now = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO accounts (name, platform, handle, server_url, created_at, consecutive_failures, "
            "auth_failed, warnings, last_poll_requests) VALUES ('sim', 'simulated', '@c@x', '', :t, 0, 0, '[]', 0)"),
            {"t": now})
        conn.execute(sa.text(
            "INSERT INTO authors (platform, remote_id, handle, display_name, is_bot, first_seen_at, last_seen_at) "
            "VALUES ('simulated', 'a', 'a@x', 'A', 0, :t, :t)"), {"t": now})
        conn.execute(sa.text(
            "INSERT INTO items (account_id, remote_id, kind, author_id, author_snapshot, text, html, url, created_at,"
            " captured_at, context_text, meta, raw, raw_sha256, flagged, legal_hold) VALUES (1, 'r1', 'reply', 1, "
            "'{}', 'old post', '', '', :t, :t, '', '{}', '{}', :h, 1, 0)"), {"t": now, "h": "0" * 64})
        conn.execute(sa.text(
            "INSERT INTO findings (item_id, rule_id, ground, severity, clauses, spans, explanation, "
            "proposed_actions, police_referral, created_at) VALUES (1, 'insult', 'harassment', 1, '[]', '[]', "
            "'The post contains an insult.', '[]', 0, :t)"), {"t": now})
    engine.dispose()
    migrate(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT rule_id, explanation, model_sha256 FROM findings")).one()
    engine.dispose()
    assert tuple(row) == ("insult", "The post contains an insult.", None)


def test_replay_compares_the_two_tiers_without_writing(tmp_path):
    url = f"sqlite:///{tmp_path / 'modbot.db'}"
    seed(url)
    settings = SimpleNamespace(database_url=url, council=EXAMPLE_COUNCIL)
    since = datetime.now(UTC) - timedelta(days=30)
    standard = replay_stored(settings, load_engine(tier="standard"), since)
    transformer = replay_stored(settings, load_engine(tier="transformer"), since)
    differences = compare(standard, transformer)
    assert {d.item_id for d in differences} == {s.item_id for s, t in zip(standard, transformer, strict=True)
                                                if s.after != t.after}
    text = summary(standard, transformer, differences)
    assert text.startswith("3 stored post(s)") and "Nothing was changed" in text
    engine = make_engine(url)
    with Session(engine) as s:
        assert s.scalar(select(sa.func.count(m.Finding.id))) == 1  # the seeded finding only
    engine.dispose()
