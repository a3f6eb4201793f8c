"""Shadow mode: re-running the rules on stored items reports what would change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy.orm import Session

from bot.policy import load_engine
from bot.policy.evaluation import EXAMPLE_COUNCIL
from bot.policy.replay import replay_stored
from bot.storage import models
from bot.storage.db import make_engine


def seed(url: str) -> None:
    db = make_engine(url)
    models.Base.metadata.create_all(db)
    now = datetime.now(UTC)
    with Session(db) as s:
        account = models.Account(name="sim", platform="simulated", handle="@council@x")
        author = models.Author(platform="simulated", remote_id="a1", handle="bob@x")
        s.add_all([account, author])
        s.flush()
        texts = ["you absolute numpty", "lovely fete", "what a load of shite"]
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
    db.dispose()


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
