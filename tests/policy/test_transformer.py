"""The transformer tier: the shipped model's integrity check, fixed predictions, batching,
the rules file's tier switch, and the model's SHA-256 on the findings it scored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item
from bot.policy.transformer import (
    MANIFEST,
    MODEL_DIR,
    ModelIntegrityError,
    TransformerClassifier,
    load_shared,
    model_text,
    sha256_bytes,
)

MANIFEST_DOC = json.loads((MODEL_DIR / MANIFEST).read_text(encoding="utf-8"))
SHIPPED_SHA = MANIFEST_DOC["files"][MANIFEST_DOC["model_file"]]
STANDARD_SHA = (Path(__file__).resolve().parents[2] / "bot" / "policy" / "data"
                / "classifier.json.gz.sha256").read_text(encoding="utf-8").split()[0]


@pytest.fixture(scope="module")
def model() -> TransformerClassifier:
    return load_shared()


def rules_with(tmp_path: Path, classifier: dict) -> Path:
    path = tmp_path / "rules.yaml"
    base = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"
    path.write_text(json.dumps({"extends": str(base), "classifier": classifier}), encoding="utf-8")
    return path


def copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(MODEL_DIR, target)
    return target


def test_shipped_files_match_the_manifest_and_the_model_card():
    card = (MODEL_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    for name, digest in MANIFEST_DOC["files"].items():
        assert sha256_bytes((MODEL_DIR / name).read_bytes()) == digest
        assert digest in card
    assert (MODEL_DIR / "NOTICE").is_file() and (MODEL_DIR / "LICENSE-Apache-2.0").is_file()
    size = sum((MODEL_DIR / n).stat().st_size for n in MANIFEST_DOC["files"])
    assert size <= 30 * 2**20


def test_missing_model_file_is_refused_with_a_plain_message(tmp_path):
    directory = copy_model(tmp_path)
    (directory / MANIFEST_DOC["model_file"]).unlink()
    with pytest.raises(ModelIntegrityError, match="cannot be read") as err:
        TransformerClassifier.load(directory)
    assert "tier: standard" in str(err.value) and str(directory) in str(err.value)


@pytest.mark.parametrize("name", ["model", "tokenizer"])
def test_altered_file_is_refused(tmp_path, name):
    directory = copy_model(tmp_path)
    target = directory / MANIFEST_DOC[f"{name}_file"]
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # one flipped bit
    target.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="not the one the model card describes") as err:
        TransformerClassifier.load(directory)
    assert MANIFEST_DOC["files"][target.name] in str(err.value)


def test_a_file_altered_after_loading_is_checked_again(tmp_path):
    directory = copy_model(tmp_path)
    assert load_shared(directory).sha256 == SHIPPED_SHA
    target = directory / MANIFEST_DOC["model_file"]
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(ModelIntegrityError):
        load_shared(directory)


def test_cli_reports_an_altered_model_without_a_traceback(tmp_path, capsys):
    from bot.cli import main

    directory = copy_model(tmp_path)
    (directory / MANIFEST_DOC["tokenizer_file"]).write_text("{}", encoding="utf-8")
    rules = rules_with(tmp_path, {"tier": "transformer", "model": str(directory)})
    assert main(["rules", "test", "--rules", str(rules), "hello"]) == 1
    err = capsys.readouterr().err
    assert "model files are missing or have been changed" in err and "Traceback" not in err


# What the shipped model (its SHA-256 is checked first) says about a few posts: the
# heads at or above their shipped thresholds. A retrained model must be checked by
# hand against these and the table updated with it.
FIXED = {
    "Thank you to the volunteers who cleared the brook on Saturday.": set(),
    "When is the next parish council meeting?": set(),
    "The potholes on Castle Street are a bloody disgrace": set(),
    "Immigrants are a disease and this town should get rid of them.": {"offensive", "hate"},
    # The 2026-12-01 13:56 model also puts this threat over its hate and obscene
    # thresholds (no rule reads those heads alone; hate_second_opinion gives way to a threat).
    "I hope someone burns your house down with you in it": {"offensive", "abuse", "threat", "hate", "obscene"},
    "Shut up you stupid cow": {"offensive", "obscene"},  # abuse 0.96, under its 0.977
    "WIN a FREE iPhone!!! Click the link in my bio to claim your prize now": {"spam"},
}


def test_fixed_predictions_of_the_shipped_model(model):
    assert model.sha256 == SHIPPED_SHA
    thresholds = model.meta["thresholds"]
    for (text, expected), got in zip(FIXED.items(), model.scores_batch(list(FIXED)), strict=True):
        flagged = {head for head, score in got.items() if score >= thresholds[head]}
        assert flagged == expected, (text, got)


def test_batch_scores_equal_one_by_one_scores(model, tmp_path):
    texts = list(FIXED) + ["", "a" * 5000, "short"]
    batched = model.scores_batch(texts)
    for text, scores in zip(texts, batched, strict=True):
        assert model.scores(text) == scores  # one post per run: its neighbours do not matter
        assert scores.keys() == set(MANIFEST_DOC["heads"])
    grouped = TransformerClassifier.load(MODEL_DIR, batch_size=8).scores_batch(texts)
    # Several posts per run: close, not equal (up to 0.046 on these posts with the
    # shipped model), which is why batch_size defaults to 1.
    for alone, together in zip(batched, grouped, strict=True):
        assert all(abs(alone[h] - together[h]) < 0.1 for h in alone)
    assert any(alone != together for alone, together in zip(batched, grouped, strict=True))


def test_mentions_and_links_are_masked_as_in_the_training_data():
    assert model_text("@bob look https://x.example/a [url] [user]") == "@user look url url @user"


def test_default_tier_is_the_transformer_and_the_switch_loads_the_standard_model(tmp_path):
    default = load_engine()
    assert default.classifier.tier == "transformer" and default.classifier.sha256 == SHIPPED_SHA
    assert load_engine(path=rules_with(tmp_path, {})).classifier.tier == "transformer"  # no tier key
    assert load_engine(path=rules_with(tmp_path, {"tier": "standard"})).classifier.tier == "standard"
    engine = load_engine(path=rules_with(tmp_path, {"tier": "transformer"}))
    assert engine.classifier.tier == "transformer" and engine.classifier.sha256 == SHIPPED_SHA
    assert load_engine(path=rules_with(tmp_path, {"tier": "transformer"}), tier="standard").classifier.tier \
        == "standard"
    assert load_engine(path=rules_with(tmp_path, {"tier": "transformer", "enabled": False})).classifier is None


@pytest.mark.parametrize(("classifier", "key"), [
    ({"tier": "gpt"}, "classifier.tier"),
    ({"tier": "transformer", "threads": 0}, "classifier.threads"),
    ({"teir": "transformer"}, "classifier.teir"),
    ({"spam_model": "bayes"}, "classifier.spam_model"),
])
def test_bad_classifier_settings_name_the_key(tmp_path, classifier, key):
    with pytest.raises(ConfigError) as err:
        load_engine(path=rules_with(tmp_path, classifier))
    assert key in [k for k, _ in err.value.problems]


def test_findings_of_second_opinion_rules_carry_the_model_sha256(tmp_path):
    ctx = example_context()
    for tier in ("standard", "transformer"):
        engine = load_engine(tier=tier)
        rude = engine.evaluate(text_item("you absolute numpty"), ctx)
        assert rude and all(f.model_sha256 is None for f in rude)  # a word-list rule decided
        findings = engine.evaluate(text_item("WIN a FREE iPhone!!! Click the link in my bio bit.ly/x"), ctx)
        spam = [f for f in findings if f.rule_id == "spam"]
        assert spam and spam[0].model_sha256 == getattr(engine.classifier, "spam_sha256", engine.classifier.sha256)


def test_batch_evaluation_equals_item_by_item_on_both_tiers():
    ctx = example_context()
    texts = list(FIXED) + ["you absolute numpty", "Scunthorpe United won 2-0", "call me on 07700 900123"]
    for tier in ("standard", "transformer"):
        engine = load_engine(tier=tier)
        pairs = [(text_item(t, i), ctx) for i, t in enumerate(texts)]
        assert engine.evaluate_batch(pairs) == [engine.evaluate(item, c) for item, c in pairs]


def test_cli_shows_which_tier_scored(capsys):
    from bot.cli import main

    assert main(["rules", "test", "--tier", "standard", "When is the next meeting?"]) == 0
    assert "standard tier, model " in capsys.readouterr().out
    assert main(["rules", "test", "--format", "jsonl", "When is the next meeting?"]) == 0  # the default
    assert json.loads(capsys.readouterr().out)["scored_by"] == (
        f"transformer tier, model {SHIPPED_SHA[:12]} (spam score: with the standard model {STANDARD_SHA[:12]})")


def test_the_spam_rule_reads_the_mean_of_both_spam_heads_by_default(tmp_path):
    """``spam_model: both`` (the default): the encoder's and the standard model's spam scores
    averaged, at the threshold chosen for the mean; ``standard`` and ``transformer`` alone."""
    from bot.policy.classifier import Classifier
    from bot.policy.transformer_tier import BOTH_SPAM_THRESHOLD

    standard = Classifier.load()
    text = "win a free iphone!!! click the link in my bio url"
    encoder = load_shared()
    expected = (encoder.scores(text)["spam"] + standard.scores(text)["spam"]) / 2
    both = load_engine().classifier
    scores = both.scores(text)
    assert scores["spam"] == pytest.approx(expected)
    assert scores["spam_transformer"] == encoder.scores(text)["spam"]
    assert scores["spam_standard"] == pytest.approx(standard.scores(text)["spam"])
    assert both.meta["thresholds"]["spam"] == BOTH_SPAM_THRESHOLD
    assert both.scores_batch([text, "when is the next meeting?"])[0] == scores
    assert "offensive" not in both.spam.scores(text)  # only the spam head of the standard file
    alone = load_engine(path=rules_with(tmp_path, {"spam_model": "standard"})).classifier
    assert alone.scores(text)["spam"] == pytest.approx(standard.scores(text)["spam"])
    assert alone.meta["thresholds"]["spam"] == standard.meta["thresholds"]["spam"]
    own = load_engine(path=rules_with(tmp_path, {"spam_model": "transformer"})).classifier
    assert own is encoder and own.meta["thresholds"]["spam"] == MANIFEST_DOC["thresholds"]["spam"]


def test_spam_findings_name_the_file_that_scored_them(tmp_path):
    ctx = example_context()
    text = "WIN a FREE iPhone!!! Click the link in my bio bit.ly/x"
    for spam_model, sha in (("both", f"{SHIPPED_SHA} {STANDARD_SHA}"), ("standard", STANDARD_SHA),
                            ("transformer", SHIPPED_SHA)):
        engine = load_engine(path=rules_with(tmp_path, {"spam_model": spam_model}))
        spam = [f for f in engine.evaluate(text_item(text), ctx) if f.rule_id == "spam"]
        assert spam and spam[0].model_sha256 == sha, spam_model


def test_a_damaged_standard_spam_model_leaves_the_encoder_s_spam_head(tmp_path, monkeypatch, caplog):
    from bot.policy import transformer_tier

    bad = tmp_path / "classifier.json.gz"
    bad.write_bytes(b"not a model")
    monkeypatch.setattr(transformer_tier, "MODEL_FILE", bad)
    classifier = load_engine().classifier
    assert classifier is load_shared() and "standard spam model" in caplog.text
