"""Which second opinion the rules file asks for: ``classifier: {tier: standard | transformer}``.

``transformer`` (the default): the fine-tuned MiniLM encoder
(``bot/policy/transformer.py``): better on the council corpora, on OLID and on
hate without slurs, but with about twice the civil false alarms, about 90 MB
more memory and about nine times the CPU per post (docs/transformer.md).
``standard``: the word and letter n-gram model (``bot/policy/classifier.py``),
pure Python, a few MB of memory; the fallback for the smallest machines.

Other keys of the ``classifier`` section: ``enabled`` (false: no second opinion),
``model`` (the standard tier's ``.json.gz`` file, or the transformer tier's
directory), and for the transformer ``threads`` (default 1), ``batch_size``
(posts per model run, default 1: see ``bot/policy/transformer.py``) and
``spam_model``: which spam score the spam rule reads in the transformer tier.
``both`` (the default): the mean of the encoder's ``spam`` head and the standard
model's spam head (its spam weights only are loaded, about 13 MB; a few tens of
microseconds per post); ``standard``: the standard head alone; ``transformer``:
the encoder's head alone. Chosen on out-of-fold scores through the whole rule
engine (docs/policy.md, "The spam rule in the transformer tier"). A standard
model that cannot be read is logged and the rules run without it, as before; a
transformer model that is missing or altered stops the bot with a plain message
(``ModelIntegrityError``): a council that chose it should not silently get
something else. (The claims about accuracy and memory are measured by
``scripts/bench_transformer.py``; see docs/transformer.md.)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.policy.classifier import MODEL_FILE, Classifier
from bot.policy.rules import RuleSet
from bot.policy.transformer import DEFAULT_BATCH, MODEL_DIR, TransformerClassifier, load_shared

log = logging.getLogger(__name__)
TIERS = ("standard", "transformer")
DEFAULT_TIER = "transformer"
KEYS = frozenset({"enabled", "tier", "model", "threads", "batch_size", "spam_model"})
SPAM_MODELS = ("both", "standard", "transformer")
DEFAULT_SPAM_MODEL = "both"


# The spam rule's full points for the mean of the two spam heads (``spam_model: both``),
# chosen on scores neither model was fitted on: the SMS and YouTube training posts the
# encoder never saw, scored by standard heads fitted on the other folds, through the whole
# rule engine (docs/policy.md, "The spam rule in the transformer tier"): 0.7 scored a little
# better there but flagged one more civil tuning post (a resident recommending the Scouts'
# YouTube channel). It belongs to this pair of model files: re-check it after retraining
# either of them.
BOTH_SPAM_THRESHOLD = 0.8


class WithStandardSpam:
    """The transformer tier, its ``spam`` score taken with the standard model's spam head.

    ``mode`` ``both``: the mean of the encoder's and the standard model's spam scores
    (each model's mistakes are largely its own, so the mean is more precise than either
    and misses fewer than the standard head alone); ``standard``: the standard head
    alone. Same interface as ``TransformerClassifier``. The separate scores are kept
    as ``spam_transformer`` and ``spam_standard`` (for ``rules replay`` and the
    benchmarks); the spam rule reads ``spam`` and its ``auto`` threshold is the one
    chosen for the mode. Findings of the spam rule carry ``spam_sha256``: the SHA-256 of
    every file that scored them (with ``both``, the encoder's and the standard model's).
    """

    tier = "transformer"

    def __init__(self, transformer: TransformerClassifier, spam: Classifier, mode: str = "both"):
        self.transformer = transformer
        self.spam = spam
        self.mode = mode
        self.sha256 = transformer.sha256
        # The files a spam finding is traced to: the standard model's when it alone scored;
        # with ``both`` the encoder's and the standard model's (a release may change one alone).
        self.spam_sha256 = spam.sha256 if mode == "standard" else f"{transformer.sha256} {spam.sha256}"
        self.heads = transformer.heads
        chosen = BOTH_SPAM_THRESHOLD if mode == "both" else float(spam.meta["thresholds"]["spam"])
        thresholds = {**transformer.meta["thresholds"], "spam": chosen}
        self.meta = {**transformer.meta, "thresholds": thresholds, "spam_model": mode,
                     "spam_model_sha256": spam.sha256}

    @property
    def scores_alone(self) -> bool:
        """True when each post is scored on its own (see ``TransformerClassifier``)."""
        return bool(getattr(self.transformer, "scores_alone", False))

    def bounds(self, classifier_text: str) -> tuple[dict[str, float], float]:
        """What is known of the scores without running the encoder: an upper bound of
        ``spam`` (with ``both`` the mean with an encoder score of at most 1, its head being
        a sigmoid; with ``standard`` the score itself), and the standard spam score it came
        from, to pass to ``scores`` so that it is not worked out twice."""
        standard = self.spam.scores(classifier_text)["spam"]
        return {"spam": (1.0 + standard) / 2 if self.mode == "both" else standard}, standard

    def scores(self, classifier_text: str, standard: float | None = None) -> dict[str, float]:
        return self.scores_batch([classifier_text], None if standard is None else [standard])[0]

    def scores_batch(self, classifier_texts: Sequence[str],
                     standard: Sequence[float] | None = None) -> list[dict[str, float]]:
        """Scores per post; ``standard``: the standard spam scores of the texts, if known."""
        if standard is None:
            standard = [self.spam.scores(text)["spam"] for text in classifier_texts]
        out = []
        for s, cheap in zip(self.transformer.scores_batch(classifier_texts), standard, strict=True):
            spam = (s["spam"] + cheap) / 2 if self.mode == "both" else cheap
            out.append({**s, "spam_transformer": s["spam"], "spam_standard": cheap, "spam": spam})
        return out


SecondOpinion = Classifier | TransformerClassifier | WithStandardSpam


def classifier_options(ruleset: RuleSet, tier: str | None = None) -> dict[str, Any]:
    """The ``classifier`` section, checked (``ConfigError`` names the bad key)."""
    spec = dict(ruleset.classifier or {})
    problems = [(f"classifier.{k}", "is not a known classifier setting (typo?); known: "
                 + ", ".join(sorted(KEYS))) for k in sorted(set(spec) - KEYS)]
    chosen = str(tier or spec.get("tier") or DEFAULT_TIER).strip().lower()
    if chosen not in TIERS:
        problems.append(("classifier.tier", f"must be one of {', '.join(TIERS)}, not {chosen!r}"))
    for key in ("threads", "batch_size"):
        value = spec.get(key, 1)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 64:
            problems.append((f"classifier.{key}", f"must be a whole number from 1 to 64, not {value!r}"))
    spam_model = str(spec.get("spam_model") or DEFAULT_SPAM_MODEL).strip().lower()
    if spam_model not in SPAM_MODELS:
        problems.append(("classifier.spam_model", f"must be one of {', '.join(SPAM_MODELS)}, not {spam_model!r}"))
    if problems:
        raise ConfigError(problems)
    model = spec.get("model")
    path = None
    if model:
        path = Path(str(model))
        if not path.is_absolute() and ruleset.source is not None:
            path = ruleset.source.parent / path
    return {"enabled": bool(spec.get("enabled", True)), "tier": chosen, "model": path,
            "threads": int(spec.get("threads", 1)), "batch_size": int(spec.get("batch_size", DEFAULT_BATCH)),
            "spam_model": spam_model}


def load_classifier(ruleset: RuleSet, tier: str | None = None) -> SecondOpinion | None:
    """The second opinion the rules file asks for (``tier`` overrides the file's choice)."""
    options = classifier_options(ruleset, tier)
    if options["tier"] == "transformer":
        encoder = load_shared(options["model"] or MODEL_DIR, options["threads"], options["batch_size"])
        if options["spam_model"] == "transformer":
            return encoder
        try:
            return WithStandardSpam(encoder, Classifier.load(MODEL_FILE, only=("spam",)), options["spam_model"])
        except (OSError, ValueError):
            log.warning("standard spam model %s not loaded; the spam rule reads the transformer's "
                        "spam head instead", MODEL_FILE, exc_info=True)
            return encoder
    path = options["model"] or MODEL_FILE
    try:
        return Classifier.load(path)
    except (OSError, ValueError):
        log.warning("classifier model %s not loaded; rules run without it", path, exc_info=True)
        return None


def describe(classifier: SecondOpinion | None) -> str:
    """For the clerk and the CLI: which second opinion scored ("transformer tier, model 1a2b3c4d5e6f")."""
    if classifier is None:
        return "no statistical second opinion"
    text = f"{classifier.tier} tier, model {classifier.sha256[:12]}"
    if isinstance(classifier, WithStandardSpam):
        text += (f" (spam score: {'with' if classifier.mode == 'both' else 'from'} the standard model "
                 f"{classifier.spam.sha256[:12]})")
    return text
