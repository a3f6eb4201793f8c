"""Which second opinion the rules file asks for: ``classifier: {tier: standard | transformer}``.

``transformer`` (the default): the fine-tuned MiniLM encoder
(``bot/policy/transformer.py``): better on the council corpora, on OLID and on
hate without slurs, but with about twice the civil false alarms, about 90 MB
more memory and about nine times the CPU per post (docs/transformer.md).
``standard``: the word and letter n-gram model (``bot/policy/classifier.py``),
pure Python, a few MB of memory; the fallback for the smallest machines.

Other keys of the ``classifier`` section: ``enabled`` (false: no second opinion),
``model`` (the standard tier's ``.json.gz`` file, or the transformer tier's
directory), and for the transformer ``threads`` (default 1) and ``batch_size``
(posts per model run, default 1: see ``bot/policy/transformer.py``). A standard
model that cannot be read is logged and the rules run without it, as before; a
transformer model that is missing or altered stops the bot with a plain message
(``ModelIntegrityError``): a council that chose it should not silently get
something else. (The claims about accuracy and memory are measured by
``scripts/bench_transformer.py``; see docs/transformer.md.)
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from bot.errors import ConfigError
from bot.policy.classifier import MODEL_FILE, Classifier
from bot.policy.rules import RuleSet
from bot.policy.transformer import DEFAULT_BATCH, MODEL_DIR, TransformerClassifier, load_shared

log = logging.getLogger(__name__)
TIERS = ("standard", "transformer")
DEFAULT_TIER = "transformer"
KEYS = frozenset({"enabled", "tier", "model", "threads", "batch_size"})

SecondOpinion = Classifier | TransformerClassifier


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
    if problems:
        raise ConfigError(problems)
    model = spec.get("model")
    path = None
    if model:
        path = Path(str(model))
        if not path.is_absolute() and ruleset.source is not None:
            path = ruleset.source.parent / path
    return {"enabled": bool(spec.get("enabled", True)), "tier": chosen, "model": path,
            "threads": int(spec.get("threads", 1)), "batch_size": int(spec.get("batch_size", DEFAULT_BATCH))}


def load_classifier(ruleset: RuleSet, tier: str | None = None) -> SecondOpinion | None:
    """The second opinion the rules file asks for (``tier`` overrides the file's choice)."""
    options = classifier_options(ruleset, tier)
    if options["tier"] == "transformer":
        return load_shared(options["model"] or MODEL_DIR, options["threads"], options["batch_size"])
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
    return f"{classifier.tier} tier, model {classifier.sha256[:12]}"
