"""The evidence and data-protection commands, end to end on a real settings file."""

from __future__ import annotations

import copy
import stat
import zipfile
from pathlib import Path

import pytest
import yaml
from sqlalchemy import update

from bot.bootstrap import App
from bot.cli import main
from bot.storage import models as m
from bot.storage.db import transaction
from tests.evidence.helpers import flagged_item_ids
from tests.support import BASE_CONFIG


def write_config(tmp_path: Path, app: App) -> str:
    doc = copy.deepcopy(BASE_CONFIG)
    doc.update(data_dir=str(app.settings.data_dir), database_url=app.settings.database_url)
    path = tmp_path / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def config(app: App, tmp_path: Path) -> str:
    app.moderator.poll("sim")
    return write_config(tmp_path, app)


def test_audit_verify_passes_then_names_the_tampered_item(app: App, config: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", config, "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("OK: the record is unaltered")
    target = flagged_item_ids(app)[0]
    with transaction(app.sessions) as s:
        s.execute(update(m.Item).where(m.Item.id == target).values(text="edited"))
    assert main(["--config", config, "audit", "verify"]) == 1
    assert f"BROKEN: item {target}" in capsys.readouterr().out


def test_evidence_export_writes_an_owner_only_zip(app: App, config: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    items = [str(i) for i in flagged_item_ids(app)[:2]]
    out = tmp_path / "pack.zip"
    assert main(["--config", config, "evidence", "export", *items, "--out", str(out), "--by", "clerk"]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as zf:
        assert {"summary.pdf", "manifest.json", "SHA256SUMS", f"items/{items[0]}/snapshot.pdf"} <= set(zf.namelist())
    assert "SHA-256 of the pack" in capsys.readouterr().out
    assert main(["--config", config, "evidence", "export", "99999", "--out", str(out)]) == 1


def test_hold_retention_and_subject_commands(app: App, config: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = flagged_item_ids(app)[0]
    assert main(["--config", config, "hold", "set", str(target), "--reason", "police ref 9/876"]) == 0
    with app.sessions() as s:
        item = s.get(m.Item, target)
        assert item is not None and item.legal_hold and item.legal_hold_reason == "police ref 9/876"
        handle = item.author.handle
    assert main(["--config", config, "retention", "run", "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert main(["--config", config, "subject", "export", handle, "--out", str(tmp_path / "sar")]) == 0
    assert (tmp_path / "sar" / "subject.html").is_file()
    assert main(["--config", config, "subject", "erase", handle]) == 0
    assert "Nothing was erased" in capsys.readouterr().out
    assert main(["--config", config, "subject", "erase", handle, "--yes"]) == 0
    assert f"item {target} was KEPT" in capsys.readouterr().out
    assert main(["--config", config, "hold", "release", str(target), "--reason", "case closed"]) == 0
    assert main(["--config", config, "hold", "release", str(target)]) == 1  # no longer held


def test_hold_needs_a_reason(config: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--config", config, "hold", "set", "1"])
    assert exc.value.code == 2


def test_unmigrated_database_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(BASE_CONFIG)
    doc.update(data_dir=str(tmp_path / "data"), database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(["--config", str(path), "audit", "verify"]) == 2
    assert "modbot migrate" in capsys.readouterr().err
