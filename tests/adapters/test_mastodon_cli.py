"""``modbot account add mastodon`` and ``modbot account check`` against a fake server."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from bot.cli import main
from bot.cli.account_mastodon import SCOPES, granted
from tests.adapters.fixtures.mastodon.fake_server import BASE, FakeMastodon, load

CONFIG = """\
council:
  name: Thornbury Town Council
  email: office@thornburytowncouncil.gov.uk
  phone: "01454 412103"
  website: https://www.thornburytowncouncil.gov.uk
accounts:
  - name: mastodon
    platform: mastodon
    handle: "@thornburytc@social.example.gov.uk"
    server_url: {base}
    token_env: MODBOT_TEST_MASTODON_TOKEN
"""


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "modbot.yaml"
    path.write_text(CONFIG.format(base=BASE), encoding="utf-8")
    monkeypatch.setenv("MODBOT_TEST_MASTODON_TOKEN", "token-abc")
    return str(path)


@pytest.fixture
def fake() -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeMastodon(rsps)


def test_account_check_passes_with_every_permission(fake: FakeMastodon, config: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", config, "account", "check"]) == 0
    out = capsys.readouterr().out
    assert "signed in as @thornburytc" in out and "Mastodon 4.5.0" in out
    assert "permissions: all present" in out
    assert "note: Mastodon filters notifications from private mentions" in out


def test_account_check_names_missing_permissions(fake: FakeMastodon, config: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    real_route = fake._route

    def narrow(method: str, path: str, *args: Any) -> tuple[int, Any]:
        if path == "/api/v1/apps/verify_credentials":
            return 200, {"id": "12", "name": "council-modbot", "scopes": ["read", "write:statuses"]}
        return real_route(method, path, *args)

    fake._route = narrow  # type: ignore[method-assign,assignment]
    assert main(["--config", config, "account", "check"]) == 1
    out = capsys.readouterr().out
    assert "MISSING permissions: write:blocks write:mutes write:reports write:follows" in out
    assert "read:accounts" not in out.split("MISSING")[1]


def test_account_check_reports_a_revoked_token(fake: FakeMastodon, config: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    real_route = fake._route

    def revoked(method: str, path: str, *args: Any) -> tuple[int, Any]:
        if path == "/api/v1/accounts/verify_credentials":
            return 401, {"error": "The access token was revoked"}
        return real_route(method, path, *args)

    fake._route = revoked  # type: ignore[method-assign,assignment]
    assert main(["--config", config, "account", "check"]) == 1
    assert "FAILED: The account's login or token no longer works." in capsys.readouterr().out


def test_account_check_of_an_unknown_account_is_a_usage_error(config: str) -> None:
    assert main(["--config", config, "account", "check", "--account", "nope"]) == 2


def test_account_add_mastodon_saves_the_token_owner_only(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    token_file = tmp_path / "secrets" / "mastodon-token"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        apps = rsps.post(f"{BASE}/api/v1/apps", json={
            "id": "12", "name": "council-modbot", "website": None, "scopes": list(SCOPES),
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "redirect_uris": ["urn:ietf:wg:oauth:2.0:oob"],
            "client_id": "cid", "client_secret": "csecret"})
        rsps.get(f"{BASE}/.well-known/oauth-authorization-server", json={
            "issuer": f"{BASE}/", "authorization_endpoint": f"{BASE}/oauth/authorize",
            "token_endpoint": f"{BASE}/oauth/token", "scopes_supported": list(SCOPES),
            "grant_types_supported": ["authorization_code", "client_credentials"]})
        instance = load("instance_v2")  # log_in() reads the server's version afterwards
        rsps.get(f"{BASE}/api/v1/instance/", json={"uri": "social.example.gov.uk", "version": "4.5.0"})
        rsps.get(f"{BASE}/api/v2/instance/", json=instance)
        token = rsps.post(f"{BASE}/oauth/token", json={
            "access_token": "very-secret-token", "token_type": "Bearer", "scope": " ".join(SCOPES),
            "created_at": 1748858400})
        status = main(["account", "add", "mastodon", "--server", BASE, "--code", "abc123",
                       "--token-file", str(token_file), "--env-name", "MODBOT_MASTODON_TOKEN"])
        assert status == 0
        assert " ".join(SCOPES) in (apps.calls[0].request.body or "").replace("+", " ").replace("%3A", ":")
        assert "code=abc123" in (token.calls[0].request.body or "")
    out = capsys.readouterr().out
    assert f"MODBOT_MASTODON_TOKEN_FILE={token_file}" in out
    assert "/oauth/authorize?" in out and "AS THE COUNCIL'S ACCOUNT" in out
    assert "very-secret-token" not in out
    assert token_file.read_text() == "very-secret-token\n"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600


def test_account_add_reports_a_refusal_and_saves_nothing(tmp_path: Path) -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(f"{BASE}/api/v1/apps", body=ConnectionError("no route to host"))
        status = main(["account", "add", "mastodon", "--server", BASE, "--code", "x",
                       "--token-file", str(tmp_path / "t")])
    assert status == 1
    assert not (tmp_path / "t").exists()


def test_read_and_write_groups_include_their_scopes() -> None:
    assert granted(["read", "write"]) >= set(SCOPES)
    assert "write:blocks" not in granted(["read", "write:statuses"])
