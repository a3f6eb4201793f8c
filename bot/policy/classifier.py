"""The statistical second opinion: a small logistic-regression model, offline, on CPU.

It catches abusive posts the word lists miss ("go back to the sewer you crawled out
of"). It is trained reproducibly by ``scripts/train_classifier.py`` from the
labelled sets in ``../shared/datasets`` and shipped as
``bot/policy/data/classifier.json.gz``: for each head (``offensive``, ``spam``)
the word, word-pair and letter-group features it uses and their weights.
Scoring is a sum of weights in pure Python: no numpy at run time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from bot.policy.lexicon import LEET

MODEL_FILE = Path(__file__).resolve().parent / "data" / "classifier.json.gz"
FEATURE_VERSION = 3
_MASK_RE = re.compile(r"https?://\S+|www\.\S+|(?<![\w@])@[\w.@-]+|\burl\b")
_TOKEN_RE = re.compile(r"[a-z0-9@$!*']+|[^\sa-z0-9]")
_DIGITS_RE = re.compile(r"\d+")
CHAR_SIZES = (2, 3, 4, 5)
MAX_CHARS = 5000


def _mask(m: re.Match[str]) -> str:
    return " @user " if m.group().startswith("@") else " url "


def features(folded: str) -> dict[str, None]:
    """The features of a post (already normalised by ``bot.policy.normalise``).

    Words (links and @mentions masked, leetspeak decoded, digits as "0"), word
    pairs, and 2-5 letter groups inside each word ("<idiot>" gives "<i", "id",
    "<id", ... "ot>"). Each feature once, as the keys of a dict: in the order the
    text gives them, not a set's order (which follows ``PYTHONHASHSEED``), so the
    floating-point sum of their weights, and so the score, is the same to the last
    digit in every process.
    """
    s = folded[:MAX_CHARS]
    if "@" in s or "http" in s or "www." in s or "url" in s:
        s = _MASK_RE.sub(_mask, s)
    tokens = []
    for tok in _TOKEN_RE.findall(s):
        if len(tok) > 1 and not tok.isalpha():
            tok = _DIGITS_RE.sub("0", tok.translate(LEET)) if any(c.isalpha() for c in tok) else "0"
        tokens.append(tok[:24])
    words = dict.fromkeys(tokens)
    padded = ["<" + tok + ">" for tok in words if len(tok) > 1 and tok.isalpha()]
    feats = dict.fromkeys([p[i:i + k] for p in padded for k in CHAR_SIZES for i in range(len(p) - k + 1)])
    feats.update(words)
    feats.update(dict.fromkeys([a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]))
    return feats


@dataclass
class Head:
    name: str
    bias: float


class Classifier:
    """Scores 0..1 per head for a post; loaded once, shared by every evaluation.

    A head's score is ``sigmoid(bias + sum of the weights of the post's features /
    sqrt(number of features))``: logistic regression on L2-normalised binary
    features, with the naive-Bayes log-count ratios folded into the weights.

    The two heads share one table: each feature's weights are held as one complex
    number (offensive + spam*1j), so scoring is a single dictionary look-up per
    feature and one C-level ``sum``.
    """

    tier = "standard"

    def __init__(self, weights: dict[str, complex], heads: tuple[Head, Head], meta: dict,
                 sha256: str = "", only: tuple[str, ...] = ()):
        self.weights = weights
        self.heads = heads
        self.meta = meta
        self.sha256 = sha256  # of the model file, stored with the findings it scores
        self.only = only  # the heads loaded, when not both (``load(only=...)``)

    @classmethod
    def load(cls, path: Path = MODEL_FILE, only: tuple[str, ...] = ()) -> Classifier:
        """Read a model file, checking it against the SHA-256 written beside it when trained.

        ``only`` names the heads to keep (e.g. ``("spam",)`` for the transformer tier's spam
        rule): the other head's weights are not loaded and ``scores`` leaves it out."""
        raw = Path(path).read_bytes()
        expected = checksum_file(Path(path))
        if expected.is_file():
            want = expected.read_text(encoding="utf-8").split()[0].lower()
            got = hashlib.sha256(raw).hexdigest()
            if got != want:
                raise ValueError(f"{path} does not match its checksum {expected.name} "
                                 f"(SHA-256 {got}, expected {want}); retrain or restore it")
        try:
            doc = json.loads(gzip.decompress(raw).decode("utf-8"))
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path} is not a gzipped model file: {exc}") from exc
        if doc.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"{path} was trained with other features; retrain it")
        names = tuple(doc["heads"])
        if len(names) != 2:
            raise ValueError(f"{path} must have exactly two heads, not {names}")
        weights: dict[str, complex] = {}
        if only and not set(only) <= set(names):
            raise ValueError(f"{path} has no head {sorted(set(only) - set(names))}")
        for part, name in zip((1.0, 1j), names, strict=True):
            if only and name not in only:
                continue
            head = doc["heads"][name]
            for feature, weight in zip(head["features"], head["weights"], strict=True):
                weights[feature] = weights.get(feature, 0) + part * weight
        heads = (Head(names[0], float(doc["heads"][names[0]]["bias"])),
                 Head(names[1], float(doc["heads"][names[1]]["bias"])))
        return cls(weights, heads, doc.get("meta", {}), hashlib.sha256(raw).hexdigest(), tuple(only))

    scores_alone = True  # a post's scores never depend on the others of a call

    def scores_batch(self, texts: list[str]) -> list[dict[str, float]]:
        """``scores`` for each text (the transformer tier batches; this one has no need)."""
        return [self.scores(t) for t in texts]

    def scores(self, folded: str) -> dict[str, float]:
        """Probability-like scores per head for normalised text, e.g. ``{"offensive": 0.91}``."""
        feats = features(folded)
        total = sum(filter(None, map(self.weights.get, feats)), 0j)
        norm = 1.0 / math.sqrt(len(feats)) if feats else 0.0
        first, second = self.heads
        out = {first.name: _sigmoid(first.bias + norm * total.real),
               second.name: _sigmoid(second.bias + norm * total.imag)}
        return {k: v for k, v in out.items() if k in self.only} if self.only else out


def checksum_file(path: Path) -> Path:
    """Where the training script writes the model's SHA-256 (``classifier.json.gz.sha256``)."""
    return path.with_name(path.name + ".sha256")


def _sigmoid(x: float) -> float:
    if x < -40:
        return 0.0
    if x > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))
