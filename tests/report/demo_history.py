"""A year of realistic moderation history, for the demo month's summary in the docs.

    .venv/bin/python -m tests.report.demo_history --config config/demo.yaml
    .venv/bin/modbot --config config/demo.yaml report --month 2026-10

Residents' civil posts follow the simulated platform's script, with two topics that
rise in October 2026 (a planning application on Morton Way and parking on High
Street), so the themes section has something true to find. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime

from adapters.simulated.traffic import CIVIL, DMS, FLAGGED, RESIDENTS, TROUBLEMAKERS
from bot.report.months import Month
from bot.settings import load_settings
from bot.storage.db import make_engine, make_session_factory, migrate, transaction
from tests.report.seed import Decision, Flag, Seeder

DEMO_MONTH = Month(2026, 10)
RISING = (
    "The planning application for 40 houses on Morton Way will swamp the school. Where do we object?",
    "Morton Way planning application: when does the consultation close?",
    "Please oppose the Morton Way planning application, the lane floods already.",
    "Will the planning committee meet in public about Morton Way?",
    "Parking on High Street outside the chemist is dangerous again.",
    "High Street parking at school pick-up time is chaos, please ask for enforcement.",
)
RULES = {"harassment": ("insult_words", 2), "threat": ("threat_of_violence", 3), "hate": ("hate_words", 3),
         "obscene": ("obscene_words", 2), "personal_data": ("uk_personal_data", 2), "spam": ("spam_links", 1),
         "off_topic": ("off_topic_links", 1), "defamation": ("defamation_claims", 2)}
ACTIONS = {1: ["hide_reply", "block"], 2: ["hide_reply", "mute"], 3: ["hide_reply", "block", "report"]}


def seed_history(sd: Seeder, rng: random.Random, end: Month = DEMO_MONTH) -> None:
    for index, month in enumerate(end.last(12)):
        volume = 120 + 12 * index + rng.randint(-15, 15)
        for _ in range(volume):
            at = month.start + (month.end - month.start) * rng.random()
            _one(sd, rng, at, rising=month == end)


def _one(sd: Seeder, rng: random.Random, at: datetime, rising: bool) -> None:
    platform = "mastodon" if rng.random() < 0.6 else "bluesky"
    roll = rng.random()
    handle = rng.choice(RESIDENTS)[0]
    if roll < 0.1:
        sd.item(at, rng.choice(DMS), platform=platform, kind="dm", author=handle,
                dm_reply="sent" if rng.random() < 0.8 else "suppressed")
    elif roll < 0.25:
        _flagged(sd, rng, at, platform)
    else:
        text = rng.choice(RISING) if rising and rng.random() < 0.3 else rng.choice(CIVIL)
        sd.item(at, text, platform=platform, kind=rng.choice(("reply", "reply", "reply", "mention", "quote")),
                author=handle)


def _flagged(sd: Seeder, rng: random.Random, at: datetime, platform: str) -> None:
    ground, text = rng.choice(FLAGGED)
    rule_id, severity = RULES[ground]
    author = rng.choice(TROUBLEMAKERS if rng.random() < 0.6 else RESIDENTS)[0]
    flag = Flag(rule_id, ground, severity, police=severity == 3)
    decision = None
    if at < datetime(2026, 10, 30, tzinfo=UTC):
        approve = rng.random() < (0.6 if ground == "off_topic" else 0.88)
        hours = min(rng.lognormvariate(1.2, 0.9), 60)
        done = [(k, "done" if rng.random() < 0.93 else "failed") for k in ACTIONS[severity]] if approve else []
        decision = Decision("approved" if approve else "rejected", hours,
                            police_referral=approve and severity == 3 and rng.random() < 0.5, actions=done)
    sd.item(at, text, platform=platform, kind=rng.choice(("reply", "reply", "mention", "quote")), author=author,
            flags=(flag,), decision=decision)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    settings = load_settings(args.config)
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    with transaction(make_session_factory(engine)) as s:
        seed_history(Seeder(s), random.Random(7))
    engine.dispose()
    print(f"seeded twelve months up to {DEMO_MONTH.label} into {settings.database_url}")


if __name__ == "__main__":
    main()
