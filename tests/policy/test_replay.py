"""Shadow mode: re-running the rules on stored items reports what would change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy.orm import Session

from bot.policy import load_engine
from bot.policy.evaluation import EXAMPLE_COUNCIL
from bot.policy.replay import replay_stored
from bot.storage import models
from bot.storage.db import make_engine


@contextmanager
def one_author(url: str) -> Iterator[tuple[Session, models.Account, models.Author]]:
    """A new database with one account and one author, and a session on it."""
    db = make_engine(url)
    models.Base.metadata.create_all(db)
    try:
        with Session(db) as s:
            account = models.Account(name="sim", platform="simulated", handle="@council@x")
            author = models.Author(platform="simulated", remote_id="a1", handle="bob@x")
            s.add_all([account, author])
            s.flush()
            yield s, account, author
    finally:
        db.dispose()


def seed(url: str) -> None:
    now = datetime.now(UTC)
    with one_author(url) as (s, account, author):
        texts = ["you absolute numpty", "lovely fete", "fuck this load of rubbish"]
        for i, text in enumerate(texts):
            item = models.Item(
                account_id=account.id, remote_id=f"r{i}", kind="reply", author_id=author.id,
                author_snapshot={"remote_id": "a1", "handle": "bob@x"}, text=text,
                created_at=now, captured_at=now - timedelta(days=i), raw="{}", raw_sha256="0" * 64,
            )
            s.add(item)
            s.flush()
            if i == 1:  # stored with a finding the current rules no longer make
                s.add(models.Finding(item_id=item.id, rule_id="old_rule", ground="spam",
                                     severity=2, explanation="old"))
        s.commit()


def test_replay_reports_changes_without_writing(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'modbot.db'}"
    seed(url)
    settings = SimpleNamespace(database_url=url, council=EXAMPLE_COUNCIL)
    engine = load_engine(classifier=False)
    changes = replay_stored(settings, engine, datetime.now(UTC) - timedelta(days=30))
    kinds = {c.item_id: c.kind for c in changes}
    assert sorted(kinds.values()) == ["newly flagged", "newly flagged", "no longer flagged"]
    assert any("+ insult" in c.describe() for c in changes)
    again = replay_stored(settings, engine, datetime.now(UTC) - timedelta(days=30))
    assert [c.kind for c in again] == [c.kind for c in changes]


def test_replay_counts_the_same_text_from_other_authors_like_the_core(tmp_path):
    """Three accounts posting one promotion within a day make it spam on replay, as at ingest."""
    url = f"sqlite:///{tmp_path / 'modbot.db'}"
    db = make_engine(url)
    models.Base.metadata.create_all(db)
    now = datetime.now(UTC)
    promo = "Good news for residents, 20% off at our shop today"
    with Session(db) as s:
        account = models.Account(name="sim", platform="simulated", handle="@council@x")
        authors = [models.Author(platform="simulated", remote_id=f"a{i}", handle=f"u{i}@x")
                   for i in range(4)]
        s.add_all([account, *authors])
        s.flush()
        posts = [  # (author, text, captured how long ago)
            (0, promo, timedelta(hours=3)), (1, promo, timedelta(hours=2)),
            (2, promo, timedelta(hours=1)), (3, promo, timedelta(days=5)),
        ]
        for i, (who, text, ago) in enumerate(posts):
            s.add(models.Item(
                account_id=account.id, remote_id=f"r{i}", kind="reply", author_id=authors[who].id,
                author_snapshot={"remote_id": f"a{who}", "handle": f"u{who}@x"}, text=text,
                created_at=now - ago, captured_at=now - ago, raw="{}", raw_sha256="0" * 64,
            ))
        s.commit()
    db.dispose()
    settings = SimpleNamespace(database_url=url, council=EXAMPLE_COUNCIL)
    changes = replay_stored(settings, load_engine(classifier=False), now - timedelta(days=30))
    spam = sorted(c.item_id for c in changes if "spam" in c.after)
    # Only the third post had two *other* authors (a0, a1) in the day before it;
    # the first had none, the second one, and the post five days earlier none.
    assert spam == [3]


def test_same_text_ignores_short_texts_and_the_author_themself(tmp_path):
    from bot.policy.replay import SameText

    now = datetime.now(UTC)
    with one_author(f"sqlite:///{tmp_path / 'modbot.db'}") as (s, account, author):
        long_text = "the same long text again!!"
        for i, text in enumerate(["thank you", "thank you", long_text, long_text]):
            s.add(models.Item(
                account_id=account.id, remote_id=f"r{i}", kind="reply", author_id=author.id,
                author_snapshot={}, text=text, created_at=now, captured_at=now, raw="{}",
                raw_sha256="0" * 64,
            ))
        s.commit()
        same = SameText(s, ["thank you", "the same long text again!!"], now - timedelta(days=1))
        assert same.others("thank you", "zz", now) == 0
        assert same.others("the same long text again!!", "a1", now) == 0
        assert same.others("the same long text again!!", "zz", now) == 1
