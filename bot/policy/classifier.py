"""The statistical second opinion: a small logistic-regression model, offline, on CPU.

It catches abusive posts the word lists miss ("go back to the sewer you crawled out
of"). It is trained reproducibly by ``scripts/train_classifier.py`` from the
labelled sets in ``../shared/datasets`` and shipped as
``bot/policy/data/classifier.json.gz``: a vocabulary of word, word-pair and
letter-group features with one weight per feature per head (``offensive``,
``spam``). Scoring is a sum of weights: no numpy at run time.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

from bot.policy.lexicon import LEET
from bot.policy.normalise import normalise

MODEL_FILE = Path(__file__).resolve().parent / "data" / "classifier.json.gz"
FEATURE_VERSION = 2
_MASK_RE = re.compile(r"https?://\S+|www\.\S+|(?<![\w@])@[\w.@-]+|\burl\b")
_TOKEN_RE = re.compile(r"[a-z0-9@$!*']+|[^\sa-z0-9]")
_DIGITS_RE = re.compile(r"\d+")


def features(text: str) -> list[str]:
    """The features of a post: words, word pairs and 3-5 letter groups inside words."""
    s = _MASK_RE.sub(lambda m: " @user " if m.group().startswith("@") else " url ",
                     normalise(text[:5000]).text)
    tokens = []
    for tok in _TOKEN_RE.findall(s):
        if len(tok) > 1 and not tok.isalpha():
            tok = _DIGITS_RE.sub("0", tok.translate(LEET)) if any(c.isalpha() for c in tok) else "0"
        tokens.append(tok[:24])
    feats = tokens + [a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]
    for tok in tokens:
        if len(tok) < 3 or not tok.isalpha():
            continue
        padded = f"<{tok}>"
        n = len(padded)
        feats.extend(padded[i:i + k] for k in (3, 4, 5) for i in range(n - k + 1))
    return feats


@dataclass
class Head:
    bias: float
    weights: array  # float weights, indexed by the shared vocabulary


class Classifier:
    """Scores 0..1 per head for a post; loaded once, shared by every evaluation."""

    def __init__(self, vocabulary: dict[str, int], heads: dict[str, Head], meta: dict):
        self.vocabulary = vocabulary
        self.heads = heads
        self.meta = meta

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Classifier:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            doc = json.load(fh)
        if doc.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"{path} was trained with other features; retrain it")
        vocabulary = {f: i for i, f in enumerate(doc["vocabulary"])}
        heads = {name: Head(float(h["bias"]), array("f", h["weights"]))
                 for name, h in doc["heads"].items()}
        return cls(vocabulary, heads, doc.get("meta", {}))

    def scores(self, text: str) -> dict[str, float]:
        """Probability-like scores per head, e.g. ``{"offensive": 0.91, "spam": 0.02}``."""
        unique = set(features(text))
        if not unique:
            return {name: _sigmoid(h.bias) for name, h in self.heads.items()}
        get = self.vocabulary.get
        indices = [i for i in map(get, unique) if i is not None]
        norm = 1.0 / math.sqrt(len(unique))
        out = {}
        for name, head in self.heads.items():
            w = head.weights
            out[name] = _sigmoid(head.bias + norm * math.fsum(w[i] for i in indices))
        return out


def _sigmoid(x: float) -> float:
    if x < -40:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))
