"""The shipped model file is the one the training script wrote: its SHA-256 is checked on load."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from bot.policy.classifier import MODEL_FILE, Classifier, checksum_file


def test_the_shipped_model_matches_its_checksum() -> None:
    recorded = checksum_file(MODEL_FILE).read_text(encoding="utf-8").split()[0]
    assert hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest() == recorded
    assert Classifier.load(MODEL_FILE).meta["thresholds"]["spam"] > 0


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / MODEL_FILE.name
    shutil.copy(MODEL_FILE, copy)
    checksum_file(copy).write_text("0" * 64 + f"  {copy.name}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="does not match its checksum"):
        Classifier.load(copy)


def test_a_model_without_a_checksum_file_still_loads(tmp_path: Path) -> None:
    copy = tmp_path / "other.json.gz"
    shutil.copy(MODEL_FILE, copy)
    assert Classifier.load(copy).heads[1].name == "spam"


def test_one_head_can_be_loaded_alone_with_the_same_scores() -> None:
    both = Classifier.load(MODEL_FILE)
    spam = Classifier.load(MODEL_FILE, only=("spam",))
    assert spam.sha256 == both.sha256  # the same checked file
    assert len(spam.weights) < len(both.weights)
    for text in ("win a free iphone!!! click the link in my bio url", "when is the next meeting?"):
        assert set(spam.scores(text)) == {"spam"}
        assert spam.scores(text)["spam"] == pytest.approx(both.scores(text)["spam"], abs=1e-9)
    with pytest.raises(ValueError, match="has no head"):
        Classifier.load(MODEL_FILE, only=("threat",))


_SCORES = """
from bot.policy.classifier import Classifier
from bot.policy.engine import load_engine
from bot.policy.normalise import normalise

engine = load_engine(classifier=False)
model = Classifier.load()
for text in ("You absolute clown, resign before we make you", "When is the next parish meeting?",
             "win a free iphone!!! click the link in my bio https://prizes.example/x",
             "The bins on Mill Lane have not been emptied for three weeks, it is a bloody disgrace"):
    print(repr(model.scores(engine.classifier_text(normalise(text)))))
"""


def test_the_standard_scores_are_the_same_to_the_last_digit_under_every_hash_seed() -> None:
    """A finding's score is stored as evidence and compared by ``rules replay``: the sum of the
    feature weights must not follow a set's order, which changes with PYTHONHASHSEED (it did: 112
    of 7,497 dumped standard-tier scores differed in their last digits between two seeds)."""
    from tests.support import outputs_under_hash_seeds

    outputs = outputs_under_hash_seeds(_SCORES, 6)
    assert len(outputs) == 1
    assert outputs.pop().count("'offensive':") == 4
