"""A database with a known October 2026 (BST ends on 25 October) and a known September."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from bot.storage.db import make_engine, make_session_factory, migrate, transaction
from tests.report.seed import Decision, Flag, Seeder
from tests.support import make_settings, utc

THREAT_TEXT = "If you show up at the meeting I will kill you, I know where you live"
HATE_TEXT = "Send them all back, they are vermin"
INSULT_TEXT = "You're a complete numpty, resign"
FLAGGED_TEXTS = (THREAT_TEXT, HATE_TEXT, INSULT_TEXT, "What a plonker", "Cheap sunglasses www.cheap.example")
DM_TEXT = "My name is Ann Jones, 07700 900456, please call me about the grave plot"
OFFENDERS = ("angry_andy", "resident_bob", "spamdeals_ltd", "troll_tom")
CIVIL_AUTHORS = ("resident_ann", "carol_k", "dave1972", "emma_walks", "frank_b", "gill_m")


def seed_september(sd: Seeder) -> None:
    # 30 Sep 22:59 UTC is 23:59 BST: still September in the UK.
    sd.item(utc(2026, 9, 30, 22, 59), "Are the bins being collected on the bank holiday?", author="carol_k")
    sd.item(utc(2026, 9, 10, 9), "The bins were missed again on Bath Road", author="dave1972")
    sd.item(utc(2026, 9, 12, 9), "Thank you for fixing the bins rota", author="emma_walks")
    sd.item(utc(2026, 9, 14, 9), "Lovely photos of the market", author="frank_b", kind="mention")
    sd.item(
        utc(2026, 9, 20, 9),
        "What a plonker",
        author="angry_andy",
        flags=(Flag("insult_words", "harassment", 2),),
        decision=Decision("approved", 6, actions=[("hide_reply", "done")]),
    )
    sd.item(utc(2026, 8, 20, 9), "Bins on Castle Street overflowing", author="gill_m")


def seed_october(sd: Seeder) -> None:
    """Known counts: see tests/report/test_figures.py for every expected number."""
    civil = [
        # (when, text, platform, kind, author)
        (
            utc(2026, 9, 30, 23, 30),
            "Parking on High Street is getting dangerous at school time",
            "mastodon",
            "reply",
            "resident_ann",
        ),
        (utc(2026, 10, 3, 9), "Please do something about parking on High Street", "mastodon", "reply", "carol_k"),
        (utc(2026, 10, 5, 9), "Parking on High Street blocked the bus again", "mastodon", "reply", "dave1972"),
        (utc(2026, 10, 8, 9), "Parking on High Street near the chemist is chaos", "mastodon", "reply", "emma_walks"),
        (utc(2026, 10, 9, 9), "When is the next full council meeting?", "mastodon", "reply", "frank_b"),
        (utc(2026, 10, 31, 23, 59), "The streetlight on Gloucester Road is out", "mastodon", "reply", "gill_m"),
        (utc(2026, 10, 11, 9), "Thank you for the Christmas lights plans", "mastodon", "mention", "resident_ann"),
        (utc(2026, 10, 12, 9), "Is the library open on Saturday?", "mastodon", "mention", "carol_k"),
        (utc(2026, 10, 13, 9), "Great market photos @someone@else.example", "bluesky", "quote", "dave1972"),
        (utc(2026, 10, 26, 9), "Parking on High Street again this morning", "bluesky", "reply", "frank_b"),
        (utc(2026, 10, 27, 9), "Any update on the flooding by the river path?", "bluesky", "reply", "gill_m"),
        (utc(2026, 10, 28, 9), "Well done to the litter pick volunteers", "bluesky", "reply", "emma_walks"),
    ]
    for when, text, platform, kind, author in civil:
        sd.item(when, text, platform=platform, kind=kind, author=author)
    sd.item(utc(2026, 10, 2, 9), DM_TEXT, kind="dm", author="resident_ann", dm_reply="sent")
    sd.item(
        utc(2026, 10, 2, 10), "Is the hall free on the 14th?", kind="dm", author="resident_ann", dm_reply="suppressed"
    )
    sd.item(
        utc(2026, 10, 4, 9),
        "Can I have an allotment form?",
        platform="bluesky",
        kind="dm",
        author="carol_k",
        dm_reply="sent",
    )
    threat = Flag("threat_of_violence", "threat", 3, police=True)
    insult = Flag("insult_words", "harassment", 2)
    sd.item(
        utc(2026, 10, 6, 12),
        THREAT_TEXT,
        author="angry_andy",
        flags=(threat,),
        decision=Decision(
            "approved",
            2,
            police_referral=True,
            actions=[("hide_reply", "done"), ("block", "done"), ("report", "failed")],
        ),
    )
    sd.item(
        utc(2026, 10, 7, 12),
        INSULT_TEXT,
        author="angry_andy",
        flags=(insult,),
        decision=Decision("approved", 4, actions=[("hide_reply", "done"), ("mute", "done")]),
    )
    sd.item(
        utc(2026, 10, 15, 12),
        "You plonker, the bins were late",
        platform="bluesky",
        kind="mention",
        author="resident_bob",
        flags=(insult,),
        decision=Decision("rejected", 1),
    )
    sd.item(
        utc(2026, 10, 20, 12),
        "Cheap sunglasses www.cheap.example",
        platform="bluesky",
        author="spamdeals_ltd",
        flags=(Flag("spam_links", "spam", 1), Flag("off_topic_links", "off_topic", 1)),
        decision=Decision("approved", 10, actions=[("block", "approved")]),
    )
    sd.item(
        utc(2026, 10, 30, 12),
        HATE_TEXT,
        kind="quote",
        author="troll_tom",
        flags=(Flag("hate_words", "hate", 3, police=True),),
    )
    # 1 Nov 00:00 UTC is midnight GMT: November, not in October's report.
    sd.item(utc(2026, 11, 1, 0, 0), "Parking on High Street in November", author="carol_k")


@dataclass
class ReportEnv:
    settings: Settings
    sessions: sessionmaker[Session]


def _env(db_url: str, tmp_path: Path) -> Iterator[ReportEnv]:
    settings = make_settings(tmp_path / "data", db_url, **{"web.public_url": "https://modbot.example.gov.uk"})
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    with transaction(sessions) as s:
        sd = Seeder(s)
        seed_september(sd)
        seed_october(sd)
    yield ReportEnv(settings, sessions)
    engine.dispose()


@pytest.fixture
def report_env(db_url: str, tmp_path: Path) -> Iterator[ReportEnv]:
    """The known database, on SQLite and on PostgreSQL."""
    yield from _env(db_url, tmp_path)


@pytest.fixture
def sqlite_report_env(tmp_path: Path) -> Iterator[ReportEnv]:
    """The known database on SQLite only, for checks of rendering that do not depend on the database."""
    url = f"sqlite:///{tmp_path / 'report.db'}"
    migrate(url)
    yield from _env(url, tmp_path)
