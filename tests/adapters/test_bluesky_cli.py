"""``modbot account add bluesky`` / ``account check`` helpers (bot/cli/account_bluesky.py)."""

from __future__ import annotations

import argparse
import stat
import sys

import pytest

import adapters.bluesky
from bot.cli import account_bluesky
from bot.domain import Platform
from bot.settings import AccountSettings
from tests.adapters.fixtures.bluesky.fake_pds import (
    COUNCIL_DID,
    COUNCIL_HANDLE,
    FakePds,
    logged_in,
    profile,
    xrpc_error,
)


@pytest.fixture
def fake(monkeypatch) -> FakePds:
    fake = FakePds()
    logged_in(fake)
    fake.on("app.bsky.actor.getProfile", profile(COUNCIL_DID, COUNCIL_HANDLE, name="Thornbury TC"))
    real = adapters.bluesky.BlueskyAdapter

    def with_fake_client(account, **kw):
        return real(account, client=fake.client(), **kw)

    monkeypatch.setattr(adapters.bluesky, "BlueskyAdapter", with_fake_client)
    monkeypatch.setattr(adapters.bluesky.adapter, "BlueskyAdapter", with_fake_client)
    return fake


def add_args(tmp_path, **over) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    account_bluesky.add_arguments(parser)
    args = parser.parse_args(["--handle", "@" + COUNCIL_HANDLE, "--data-dir", str(tmp_path / "data"),
                              "--app-password-env", "TEST_BSKY_PW"])
    args.config = str(tmp_path / "missing.yaml")
    for key, value in over.items():
        setattr(args, key, value)
    return args


def test_add_explains_app_passwords_logs_in_once_and_saves_only_the_session(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    assert account_bluesky.add(add_args(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "Allow access to your direct messages" in out and "app_password_env: TEST_BSKY_PW" in out
    assert "Direct messages: readable" in out
    session = tmp_path / "data" / "bluesky-bluesky.session"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert "abcd-efgh" not in "".join(p.read_text() for p in (tmp_path / "data").iterdir())
    assert len(fake.calls("com.atproto.server.createSession")) == 1


def test_add_without_a_password_in_a_script_is_a_usage_error(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.delenv("TEST_BSKY_PW", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert account_bluesky.add(add_args(tmp_path)) == 2
    assert "set TEST_BSKY_PW" in capsys.readouterr().err


def test_check_reports_missing_dm_access(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    fake.on("chat.bsky.convo.listConvos", xrpc_error(400, "InvalidToken", "Bad token method"))
    account = AccountSettings(name="bluesky", platform=Platform.BLUESKY, handle=COUNCIL_HANDLE,
                              server_url="https://pds.example", app_password_env="TEST_BSKY_PW")
    assert account_bluesky.check_account(account, sys.stdout, tmp_path) is False
    out = capsys.readouterr().out
    assert "Signed in to Bluesky as @thornburytc.bsky.social" in out
    assert "warning:" in out and "direct messages" in out


def test_check_without_a_data_dir_signs_in_afresh_and_passes(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    monkeypatch.delenv("MODBOT_CONFIG", raising=False)
    account = AccountSettings(name="bluesky", platform=Platform.BLUESKY, handle=COUNCIL_HANDLE,
                              server_url="https://pds.example", app_password_env="TEST_BSKY_PW")
    assert account_bluesky.check_account(account, sys.stdout) is True
    assert "Direct messages: readable" in capsys.readouterr().out


def test_the_account_command_offers_bluesky(tmp_path, fake, monkeypatch, capsys):
    from bot.cli import build_parser

    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    args = build_parser().parse_args(["--config", str(tmp_path / "none.yaml"), "account", "add", "bluesky",
                                      "--handle", COUNCIL_HANDLE, "--app-password-env", "TEST_BSKY_PW",
                                      "--data-dir", str(tmp_path / "d")])
    assert args.func(args) == 0


def test_check_passes_without_dm_access_when_read_dms_is_off(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    fake.on("chat.bsky.convo.listConvos", xrpc_error(400, "InvalidToken", "Bad token method"))
    account = AccountSettings(name="bluesky", platform=Platform.BLUESKY, handle=COUNCIL_HANDLE,
                              server_url="https://pds.example", app_password_env="TEST_BSKY_PW", read_dms=False)
    assert account_bluesky.check_account(account, sys.stdout, tmp_path) is True
    out = capsys.readouterr().out
    assert "Direct messages: not read (read_dms: false in the settings)" in out and "warning:" not in out
    assert not fake.calls("chat.bsky.convo.listConvos")


def test_the_settings_choose_the_moderation_and_chat_services(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("TEST_BSKY_PW", "abcd-efgh-ijkl-mnop")
    account = AccountSettings(name="bluesky", platform=Platform.BLUESKY, handle=COUNCIL_HANDLE,
                              server_url="https://pds.example", app_password_env="TEST_BSKY_PW",
                              moderation_service_did="did:plc:abcdefghijklmnopqrstuvwx",
                              chat_service_did="did:web:chat.example.org", read_dms=False)
    adapter = adapters.bluesky.build_adapter(account, tmp_path)
    assert adapter.actions.moderation_did == "did:plc:abcdefghijklmnopqrstuvwx"
    assert adapter.chat.chat_did == "did:web:chat.example.org" and adapter.reads_dms is False
