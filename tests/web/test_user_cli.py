"""``modbot user add|list|disable`` and the users page for the clerk."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.bootstrap import App
from bot.cli import main
from bot.storage import models as m
from bot.storage.db import migrate
from bot.users import password_matches
from tests.support import BASE_CONFIG, FakeClock
from tests.web.conftest import add_person, csrf_of, sign_in


@pytest.fixture
def config(tmp_path: Path) -> Path:
    doc = dict(BASE_CONFIG, data_dir=str(tmp_path / "data"), database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    path = tmp_path / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    migrate(doc["database_url"])
    return path


def test_user_add_prints_secrets_once_and_stores_hashes(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "user", "add", "jo", "--role", "clerk", "--reason", "first clerk"]) == 0
    out = capsys.readouterr().out
    password = out.split("Password (shown once): ")[1].split()[0]
    secret = out.split("authenticator app: ")[1].split()[0]
    assert "otpauth://totp/" in out and out.count("\n  ") == 10
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{config.parent / 'cli.db'}")
    with engine.connect() as conn:
        row = conn.execute(select(m.User.password_hash, m.User.totp_secret, m.User.recovery_codes)).one()
        events = conn.execute(select(m.AuditEvent.event, m.AuditEvent.actor)).all()
    engine.dispose()
    assert password not in row.password_hash and row.password_hash.startswith("$argon2id$")
    assert password_matches(row.password_hash, password) and row.totp_secret == secret
    assert ("user.created", "cli") in events
    assert pyotp.TOTP(secret).now().isdigit()


def test_user_add_with_password_file_list_and_disable(config: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    assert main(["--config", str(config), "user", "add", "boss", "--role", "clerk", "--password-file", str(pw)]) == 0
    assert "Password (shown once)" not in capsys.readouterr().out
    assert main(["--config", str(config), "user", "add", "dep", "--role", "deputy"]) == 0
    assert main(["--config", str(config), "user", "add", "dep", "--role", "deputy"]) == 2  # already there
    with pytest.raises(SystemExit) as no_such_role:
        main(["--config", str(config), "user", "add", "cllr", "--role", "councillor"])
    assert no_such_role.value.code == 2
    capsys.readouterr()
    assert main(["--config", str(config), "user", "disable", "dep", "--reason", "left"]) == 0
    assert main(["--config", str(config), "user", "disable", "boss"]) == 2  # the last clerk stays
    capsys.readouterr()
    assert main(["--config", str(config), "user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "boss" in listing and "dep " in listing and " no " in listing


def test_clerk_adds_and_withdraws_a_delegate_on_the_users_page(app: App, signed_in: FlaskClient) -> None:
    token = csrf_of(signed_in, "/users")
    refused = signed_in.post("/users/add", data={"csrf_token": token, "name": "helper", "role": "delegate"})
    assert refused.status_code == 400  # a reason is needed
    r = signed_in.post("/users/add", data={"csrf_token": token, "name": "helper", "role": "delegate",
                                           "reason": "covering the clerk's leave in August"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "will not be shown again" in page
    r = signed_in.post("/users/helper/change", data={"csrf_token": token, "what": "disable", "reason": "leave over"})
    assert r.status_code == 302
    r = signed_in.post("/users/clerk/change", data={"csrf_token": token, "what": "disable", "reason": "oops"})
    assert r.status_code == 400  # not yourself
    with app.sessions() as s:
        helper = s.execute(select(m.User).where(m.User.name == "helper")).scalar_one()
        events = [e for e, in s.execute(select(m.AuditEvent.event).where(m.AuditEvent.subject_id == "helper"))]
    assert not helper.active and helper.recovery_codes == [] and not helper.totp_confirmed
    assert events == ["user.created", "user.disabled"]
    audit = signed_in.get("/audit?subject=helper").get_data(as_text=True)
    assert "covering the clerk&#39;s leave in August" in audit and "leave over" in audit


def test_user_sign_out_ends_every_session_from_the_cli(app: App, web: Flask, db_url: str, tmp_path: Path,
                                                      clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    doc = dict(BASE_CONFIG, data_dir=str(tmp_path / "cli-data"), database_url=db_url)
    config = tmp_path / "cli.yaml"
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    jo, other = add_person(app, "jo", "clerk"), add_person(app, "sam", "deputy")
    phone, laptop, sams = web.test_client(), web.test_client(), web.test_client()
    for client, person in ((phone, jo), (laptop, jo), (sams, other)):
        sign_in(client, person, clock)
        assert client.get("/").status_code == 200
    assert main(["--config", str(config), "user", "sign-out", "jo", "--reason", "phone lost"]) == 0
    assert "User jo signed out everywhere: 2 browsers signed out." in capsys.readouterr().out
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302  # back to sign-in
    assert sams.get("/").status_code == 200  # nobody else is signed out
    with app.sessions() as s:
        ended = s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "user.sessions_ended")).scalar_one()
    assert (ended.actor, ended.subject_id, ended.details) == ("cli", "jo", {"sessions": 2, "reason": "phone lost"})
    assert main(["--config", str(config), "user", "sign-out", "jo"]) == 0  # nothing left: still recorded
    assert "0 browsers signed out" in capsys.readouterr().out
    assert main(["--config", str(config), "user", "sign-out", "nobody"]) == 2
    assert "there is no user called nobody" in capsys.readouterr().err
    with app.sessions() as s:
        assert len(s.execute(select(m.AuditEvent).where(m.AuditEvent.event == "user.sessions_ended")).all()) == 2
