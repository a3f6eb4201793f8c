"""The council's own policy: presets, settings, citations, check-config."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.council_policy import POLICY_GROUNDS, load_policy, neutral_policy, preset_names
from bot.domain import Ground
from bot.errors import ConfigError
from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item
from tests.support import BASE_CONFIG, REPO, make_settings

PRESETS = ("alcester", "alsager", "pershore", "thornbury", "thurcaston")
OTHER_COUNCILS = ("Thornbury", "Alcester", "Thurcaston", "Alsager", "Pershore")


def test_the_five_presets_and_the_neutral_default_ship() -> None:
    assert set(preset_names()) == {*PRESETS, "neutral"}


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_loads_and_gives_every_ground_a_clause(name: str) -> None:
    policy = load_policy(name, REPO / "config")
    assert policy.title and policy.uncovered() == []
    for ground in POLICY_GROUNDS:
        assert policy.clauses(ground), ground
        assert policy.description(ground).endswith("."), ground
        # A preset cites its own document, never another council by name.
        assert not any(c in " ".join(policy.clauses(ground)) for c in OTHER_COUNCILS)


def test_the_neutral_default_has_plain_descriptions_and_no_clause_numbers() -> None:
    neutral = neutral_policy()
    assert neutral.uncovered() == list(POLICY_GROUNDS)
    assert neutral.cite(Ground.THREAT) == ("The council's social media policy: Threats of violence, intimidation "
                                           "or threatening language.")


def test_citations_read_as_the_councils_own_document() -> None:
    thurcaston = load_policy("thurcaston", REPO / "config")
    assert thurcaston.cite("threat") == "Communication and Social Media Policy: 1 (poor conduct), 2.3, 3.5"
    assert thurcaston.document == "Communication and Social Media Policy (adopted 11 March 2024)"
    assert thurcaston.cite("threat", ["3.5"]) == "Communication and Social Media Policy: 3.5"  # as stored


def test_settings_select_a_preset_and_override_the_document(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, **{"council.policy": "thornbury", "council.policy_adopted": "2025-05-12",
                                          "council.policy_url": "https://example.gov.uk/policy.pdf"})
    assert settings.policy.clauses("repeat_offender") == ("7.5",)
    assert settings.policy.url == "https://example.gov.uk/policy.pdf"
    assert settings.policy.document == "Official Social Media Engagement Policy (adopted 12 May 2025)"
    assert make_settings(tmp_path).policy.name == "neutral"


def own_policy(tmp_path: Path, grounds: dict) -> Path:
    path = tmp_path / "our-policy.yaml"
    path.write_text(yaml.safe_dump({"title": "Social Media Policy", "grounds": grounds}), encoding="utf-8")
    return path


@pytest.mark.parametrize(("value", "files", "key", "words"), [
    ("thornbry", {}, "council.policy", "neither a ready preset"),
    ("our-policy.yaml", {"hate": {"clauses": [7.10]}}, "council.policy (our-policy.yaml) grounds.hate.clauses",
     "quoted"),
    ("our-policy.yaml", {"hatred": {"clauses": ["1"]}}, "council.policy (our-policy.yaml) grounds.hatred",
     "is not a ground"),
    ("our-policy.yaml", {"spam": "2.1"}, "council.policy (our-policy.yaml) grounds.spam", "must have clauses"),
])
def test_a_malformed_policy_names_the_key(tmp_path: Path, value: str, files: dict, key: str, words: str) -> None:
    if files:
        own_policy(tmp_path, files)
    doc = dict(BASE_CONFIG, data_dir=str(tmp_path / "data"))
    doc["council"] = dict(BASE_CONFIG["council"], policy=value)
    from bot.settings import parse_settings

    with pytest.raises(ConfigError) as err:
        parse_settings(doc, tmp_path)
    assert any(k == key and words in message for k, message in err.value.problems), err.value.problems


def test_a_bad_adoption_date_names_its_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        make_settings(tmp_path, **{"council.policy_adopted": "12/05/2025"})
    assert [k for k, _ in err.value.problems] == ["council.policy_adopted"]


def test_check_config_names_a_ground_left_without_a_clause(tmp_path: Path, capsys) -> None:
    grounds = {g.value: {"clauses": ["4"], "description": "Said plainly."} for g in POLICY_GROUNDS}
    grounds["spam"] = {"clauses": [], "description": "Adverts."}
    del grounds["copyright"]
    own_policy(tmp_path, grounds)
    doc = dict(BASE_CONFIG, data_dir=str(tmp_path / "data"))
    doc["council"] = dict(BASE_CONFIG["council"], policy="our-policy.yaml")
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(doc), encoding="utf-8")
    assert main(["check-config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "no clause for the ground 'spam'" in out and "no clause for the ground 'copyright'" in out
    assert "'hate'" not in out


def test_check_config_says_when_the_neutral_default_is_in_use(tmp_path: Path, capsys) -> None:
    config = tmp_path / "modbot.yaml"
    config.write_text(yaml.safe_dump(dict(BASE_CONFIG, data_dir=str(tmp_path / "data"))), encoding="utf-8")
    assert main(["check-config", str(config)]) == 0
    assert "neutral default cites plain descriptions" in capsys.readouterr().out


@pytest.mark.parametrize(("preset", "expected"), [
    ("alcester", ("2.3", "4.3", "4.5")), ("thornbury", ("7.4",)), ("pershore", ("3.8", "3.12(ii)")),
])
def test_findings_cite_only_the_councils_own_clauses(tmp_path: Path, preset: str, expected: tuple) -> None:
    settings = make_settings(tmp_path, **{"council.policy": preset})
    engine = load_engine(settings, classifier=False)
    findings = engine.evaluate(text_item("I'll kill you, numpty"), example_context())
    threat = next(f for f in findings if f.ground is Ground.THREAT)
    assert threat.clauses == expected
    for f in findings:
        assert set(f.clauses) <= set(settings.policy.clauses(f.ground))


def test_a_rule_in_the_councils_own_rules_file_may_cite_its_own_clause(tmp_path: Path) -> None:
    local = tmp_path / "local.yaml"
    local.write_text(f"extends: {REPO / 'config' / 'rules.yaml'}\nrules:\n"
                     "  - {id: threat_of_violence, clauses: ['9.9']}\n", encoding="utf-8")
    settings = make_settings(tmp_path, **{"council.policy": "thornbury"})
    engine = load_engine(settings, path=local, classifier=False)
    rules = {r.id: r for r in engine.rules}
    assert rules["threat_of_violence"].clauses == ("9.9",) and rules["insult"].clauses == ("7.4",)
