"""Upgrades keep every item and decision; a database from a newer release is refused.

Written over the revision list from Alembic's ``ScriptDirectory``, so each new
migration is covered by these tests without editing them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from bot.cli import main
from bot.storage.db import alembic_config, current_revision, head_revision
from tests.ops.helpers import populated_app, snapshot, write_config

SCRIPT = ScriptDirectory.from_config(alembic_config("sqlite://"))
REVISIONS = [r.revision for r in reversed(list(SCRIPT.walk_revisions()))]  # oldest first
OLDER = REVISIONS[:-1]


@pytest.fixture(scope="module")
def populated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("upgrade")
    app = populated_app(write_config(tmp), items=60)
    app.close()
    return tmp / "data" / "modbot.db"


def _copy(populated_db: Path, tmp_path: Path) -> tuple[Path, str]:
    import sqlite3
    from contextlib import closing

    db = tmp_path / "data" / "modbot.db"
    db.parent.mkdir(parents=True)
    with closing(sqlite3.connect(populated_db)) as src, closing(sqlite3.connect(db)) as dst:
        src.backup(dst)
    config = write_config(tmp_path)
    return config, f"sqlite:///{db}"


def test_the_migration_history_is_one_straight_line() -> None:
    assert len(SCRIPT.get_heads()) == 1, "two migration heads: merge them before release"
    assert REVISIONS[-1] == head_revision()
    for older, newer in zip(REVISIONS, REVISIONS[1:], strict=False):
        assert SCRIPT.get_revision(newer).down_revision == older


@pytest.mark.parametrize("revision", OLDER)
def test_upgrade_from_each_older_revision_keeps_the_record(populated_db: Path, tmp_path: Path,
                                                           revision: str) -> None:
    """A database left at an older release's schema comes up to head with every row intact."""
    config, url = _copy(populated_db, tmp_path)
    command.downgrade(alembic_config(url), revision)
    assert current_revision(url) == revision
    before = snapshot(url)
    assert before["items"] and before["review_items"]
    assert main(["--config", str(config), "migrate"]) == 0
    assert current_revision(url) == head_revision()
    after = snapshot(url)
    audit_before, audit_after = before.pop("audit_log"), after.pop("audit_log")
    assert {t: after[t] for t in before} == before
    # The audit log keeps every entry; a migration may only add its own, chained after them
    # (0003 records each decision it reclassified).
    assert audit_after[:len(audit_before)] == audit_before
    assert all(event == "review.reclassified" for _, event, _ in audit_after[len(audit_before):])


def test_migrating_an_up_to_date_database_changes_nothing(populated_db: Path, tmp_path: Path) -> None:
    config, url = _copy(populated_db, tmp_path)
    before = snapshot(url)
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "migrate"]) == 0
    assert snapshot(url) == before


def test_a_newer_database_is_refused_and_left_untouched(populated_db: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """After a downgrade of the software, the bot stops with a clear message instead of corrupting."""
    config, url = _copy(populated_db, tmp_path)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_from_a_newer_release'"))
    engine.dispose()
    before = snapshot(url)
    assert main(["--config", str(config), "migrate"]) == 1
    err = capsys.readouterr().err
    assert "newer release" in err and "restore a backup" in err
    assert snapshot(url) == before
    assert current_revision(url) == "ffff_from_a_newer_release"
