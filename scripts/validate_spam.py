#!/usr/bin/env python3
"""Honest spam-ground figures for the transformer tier's spam score choices (``spam_model``).

Scores that neither model was fitted on: the SMS and YouTube training posts the shipped
encoder never trained on (its validation fold and the posts its sample left out, rebuilt
from ``scripts/train_transformer.py``'s seed, quotas and the manifest's scale), with the
standard spam head's out-of-fold scores (``scripts/validate_classifier.py``). Each choice
goes through the whole rule engine as shipped (the other heads at their thresholds):

    .venv/bin/python scripts/validate_spam.py          # needs numpy, scipy, scikit-learn

Reads only the public sets' training parts (never a held-out part).
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.engine import PolicyEngine  # noqa: E402
from bot.policy.evaluation import example_context, text_item  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402
from bot.policy.transformer import MANIFEST, MODEL_DIR, load_shared, read_manifest  # noqa: E402
from bot.policy.transformer_tier import WithStandardSpam  # noqa: E402
from scripts import transformer_data  # noqa: E402
from scripts import validate_classifier as vc  # noqa: E402

TRAINER = Path(__file__).resolve().parent / "train_transformer.py"


def trainer_constant(name: str):
    """A literal constant of train_transformer.py (which needs torch to import)."""
    for node in ast.parse(TRAINER.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(name)


def unseen_posts(name: str, manifest: dict) -> list[tuple[str, int]]:
    """The set's training posts outside the encoder's fit part."""
    scale = float(manifest.get("training", {}).get("scale", 1.0))
    quotas = {k: max(1, round(v * scale)) for k, v in trainer_constant("QUOTAS").items()}
    part = transformer_data.training_part(name)
    fit, _fold = transformer_data.validation_fold(transformer_data.sample(part, quotas, trainer_constant("SEED")),
                                                  0.15, trainer_constant("SEED"))
    seen = {p.text for p in fit}
    return [(p.text, int(p.kind == "spam")) for p in part if p.text not in seen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--mean", type=float, nargs="*", default=[0.65, 0.7, 0.75, 0.8, 0.85])
    args = parser.parse_args()
    manifest = read_manifest(MODEL_DIR)
    encoder = load_shared()
    base = load_engine(tier="transformer")
    print(f"encoder {encoder.sha256[:12]} ({MANIFEST}), standard spam head out of fold")
    table = vc.fitted_scores("spam")
    rows = {name: unseen_posts(name, manifest) for name in ("sms", "youtube")}
    scored: dict[str, list[tuple[str, int, dict[str, float], float]]] = {}
    for name, posts in rows.items():
        texts = [base.classifier_text(normalise(t)) for t, _ in posts]
        encoded = encoder.scores_batch(texts)
        scored[name] = [(t, y, e, vc.lookup(table, c)) for (t, y), c, e in zip(posts, texts, encoded, strict=True)]
    paired = base.classifier
    if not isinstance(paired, WithStandardSpam):
        sys.exit("the rules file's transformer tier does not read the standard spam head (classifier.spam_model)")
    choices = [("encoder head alone", lambda e, s: e, float(manifest["thresholds"]["spam"])),
               ("standard head alone", lambda e, s: s, float(paired.spam.meta["thresholds"]["spam"]))]
    choices += [(f"mean of both at {m}", lambda e, s: (e + s) / 2, m) for m in args.mean]
    for label, combine, threshold in choices:
        rules = [replace(r, params={**r.params, "classifier_threshold": threshold}) if r.detector == "spam" else r
                 for r in base.rules]
        engine = PolicyEngine(replace(base.ruleset, rules=rules), base.classifier)
        cells = []
        for name, items in scored.items():
            tp = fp = fn = 0
            for i, (text, label_, enc, std) in enumerate(items):
                preset = {**enc, "spam": combine(enc["spam"], std)}
                found = engine._run(text_item(text, i), example_context(), preset)[0]
                spam = any(f.ground == Ground.SPAM for f in found)
                tp += label_ and spam
                fp += (not label_) and spam
                fn += label_ and not spam
            cells.append(f"{name} ({len(items)}, {tp + fn} spam): "
                         f"P {tp / max(1, tp + fp):.3f} R {tp / max(1, tp + fn):.3f}")
        print(f"- {label} ({threshold}): " + "; ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
