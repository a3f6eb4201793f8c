#!/usr/bin/env python3
"""Where the whole engine's civil false alarms and breach catches come from, on the corpora's
tuning posts scored out of fold (the k-fold run's score files), at a model's thresholds.

    .venv/bin/python scripts/oof_alarms.py OOF_DIR K [--manifest DIR/manifest.json] [--set head=value ...]

Prints, per rule: civil posts it flags (own-contact posts apart), civil posts only it flags,
breaches it flags and breaches only it flags; then the engine's totals. Reads only what training
reads (``transformer_data.corpus_tune_files``: tune parts and retired sets).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.policy import load_engine  # noqa: E402
from bot.policy.measure import corpus_report, judge_cases  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402
from bot.policy.transformer import MODEL_DIR  # noqa: E402
from scripts import transformer_data, transformer_oof  # noqa: E402
from scripts.compare_transformer import trainer_constant  # noqa: E402


def load_pool(oof_dir: Path, k: int):
    """(cases, classifier texts, out-of-fold scores, fold numbers) of the tuning posts."""
    files = transformer_data.corpus_tune_files()
    posts = [p for f in files for p in transformer_data.corpus_posts(f)]
    fold_of = transformer_data.corpus_folds(posts, k, trainer_constant("SEED"))  # the trainer's seed
    _headers, scores, _shas = transformer_oof.read_folds(oof_dir, k, posts, fold_of)
    engine = load_engine(classifier=False)
    texts = [engine.classifier_text(normalise(p.text)) for p in posts]
    return transformer_oof.corpus_cases(files), texts, scores, fold_of


def by_rule(cases, results) -> dict[str, Counter]:
    out = {"civil": Counter(), "civil_only": Counter(), "breach": Counter(), "breach_only": Counter()}
    for case, findings in zip(cases, results, strict=True):
        if case.own_contact:
            continue
        rules = sorted({f.rule_id for f in findings})
        part = "breach" if case.grounds else "civil"
        out[part].update(rules)
        if len(rules) == 1:
            out[part + "_only"].update(rules)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("oof_dir", type=Path)
    parser.add_argument("k", type=int)
    parser.add_argument("--manifest", type=Path, default=MODEL_DIR / "manifest.json")
    parser.add_argument("--set", action="append", default=[], metavar="HEAD=VALUE")
    parser.add_argument("--sweep", nargs="*", default=None, metavar="HEAD",
                        help="for each head (default: every threshold), the whole engine's civil posts and "
                             "breaches flagged with that one threshold moved over a grid, the others as set")
    args = parser.parse_args()
    thresholds = dict(json.loads(args.manifest.read_text(encoding="utf-8"))["thresholds"])
    for item in args.set:
        head, _, value = item.partition("=")
        thresholds[head] = float(value)
    cases, texts, scores, _fold_of = load_pool(args.oof_dir, args.k)
    results = judge_cases(transformer_oof.preset_engine(texts, scores, thresholds), cases)
    counts = by_rule(cases, results)
    print("thresholds", json.dumps(thresholds, sort_keys=True))
    rules = sorted(set().union(*counts.values()), key=lambda r: -counts["civil"][r])
    print(f"{'rule':40} civil only | breach only")
    for r in rules:
        print(f"{r:40} {counts['civil'][r]:5} {counts['civil_only'][r]:4} | "
              f"{counts['breach'][r]:5} {counts['breach_only'][r]:4}")
    figures = transformer_oof.report_figures(corpus_report(cases, results))
    print(json.dumps({k: v for k, v in figures.items() if k != "per_ground"}))
    print(json.dumps(figures["per_ground"]))
    if args.sweep is not None:
        for head in args.sweep or sorted(thresholds):
            print(f"\n{head} (now {thresholds[head]}): threshold civil flagged / breaches flagged")
            for t in sweep_grid(thresholds[head]):
                moved = thresholds | {head: t}
                got = corpus_report(cases, judge_cases(transformer_oof.preset_engine(texts, scores, moved), cases))
                print(f"  {t:.3f}  {got.civil_flagged:4} / {got.breaches_flagged:4}", flush=True)
    return 0


def sweep_grid(now: float) -> list[float]:
    """Thresholds around ``now``: a few below, more above (where civil alarms are removed)."""
    grid = {round(now + d, 3) for d in (-0.1, -0.05, 0.0, 0.02, 0.05, 0.08, 0.12)}
    grid |= {0.9, 0.95, 0.98, 0.99}
    return sorted(t for t in grid if 0.0 < t < 1.0)


if __name__ == "__main__":
    sys.exit(main())
