#!/usr/bin/env python3
"""Throughput and memory of the policy engine on one core, with the default rules.

    .venv/bin/python scripts/bench_policy.py [--posts 20000]

Posts are OLID training-part tweets mixed with the council corpus's tuning part
(one post in five), repeated to the requested count and varied so no cache of
whole posts can help; no held-out text is read. Each configuration runs ``--repeat``
times and the median is reported, with the CPU time of a fixed pure-Python
reference loop so figures from a loaded or slow machine can be scaled. Memory is
the resident set size added by importing and loading the engine, measured in a
fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_MEMORY_PROBE = """
import json, os, sys, psutil
sys.path.insert(0, {root!r})
before = psutil.Process().memory_info().rss
from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item
engine = load_engine(classifier={classifier}, tier="standard")
engine.evaluate(text_item("warm up you numpty 07911 123456"), example_context())
after = psutil.Process().memory_info().rss
print(json.dumps({{"before": before, "after": after}}))
"""


def memory_mb(classifier: bool) -> tuple[float, float]:
    root = str(Path(__file__).resolve().parents[1])
    code = _MEMORY_PROBE.format(root=root, classifier=classifier)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    return data["after"] / 2**20, (data["after"] - data["before"]) / 2**20


def throughput(classifier: bool, texts: list[str]) -> tuple[float, float]:
    """(posts per wall-clock second, posts per CPU second of this process)."""
    from bot.policy import load_engine
    from bot.policy.evaluation import example_context, text_item

    engine = load_engine(classifier=classifier, tier="standard")  # the transformer: bench_transformer.py
    ctx = example_context()
    items = [text_item(t, i) for i, t in enumerate(texts)]
    for item in items[:200]:
        engine.evaluate(item, ctx)
    start, cpu = time.perf_counter(), time.process_time()
    for item in items:
        engine.evaluate(item, ctx)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return len(items) / wall, len(items) / cpu


def reference_loop() -> float:
    """CPU seconds for 10 million Python additions: this machine's speed right now."""
    start, total = time.process_time(), 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark the policy engine.")
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (median)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from bot.policy.datasets import load_training_part
    from bot.policy.measure import CORPUS_DIR, load_corpus

    council = [c.text for p in sorted(CORPUS_DIR.glob("*.tune.yaml")) for c in load_corpus(p)]
    base = [e.text for e in load_training_part("olid")][:4 * len(council)] + council
    texts = [f"{base[i % len(base)]} #{i}" for i in range(args.posts)]
    mean = sum(len(t) for t in texts) / len(texts)
    print(f"{len(texts)} posts (OLID training-part tweets and the council corpus's tuning part, "
          f"one in five; mean {mean:.0f} characters), one core, load average {os.getloadavg()[0]:.1f}")
    print(f"reference loop (10^7 additions): {reference_loop():.2f} CPU s")
    for classifier in (False, True):
        label = "rules + classifier" if classifier else "rules only"
        runs = [throughput(classifier, texts) for _ in range(args.repeat)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        total, added = memory_mb(classifier)
        print(f"{label}: {wall:,.0f} posts/s wall clock ({cpu:,.0f} per CPU second; median of "
              f"{len(runs)}: {', '.join(f'{r[1]:,.0f}' for r in runs)}); "
              f"process RSS {total:.1f} MB "
              f"(engine adds {added:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
