#!/usr/bin/env python3
"""Side by side in one process: the transformer tier's whole engine scoring every post of a
poll first (as before session 7) and scoring lazily (only the posts a rule needs the model for).

    MODBOT_DATASETS=/work/shared/datasets .venv/bin/python scripts/bench_lazy_scoring.py [--rounds 3]

Both engines share the one loaded model; the repetitions are interleaved (old, new, old,
new...) so a busy machine slows both alike. Posts in calls of 80 (``evaluate_batch``, as the
core evaluates a poll). Sets: the first 800 OLID training-part tweets (``bench_transformer.py``'s
whole-engine posts), and the council corpora's tune parts. CPU time is this process's
(``time.process_time``), one core. Also checks that both give the same findings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from bot.policy import load_engine
    from bot.policy.evaluation import example_context, text_item
    from bot.policy.measure import load_corpus, part_files
    from scripts import transformer_data as td

    old, new = load_engine(tier="transformer"), load_engine(tier="transformer")
    old._bounded = False  # the spam rule reads the model on every post
    classifier: Any = new.classifier  # WithStandardSpam (spam_model: both, the default)
    encoder = classifier.transformer
    runs = [0]
    score = encoder.scores_batch

    def counted(texts):
        runs[0] += len(texts)
        return score(texts)

    encoder.scores_batch = counted  # type: ignore[method-assign]
    ctx = example_context()
    sets = {"OLID training tweets (first 800)": [p.text for p in td.training_part("olid")[:800]],
            "council corpora, tune parts": [c.text for p in part_files("tune") for c in load_corpus(p)]}
    print(f"load average {os.getloadavg()[0]:.1f}; one core")
    for name, texts in sets.items():
        pairs = [(text_item(t, i), ctx) for i, t in enumerate(texts)]
        calls = [pairs[i:i + 80] for i in range(0, len(pairs), 80)]
        ways = {"every post scored first": lambda c: old._evaluate_scored_first(c),
                "lazy (only posts a rule needs)": lambda c: new.evaluate_batch(c)}
        results = {k: [f for c in calls for f in way(c)] for k, way in ways.items()}  # warm, and compare
        same = len({repr(r) for r in results.values()}) == 1
        runs[0] = 0
        new.evaluate_batch(pairs)
        share = runs[0] / len(pairs)
        cpu: dict[str, list[float]] = {k: [] for k in ways}
        for _ in range(args.rounds):
            for k, way in ways.items():
                start = time.process_time()
                for c in calls:
                    way(c)
                cpu[k].append(len(pairs) / (time.process_time() - start))
        print(f"{name}: {len(pairs)} posts; same findings: {same}; the lazy engine ran the model on "
              f"{share:.1%} of them")
        for k, per in cpu.items():
            print(f"  {k}: {statistics.median(per):,.0f} posts per CPU second "
                  f"(median of {len(per)}: {', '.join(f'{p:,.0f}' for p in per)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
