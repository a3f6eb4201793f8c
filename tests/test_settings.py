"""Malformed settings give one clear message per problem, naming the key."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.errors import ConfigError
from bot.settings import ACCOUNT_SCHEMA, SCHEMA, config_reference, load_settings, parse_settings, read_secret
from scripts.update_readme import rendered
from tests.support import BASE_CONFIG, REPO


def doc(**changes: Any) -> dict[str, Any]:
    d = copy.deepcopy(BASE_CONFIG)
    for key, value in changes.items():
        node: Any = d  # nested dicts and lists, as the YAML has them
        parts = key.split(".")
        for p in parts[:-1]:
            node = node[int(p)] if p.isdigit() else node.setdefault(p, {})
        if value is DELETE:
            del node[parts[-1]]
        else:
            node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value
    return d


DELETE = object()

MALFORMED = [
    (doc(**{"council.name": DELETE}), "council.name", "required"),
    (doc(**{"council.email": "clerk-at-example"}), "council.email", "e-mail"),
    (doc(**{"council.website": "www.example.gov.uk"}), "council.website", "http"),
    (doc(mode="liv"), "mode", "one of observe, live"),
    (doc(**{"polling.interval_seconds": "often"}), "polling.interval_seconds", "whole number"),
    (doc(**{"polling.interval_seconds": 5}), "polling.interval_seconds", "at least 15"),
    (doc(**{"dm_reply.enabled": "yes"}), "dm_reply.enabled", "true or false"),
    (doc(accounts=[]), "accounts", "non-empty list"),
    (doc(accounts=DELETE), "accounts", "required"),
    (doc(**{"accounts.0.platform": "twitter"}), "accounts[0].platform", "one of mastodon, bluesky, simulated"),
    (doc(accounts=[{"name": "m", "platform": "mastodon", "handle": "@c@x.social"}]),
     "accounts[0].server_url", "required for a Mastodon"),
    (doc(accounts=[{"name": "m", "platform": "mastodon", "handle": "@c", "server_url": "https://x.social",
                    "token_env": "abc123secret-token"}]), "accounts[0].token_env", "NAME of an environment variable"),
    (doc(accounts=[{"name": "b", "platform": "bluesky", "handle": "c.bsky.social"}]),
     "accounts[0].app_password_env", "required for a Bluesky"),
    (doc(accounts=[{"name": "a", "platform": "simulated", "handle": "x"},
                   {"name": "a", "platform": "simulated", "handle": "y"}]), "accounts[1].name", "used by two"),
    (doc(pollling={"interval_seconds": 60}), "pollling", "not a known setting"),
    (doc(**{"web.prot": 8080}), "web.prot", "not a known setting"),
    (doc(**{"alerts.recipients": ["clerk@example.gov.uk", "not-an-address"]}), "alerts.recipients", "e-mail"),
    (doc(database_url="mysql://x/y"), "database_url", "sqlite:// or postgresql://"),
    (doc(web="8080"), "web", "section"),
    (doc(accounts=[{"name": "b", "platform": "bluesky", "handle": "c.bsky.social", "app_password_env": "P",
                    "moderation_service_did": "ozone.example.org"}]),
     "accounts[0].moderation_service_did", "must be a DID"),
    (doc(accounts=[{"name": "b", "platform": "bluesky", "handle": "c.bsky.social", "app_password_env": "P",
                    "read_dms": "no"}]), "accounts[0].read_dms", "true or false"),
    (doc(database_wait_seconds=0), "database_wait_seconds", "at least 1"),
    (doc(**{"web.trusted_proxies": ["10.0.0.2", "proxy.local"]}), "web.trusted_proxies", "IP address or network"),
    (doc(**{"web.trusted_proxies": "10.0.0.2"}), "web.trusted_proxies", "list"),
    (doc(**{"web.connection_limit": 5}), "web.connection_limit", "at least 10"),
    (doc(**{"web.channel_timeout_seconds": "soon"}), "web.channel_timeout_seconds", "whole number"),
    (doc(**{"web.session_max_hours": 0}), "web.session_max_hours", "at least 1"),
]


@pytest.mark.parametrize(("data", "key", "message"), MALFORMED, ids=[k for _, k, _ in MALFORMED])
def test_malformed_settings_name_the_key(data: dict[str, Any], key: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_settings(data, REPO / "config")
    matches = [msg for k, msg in err.value.problems if k == key]
    assert matches, err.value.problems
    assert any(message in msg for msg in matches), matches


def test_all_problems_are_reported_together() -> None:
    data = doc(mode="x", **{"council.email": "nope", "polling.interval_seconds": -1})
    with pytest.raises(ConfigError) as err:
        parse_settings(data, REPO / "config")
    assert {k for k, _ in err.value.problems} >= {"mode", "council.email", "polling.interval_seconds"}


def test_check_config_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(doc()), encoding="utf-8")
    assert main(["check-config", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc(mode="liv", **{"council.email": "x"})), encoding="utf-8")
    assert main(["check-config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "mode: must be one of observe, live" in err and "council.email" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text("council:\n  name: [unclosed\n", encoding="utf-8")
    assert main(["check-config", str(broken)]) == 2
    assert "not valid YAML at line" in capsys.readouterr().err
    assert main(["check-config", str(tmp_path / "missing.yaml")]) == 2


def test_example_and_demo_configs_are_valid() -> None:
    for name in ("modbot.example.yaml", "demo.yaml"):
        settings = load_settings(REPO / "config" / name)
        assert settings.accounts


def test_secrets_come_from_environment_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODBOT_T1", "from-env")
    assert read_secret("MODBOT_T1") == "from-env"
    secret = tmp_path / "token"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("MODBOT_T2_FILE", str(secret))
    assert read_secret("MODBOT_T2") == "from-file"
    assert read_secret("MODBOT_UNSET_VARIABLE") is None


def test_every_setting_is_documented() -> None:
    """A setting without documentation fails (the README reference is generated)."""
    for field in (*SCHEMA, *ACCOUNT_SCHEMA):
        assert field.doc.strip(), field.key
    reference = config_reference()
    for field in SCHEMA:
        assert f"`{field.key}`" in reference
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert rendered(readme) == readme, "README settings reference is stale: run scripts/update_readme.py"


def test_check_config_reads_the_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(doc(rules_file="rules.yaml")), encoding="utf-8")
    assert main(["check-config", str(config)]) == 2
    err = capsys.readouterr().err
    assert f"rules_file: there is no rules file at {tmp_path / 'rules.yaml'}" in err
    (tmp_path / "rules.yaml").write_text("rules:\n  - id: shouting\n    detector: no_such_detector\n",
                                         encoding="utf-8")
    assert main(["check-config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "rules_file (rules.yaml) rules[shouting]: " in err
    (tmp_path / "rules.yaml").write_text((REPO / "config" / "rules.yaml").read_text(encoding="utf-8"),
                                         encoding="utf-8")
    assert main(["check-config", str(config)]) == 0
    assert "rule(s) in" in capsys.readouterr().out


def test_bluesky_services_default_to_bluesky_and_can_be_changed() -> None:
    entry = {"name": "b", "platform": "bluesky", "handle": "c.bsky.social", "app_password_env": "P"}
    default = parse_settings(doc(accounts=[entry]), REPO / "config").accounts[0]
    assert default.moderation_service_did == "did:plc:ar7c4by46qjdydhdevvrndac"
    assert default.chat_service_did == "did:web:api.bsky.chat" and default.read_dms is True
    own = parse_settings(doc(accounts=[{**entry, "moderation_service_did": "did:plc:abcdefghijklmnopqrstuvwx",
                                        "chat_service_did": "did:web:chat.example.org", "read_dms": False}]),
                         REPO / "config").accounts[0]
    assert (own.moderation_service_did, own.chat_service_did, own.read_dms) == (
        "did:plc:abcdefghijklmnopqrstuvwx", "did:web:chat.example.org", False)


def test_the_bluesky_password_variable_is_the_same_in_account_add_and_the_example() -> None:
    from bot.cli.account_bluesky import DEFAULT_ENV

    example = load_settings(REPO / "config" / "modbot.example.yaml")
    (bluesky,) = [a for a in example.accounts if a.platform.value == "bluesky"]
    assert bluesky.app_password_env == DEFAULT_ENV
    assert f"{DEFAULT_ENV}=" in (REPO / "deploy" / "modbot.env.example").read_text(encoding="utf-8")
