"""The rules file: validation, a council's own file extending the default, CLI."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.council_policy import load_policy
from bot.errors import ConfigError
from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item
from bot.policy.rules import DEFAULT_RULES_FILE


def grounds(engine, text):
    return {str(f.ground) for f in engine.evaluate(text_item(text), example_context())}


def test_default_rules_cite_the_councils_own_clauses():
    engine = load_engine(classifier=False, policy=load_policy("thornbury", DEFAULT_RULES_FILE.parent))
    assert all(rule.clauses for rule in engine.rules)
    cited = {c for rule in engine.rules for c in rule.clauses}
    assert cited <= {"7.3", "7.4", "7.5", "8.1"}  # Thornbury's own, never another council's
    assert all(not rule.clauses for rule in load_engine(classifier=False).rules)  # neutral default
    assert {str(r.ground) for r in engine.rules} >= {
        "hate", "harassment", "threat", "obscene", "defamation", "personal_data", "off_topic",
        "spam", "impersonation", "copyright", "repeat_offender"}


def test_council_file_extends_disables_and_adds_words(tmp_path):
    (tmp_path / "extra-allow.txt").write_text("numptonshire\n")
    local = tmp_path / "local.yaml"
    local.write_text(f"""
extends: {DEFAULT_RULES_FILE}
allow_list: {{files: [extra-allow.txt]}}
word_lists:
  insults_uk: {{words: [gurnard]}}
rules:
  - {{id: obscene_language, enabled: false}}
  - {{id: insult, severity: high}}
""")
    engine = load_engine(path=local, classifier=False)
    assert "obscene_language" not in {r.id for r in engine.rules}
    assert grounds(engine, "what a load of shite") == set()
    findings = engine.evaluate(text_item("you gurnard"), example_context())
    assert [(f.rule_id, f.severity.label) for f in findings] == [("insult", "high")]
    assert engine.lexicon.allow.allows("numptonshire")


def test_bad_rules_file_lists_every_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
rules:
  - {id: a, ground: nonsense, detector: word_list, explanation: x}
  - {id: b, ground: hate, detector: nope, explanation: x}
  - {id: c, ground: hate, detector: word_list, params: {lists: [missing]}, explanation: x}
  - {id: d, ground: hate, detector: word_list, colour: red}
""")
    with pytest.raises(ConfigError) as err:
        load_engine(path=bad)
    keys = [k for k, _ in err.value.problems]
    assert "rules[a]" in keys and "rules[b].detector" in keys
    assert "rules[c].params.lists" in keys and "rules[d].colour" in keys
    assert "rules[d].explanation" in keys


def test_cli_test_explains(capsys):
    assert main(["rules", "test", "you absolute numpty", "--no-classifier"]) == 0
    out = capsys.readouterr().out
    assert "insult" in out and "[[numpty]]" in out
    assert "policy: The council's social media policy: Personal attacks" in out  # the neutral default


def test_cli_jsonl_one_object_per_line_in_order(tmp_path, capsys):
    posts = tmp_path / "posts.txt"
    posts.write_text("hello\nyou numpty\n\nI'll kill you\nScunthorpe\n", encoding="utf-8")
    assert main(["rules", "test", "--file", str(posts), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["flagged"] for r in rows] == [False, True, False, True, False]
    assert rows[1]["grounds"] == ["harassment"] and rows[3]["severity"] == "high"
    assert all(0.0 <= r["score"] <= 1.0 for r in rows)


def test_cli_needs_text_or_file(capsys):
    assert main(["rules", "test"]) == 2
