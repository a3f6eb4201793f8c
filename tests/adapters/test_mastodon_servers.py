"""Server software from NodeInfo: Mastodon, GoToSocial 0.19, Akkoma; features gated on it.

The fake server (``fixtures/mastodon/servers/``) serves each software's own NodeInfo and
instance documents and answers the endpoints that software lacks with its own 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import responses

from adapters.mastodon import MastodonAdapter
from adapters.mastodon.server import Feature, from_instance, read_nodeinfo
from bot.cli import main
from bot.domain import ActionKind, ActionOrder
from tests.adapters.fixtures.mastodon.fake_server import BASE, FakeMastodon, account_settings, load_server
from tests.adapters.test_mastodon_cli import CONFIG

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "modbot.yaml"
    path.write_text(CONFIG.format(base=BASE), encoding="utf-8")
    monkeypatch.setenv("MODBOT_TEST_MASTODON_TOKEN", "token-abc")
    return str(path)


def adapter_on(rsps: responses.RequestsMock, software: str, version: str = "4.5.0") -> tuple[MastodonAdapter,
                                                                                              FakeMastodon]:
    fake = FakeMastodon(rsps, software=software, version=version)
    return MastodonAdapter(account_settings(), access_token="token-abc", now=lambda: NOW), fake


@pytest.mark.parametrize(("software", "version", "label", "source"), [
    ("mastodon", "4.5.0", "Mastodon 4.5.0", "nodeinfo"),
    ("mastodon", "4.2.10", "Mastodon 4.2.10", "nodeinfo"),
    ("gotosocial", "", "GoToSocial 0.19.2", "nodeinfo"),
    ("akkoma", "", "Akkoma 3.13.2", "nodeinfo"),
    ("", "4.4.1", "Mastodon 4.4.1", "instance"),  # no NodeInfo at all: the instance's version
])
def test_the_server_software_comes_from_nodeinfo(rsps: responses.RequestsMock, software: str, version: str,
                                                 label: str, source: str) -> None:
    adapter, _ = adapter_on(rsps, software, version or "4.5.0")
    assert (adapter.server.label, adapter.server.source) == (label, source)


def test_nodeinfo_prefers_the_2_1_document(rsps: responses.RequestsMock) -> None:
    fake = FakeMastodon(rsps, software="gotosocial")
    found = read_nodeinfo(requests.Session(), BASE, timeout=5)
    assert found is not None and found.name == "gotosocial"
    assert [c["path"] for c in fake.calls] == ["/.well-known/nodeinfo", "/nodeinfo/2.1"]


@pytest.mark.parametrize(("instance", "name", "version"), [
    ({"version": "2.7.2 (compatible; Akkoma 3.13.2)"}, "akkoma", "3.13.2"),
    ({"version": "2.7.2 (compatible; Pleroma 2.7.0)"}, "pleroma", "2.7.0"),
    (load_server("gotosocial", "instance_v2"), "gotosocial", "0.19.2"),
    ({"version": "4.3.8", "source_url": "https://github.com/mastodon/mastodon"}, "mastodon", "4.3.8"),
])
def test_without_nodeinfo_the_instance_version_is_read_carefully(instance: dict[str, str], name: str,
                                                                 version: str) -> None:
    software = from_instance(instance)
    assert (software.name, software.version_text) == (name, version)


def test_gotosocial_offers_only_what_it_has(rsps: responses.RequestsMock) -> None:
    adapter, fake = adapter_on(rsps, "gotosocial")
    fake.push_notification("notification_mention")
    assert len(adapter.fetch(None).items) == 1
    assert adapter.capabilities == {ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT,
                                    ActionKind.UNBLOCK, ActionKind.UNMUTE}
    assert not any("notifications/policy" in p or "notifications/requests" in p for p in fake.paths())
    assert adapter.server.version == (0, 19, 2) and not adapter.server.has(Feature.QUOTES)


def test_capabilities_before_the_server_is_known_are_the_common_ones(rsps: responses.RequestsMock) -> None:
    adapter, fake = adapter_on(rsps, "mastodon")
    assert adapter.capabilities == {ActionKind.BLOCK, ActionKind.MUTE, ActionKind.REPORT,
                                    ActionKind.UNBLOCK, ActionKind.UNMUTE} and not fake.calls
    adapter.server  # noqa: B018 - learn the software
    assert {ActionKind.DOMAIN_BLOCK, ActionKind.REMOVE_FOLLOWER, ActionKind.DETACH_QUOTE} <= adapter.capabilities


def test_a_report_on_gotosocial_uses_the_category_it_accepts(rsps: responses.RequestsMock) -> None:
    adapter, fake = adapter_on(rsps, "gotosocial")
    order = ActionOrder(action_id=3, kind=ActionKind.REPORT, author_remote_id="01JQ40A1B2C3D4E5F6G7H8J9K0",
                        author_handle="resident@elsewhere.example", item_remote_id="01JQ40B1B2C3D4E5F6G7H8J9K0",
                        item_meta={}, params={"category": "legal", "comment": "Thornbury 7.4"},
                        idempotency_key="action-3")
    assert adapter.apply(order)["category"] == "other"
    report = next(c for c in fake.calls if c["path"] == "/api/v1/reports")
    assert report["form"]["category"] == ["other"]


def test_account_check_passes_on_gotosocial_and_names_it(rsps: responses.RequestsMock, config: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeMastodon(rsps, software="gotosocial")
    assert main(["--config", config, "account", "check"]) == 0
    out = capsys.readouterr().out
    assert "server runs GoToSocial 0.19.2" in out and "Mastodon 0.19.2" not in out
    assert "signed in as @thornburytc" in out
    assert "GoToSocial does not tell an app which permissions its token has" in out
    assert "this server does not offer: apps/verify_credentials lists the token's scopes" in out
    assert "user-level domain blocks; remove a follower" in out
    assert "interaction policy: anyone may reply to the council's public posts" in out
    assert "GET /api/v1/apps/verify_credentials" not in fake.paths()


def test_account_check_on_akkoma(rsps: responses.RequestsMock, config: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    FakeMastodon(rsps, software="akkoma")
    assert main(["--config", config, "account", "check"]) == 0
    out = capsys.readouterr().out
    assert "server runs Akkoma 3.13.2" in out and "permissions: all present" in out
    assert "this server does not offer: notification policy and filtered requests; quote notifications" in out


def test_one_failing_check_does_not_hide_the_others(rsps: responses.RequestsMock, config: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeMastodon(rsps, software="mastodon")
    real_route = fake._route

    def broken_apps(method: str, path: str, *args: Any) -> tuple[int, Any]:
        if path == "/api/v1/apps/verify_credentials":
            return 503, {"error": "Service Unavailable"}
        return real_route(method, path, *args)

    fake._route = broken_apps  # type: ignore[method-assign,assignment]
    assert main(["--config", config, "account", "check"]) == 1
    out = capsys.readouterr().out
    assert "server runs Mastodon 4.5.0" in out and "signed in as @thornburytc" in out
    assert "FAILED (permissions): The platform could not be reached" in out
    assert "note: Mastodon filters notifications from private mentions" in out  # still checked


def test_a_revoked_token_still_shows_the_server(rsps: responses.RequestsMock, config: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeMastodon(rsps, software="gotosocial")
    real_route = fake._route

    def revoked(method: str, path: str, *args: Any) -> tuple[int, Any]:
        if path == "/api/v1/accounts/verify_credentials":
            return 401, {"error": "Unauthorized: token not supplied"}
        return real_route(method, path, *args)

    fake._route = revoked  # type: ignore[method-assign,assignment]
    assert main(["--config", config, "account", "check"]) == 1
    out = capsys.readouterr().out
    assert "server runs GoToSocial 0.19.2" in out
    assert "FAILED: The account's login or token no longer works." in out
    assert "skipped: permissions and notification settings" in out
