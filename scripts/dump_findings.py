#!/usr/bin/env python3
"""Every finding the engine gives on a fixed set of posts, one JSON line per post and tier.

    MODBOT_DATASETS=/work/shared/datasets .venv/bin/python scripts/dump_findings.py OUT.jsonl \
        [--tiers rules,standard,transformer] [--limit N] [--batch N]

An output-equality harness for changes that must not change a single finding
(speed work, refactoring): dump before and after, then ``cmp`` the two files (also
under another ``PYTHONHASHSEED``). The posts (about 7,500) are the council corpora's
tune parts, the retired blind sets (fresh, fresh2, fresh3), ``tests/policy/council_cases.yaml``
and a fixed sample of each public set's training part. No blind set is read: no
``*.heldout.yaml``, ``*.fresh4.yaml`` or ``*.fresh5.yaml``, no held-out part.

Tiers: ``rules`` (no classifier), ``standard`` and ``transformer`` (the rules file's
default set with that second opinion). Each line holds the post's number, its source,
and each finding in the engine's order: rule, ground, severity, clauses, explanation,
spans, proposed actions, police referral, score (``repr``) and model SHA-256.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE_PER_SET = 540
TIERS = ("rules", "standard", "transformer")
BLIND = (".heldout.yaml", ".fresh4.yaml", ".fresh5.yaml")


def posts() -> list[tuple[str, Any, Any]]:
    """(source, item, context) for every post of the fixed set, in a fixed order."""
    from bot.policy.datasets import LOADERS, load_split
    from bot.policy.evaluation import example_context, text_item
    from bot.policy.measure import case_item, load_corpus, part_files

    files = part_files("tune") + part_files("retired") + [ROOT / "tests" / "policy" / "council_cases.yaml"]
    out = []
    number = 0
    for path in files:
        assert not path.name.endswith(BLIND), path  # never a blind set
        for case in load_corpus(path):
            ctx = example_context(
                same_text_authors=int(case.context.get("same_text_authors", 0)),
                author_upheld_recent=int(case.context.get("author_upheld_recent", 0)))
            out.append((path.name, case_item(case, number), ctx))
            number += 1
    ctx = example_context()
    for name in LOADERS:
        train = load_split(name)[0]  # the training part only
        chosen = sorted(random.Random(f"dump_findings:{name}").sample(range(len(train)),
                                                                      min(SAMPLE_PER_SET, len(train))))
        for i in chosen:
            out.append((f"{name}:{i}", text_item(train[i].text, number), ctx))
            number += 1
    return out


def finding_record(f) -> list:
    return [f.rule_id, str(f.ground), int(f.severity), list(f.clauses), f.explanation,
            [[s.start, s.end, s.text] for s in f.spans], [str(a) for a in f.proposed_actions],
            f.police_referral, repr(f.score), f.model_sha256]


def engine_for(tier: str):
    from bot.policy import load_engine

    if tier == "rules":
        return load_engine(classifier=False)
    return load_engine(tier=tier)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tiers", default=",".join(TIERS))
    parser.add_argument("--limit", type=int, default=0, help="first N posts only (quick checks)")
    parser.add_argument("--batch", type=int, default=0,
                        help="evaluate N posts a call with evaluate_batch, as the core does a poll's "
                             "items (default: evaluate, one post a call)")
    args = parser.parse_args()
    tiers = [t for t in args.tiers.split(",") if t]
    unknown = set(tiers) - set(TIERS)
    if unknown:
        parser.error(f"unknown tiers {sorted(unknown)}")
    chosen = posts()
    if args.limit:
        chosen = chosen[:args.limit]
    with args.out.open("w", encoding="utf-8") as fh:
        for tier in tiers:
            engine = engine_for(tier)
            cpu = time.process_time()
            if args.batch:
                results = []
                for start in range(0, len(chosen), args.batch):
                    results.extend(engine.evaluate_batch([(item, ctx) for _, item, ctx
                                                          in chosen[start:start + args.batch]]))
            else:
                results = [engine.evaluate(item, ctx) for _, item, ctx in chosen]
            for number, ((source, _, _), findings) in enumerate(zip(chosen, results, strict=True)):
                fh.write(json.dumps([tier, number, source, [finding_record(f) for f in findings]],
                                    ensure_ascii=False, sort_keys=True) + "\n")
            print(f"{tier}: {len(chosen)} posts, {time.process_time() - cpu:.1f} CPU s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
