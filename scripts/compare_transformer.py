#!/usr/bin/env python3
"""Two transformer-tier models side by side, on what tuning may look at (run by hand).

    .venv/bin/python scripts/compare_transformer.py bot/policy/data/transformer /tmp/new-model \
        --oof-dir /tmp/oof --folds 5

For each model directory, through the whole rule engine (every rule, each model at its own
manifest's thresholds, the spam rule as the rules file asks):

* the shared sets' validation fold (the same posts for every model trained by
  ``scripts/train_transformer.py`` with the same seed and scale; never trained on): per
  source, posts flagged at all and (hate sets) flagged on the hate ground;
* the council corpora's tune posts: civil posts flagged (own-contact posts apart) and
  breaches flagged. Scored by the model itself (in-sample for a model that trained on them:
  said so) or, with ``--oof-dir``, for the model whose manifest has ``corpus_folds``, by
  the pooled out-of-fold scores (``scripts/transformer_oof.py``).

Reads only training parts, ``*.tune.yaml`` and the retired sets (never a held-out or blind fresh file).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.evaluation import example_context, text_item  # noqa: E402
from bot.policy.measure import part_files  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402
from bot.policy.transformer import TransformerClassifier, read_manifest  # noqa: E402
from scripts import transformer_data, transformer_oof  # noqa: E402

TRAINER = Path(__file__).resolve().parent / "train_transformer.py"
HEAD_OF_SOURCE = {"olid": 0, "davidson": 0, "wikipedia": 0, "stormfront": 3, "toxigen": 3, "edos": 3,
                  "sms": 5, "youtube": 5}


def trainer_constant(name: str):
    """A literal constant of train_transformer.py (which needs torch to import)."""
    for node in ast.parse(TRAINER.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise KeyError(name)


def shared_fold(scale: float) -> list[transformer_data.Post]:
    """The shared sets' part of the validation fold, rebuilt as the trainer builds it."""
    seed = trainer_constant("SEED")
    quotas = {k: max(1, round(v * scale)) for k, v in trainer_constant("QUOTAS").items()}
    posts = [p for name in transformer_data.SETS
             for p in transformer_data.sample(transformer_data.training_part(name), quotas, seed)]
    return transformer_data.validation_fold(posts, 0.15, seed)[1]


def fold_rows(model: TransformerClassifier, fold: list[transformer_data.Post]) -> list[str]:
    base = load_engine(classifier=False)
    texts = [base.classifier_text(normalise(p.text)) for p in fold]
    scores = model.scores_batch(texts)
    engine = transformer_oof.preset_engine(texts, scores, model.meta["thresholds"])
    ctx = example_context()
    found = [frozenset(f.ground for f in engine.evaluate(text_item(p.text, i), ctx)) for i, p in enumerate(fold)]
    lines = []
    for source in HEAD_OF_SOURCE:
        h = HEAD_OF_SOURCE[source]
        rows = [i for i, p in enumerate(fold) if p.source == source and p.labels[h] >= 0]
        tp = sum(1 for i in rows if fold[i].labels[h] and found[i])
        fp = sum(1 for i in rows if not fold[i].labels[h] and found[i])
        pos = sum(1 for i in rows if fold[i].labels[h])
        neg = len(rows) - pos
        p_, r_ = tp / max(1, tp + fp), tp / max(1, pos)
        f1 = 2 * p_ * r_ / max(1e-9, p_ + r_)
        tn = neg - fp
        np_, nr = tn / max(1, tn + pos - tp), tn / max(1, neg)
        nf1 = 2 * np_ * nr / max(1e-9, np_ + nr)
        cell = (f"{source} (n={len(rows)}, {pos} positive): flagged P {p_:.3f} R {r_:.3f} F1 {f1:.3f} "
                f"macro-F1 {(f1 + nf1) / 2:.3f}, false alarms {fp / max(1, neg):.1%}")
        if h == 3:
            right = sum(1 for i in rows if fold[i].labels[h] and Ground.HATE in found[i])
            cell += f"; hate ground recall {right / max(1, pos):.3f}"
        lines.append(cell)
    return lines


def corpus_line(figures: dict, how: str) -> str:
    e = figures
    per = ", ".join(f"{g} {v['flagged']}/{v['n']}" for g, v in e["per_ground"].items())
    return (f"corpora tune ({how}): civil flagged {e['civil_flagged']} of {e['civil']} ({e['civil_alarm_rate']:.1%}); "
            f"breaches flagged {e['breaches_flagged']} of {e['breaches']} ({e['recall']:.1%}), right ground "
            f"{e['right_ground_recall']:.1%}; by ground flagged: {per}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--oof-dir", type=Path, default=None)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-fold", action="store_true", help="only the corpora")
    parser.add_argument("--batch", type=int, default=None,
                        help="also the corpora's figures on the tune posts of this batch alone (e.g. the newest, "
                             "which an older model never saw)")
    parser.add_argument("--retired", action="store_true",
                        help="also the corpora's figures on the retired sets' posts alone (fresh, fresh2, fresh3: no "
                             "model before session 6 trained on them)")
    args = parser.parse_args()
    files = transformer_data.corpus_tune_files()
    retired_files = set(part_files("retired"))
    from_retired = [path in retired_files for path in files for _ in transformer_data.corpus_posts(path)]
    subsets = []  # (name, which posts, the files they come from: None = tune parts)
    if args.batch is not None:
        subsets.append((f"batch {args.batch} only", lambda i, c: c.batch == args.batch, None))
    if args.retired:
        subsets.append(("retired sets only", lambda i, c: from_retired[i], {p.name for p in retired_files}))
    posts = [p for path in files for p in transformer_data.corpus_posts(path)]
    cases = transformer_oof.corpus_cases(files)
    base = load_engine(classifier=False)
    texts = [base.classifier_text(normalise(p.text)) for p in posts]
    for directory in args.models:
        manifest = read_manifest(directory)
        model = TransformerClassifier.load(directory, threads=2)
        print(f"## {directory}: model {model.sha256[:12]}, thresholds {manifest['thresholds']}", flush=True)
        if not args.skip_fold:
            for line in fold_rows(model, shared_fold(float(manifest["training"].get("scale", 1.0)))):
                print("- validation fold " + line, flush=True)
        trained = set(manifest.get("sample", {}).get("counts", {}).get("fit", {}))
        in_sample = any(k.startswith("corpus:") for k in trained)
        scores = model.scores_batch(texts)
        runs = [("scored by this model: IN-SAMPLE for the posts it trained on" if in_sample
                 else "scored by this model", scores)]
        if args.oof_dir and manifest.get("corpus_folds"):
            fold_of = transformer_data.corpus_folds(posts, args.folds, trainer_constant("SEED"))
            runs.append(("pooled out-of-fold scores",
                         transformer_oof.read_folds(args.oof_dir, args.folds, posts, fold_of)[1]))
        for how, got in runs:
            report = transformer_oof.engine_report(cases, texts, got, manifest["thresholds"])
            print("- " + corpus_line(transformer_oof.report_figures(report), how), flush=True)
            for name, keep, names in subsets:
                rows = [i for i, c in enumerate(cases) if keep(i, c)]
                report = transformer_oof.engine_report([cases[i] for i in rows], [texts[i] for i in rows],
                                                       [got[i] for i in rows], manifest["thresholds"])
                read = {key.rsplit("/", 1)[-1] for key in manifest.get("data_sha256", {})}
                shown = how if names is None or read & names or got is not scores else (
                    "scored by this model, which never trained on them")
                print(f"- {name}, " + corpus_line(transformer_oof.report_figures(report), shown), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
