#!/usr/bin/env python3
"""Standard tier, transformer tier and alt-profanity-check side by side, in one run.

    .venv/bin/python scripts/bench_transformer.py [--profanity-python .venv-train/bin/python]
                                                  [--skip-rss] [--skip-quality]
                                                  [--fresh | --fresh2 | --fresh3 | --fresh4 | --fresh5]

Quality (held-out parts only, read here at reporting time and nowhere else):
"flagged" is any finding at all, as the clerk's queue sees it.
  * OLID held-out split: offensive vs not (precision, recall, F1, macro-F1).
  * council corpora held-out parts: breaches (any ground) vs civil posts; with
    ``--fresh`` the fresh files (``*.fresh.yaml``: never split, never tuned on) instead,
    with ``--fresh2`` the second fresh set (``*.fresh2.yaml``, the same rule), with
    ``--fresh3`` the third (``*.fresh3.yaml``, the same rule), with ``--fresh4`` the fourth
    (``*.fresh4.yaml``, the same rule), with ``--fresh5`` the fifth (``*.fresh5.yaml``, the same
    rule).
  * civil false-alarm rate: the corpora's civil held-out (or fresh) posts that get flagged.
  * hate on group-hate data (Stormfront, ToxiGen held-out; EDOS test split):
    share of the hateful posts with a finding on the hate ground, and flagged at all.
alt-profanity-check (installed only in the training venv) runs in a subprocess of
that interpreter on the same texts, at its default threshold; it has no grounds.
Speed and memory: the model alone (batches of 80, one thread), the whole engine
per tier, cold start, and the RSS of ``modbot run`` idle and while polling. Wall
and CPU times are both printed with the load average: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.datasets import datasets_dir  # noqa: E402
from bot.policy.evaluation import example_context, text_item  # noqa: E402
from bot.policy.measure import CORPUS_DIR, Case, case_item, corpus_report, load_corpus  # noqa: E402
from bot.policy.transformer import TransformerClassifier  # noqa: E402
from scripts import transformer_data as td  # noqa: E402
from scripts.bench_ingest import free_port, wait_for_polls  # noqa: E402
from scripts.transformer_thresholds import prf  # noqa: E402

TIERS = ("standard", "transformer")
# What the quality figures may read: never "tune".
QUALITY_PARTS = ("heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5")
PROFANITY = ("import sys, json\nfrom profanity_check import predict\n"
             "print(json.dumps([int(x) for x in predict(json.load(sys.stdin))]))\n")


def held_out(name: str) -> list[td.Post]:
    """A shared set's held-out part (the complement of ``transformer_data.training_part``)."""
    file, delimiter, label = td.SETS[name]
    posts = [label(r) for r in td._rows(file, datasets_dir(), delimiter)]
    if name == "edos":
        return [p for p in posts if p.official_split == "test"]
    return td.split_posts(posts, name)[1]


def corpus_files(part: str = "heldout") -> list[Path]:
    """The council corpus files of one part: ``heldout``, ``fresh``, ``fresh2``, ``fresh3``, ``fresh4`` or
    ``fresh5``."""
    if part not in QUALITY_PARTS:
        raise ValueError(f"not a reporting part: {part!r} (one of {', '.join(QUALITY_PARTS)})")
    return sorted(CORPUS_DIR.glob(f"*.{part}.yaml"))


def corpus_held_out(part: str = "heldout") -> list[Case]:
    """The council corpora's held-out parts, or with ``part="fresh"`` (``"fresh2"``, ``"fresh3"``,
    ``"fresh4"``, ``"fresh5"``) a fresh set."""
    cases: list[Case] = []
    for path in corpus_files(part):
        cases.extend(load_corpus(path))
    return cases


def case_findings(engine, cases: list[Case]) -> list[list]:
    """Each case's findings with the context the corpus gives it (as ``measure.judge_cases``)."""
    pairs = [(case_item(c, i), example_context(
        same_text_authors=int(c.context.get("same_text_authors", 0)),
        author_upheld_recent=int(c.context.get("author_upheld_recent", 0)))) for i, c in enumerate(cases)]
    out: list[list] = []
    for start in range(0, len(pairs), 80):
        out.extend(engine.evaluate_batch(pairs[start:start + 80]))
    return out


def engine_grounds(engine, texts: list[str]) -> list[set[Ground]]:
    ctx = example_context()
    out: list[set[Ground]] = []
    for start in range(0, len(texts), 80):
        pairs = [(text_item(t, start + i), ctx) for i, t in enumerate(texts[start:start + 80])]
        out.extend({f.ground for f in fs} for fs in engine.evaluate_batch(pairs))
    return out


def profanity_flags(python: str | None, texts: list[str]) -> list[bool] | None:
    if not python:
        return None
    done = subprocess.run([python, "-c", PROFANITY], input=json.dumps(texts), capture_output=True,
                          text=True, check=False)
    if done.returncode:
        print(f"alt-profanity-check not run: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return [bool(x) for x in json.loads(done.stdout)]


def quality(engines: dict, python: str | None, part: str = "heldout") -> None:
    olid = held_out("olid")
    texts, gold = [p.text for p in olid], [p.labels[0] for p in olid]
    cases = corpus_held_out(part)
    corpora = f"corpora {part}" if part.startswith("fresh") else "corpora held-out"
    print("| data set | system | precision | recall | F1 | macro-F1 |\n|---|---|---|---|---|---|")
    rows, civil_rows = [], []
    for tier, engine in engines.items():
        rows.append(("OLID held-out", f"{tier} tier", gold, [bool(g) for g in engine_grounds(engine, texts)]))
        if cases:
            found = case_findings(engine, cases)
            report = corpus_report(cases, found)
            flagged = [bool(f) for f in found]
            rows.append((corpora, f"{tier} tier", [bool(c.grounds) for c in cases], flagged))
            civil_rows.append(f"{tier} tier {report.civil_flagged}/{report.civil} = {report.false_alarm_rate:.3f}"
                              f" (own contact details treated too harshly: {report.own_contact_wrong})")
    flags = profanity_flags(python, texts)
    if flags is not None:
        rows.append(("OLID held-out", "alt-profanity-check", gold, flags))
    flags = profanity_flags(python, [c.text for c in cases]) if cases else None
    if flags is not None:
        rows.append((corpora, "alt-profanity-check", [bool(c.grounds) for c in cases], flags))
        civil = [f for f, c in zip(flags, cases, strict=True) if not c.grounds and not c.own_contact]
        civil_rows.append(f"alt-profanity-check {sum(civil)}/{len(civil)} = {sum(civil) / max(1, len(civil)):.3f}")
    for label, system, g, f in sorted(rows, key=lambda r: r[0], reverse=True):
        m = prf(g, f)
        print(f"| {label} (n={len(g)}) | {system} | {m['precision']:.3f} | {m['recall']:.3f} | "
              f"{m['f1']:.3f} | {m['macro_f1']:.3f} |")
    print(f"\ncivil false-alarm rate ({corpora}, civil): " + ("; ".join(civil_rows) or "no corpus"))
    print("hate on group-hate data (held-out):\n  " + "\n  ".join(hate_rows(engines, python)))


def hate_rows(engines: dict, python: str | None) -> list[str]:
    out = []
    for name in ("stormfront", "toxigen", "edos"):
        texts = [p.text for p in held_out(name) if p.labels[3] == 1]
        for tier, engine in engines.items():
            found = engine_grounds(engine, texts)
            as_hate = sum(1 for g in found if Ground.HATE in g)
            out.append(f"{name} ({len(texts)} hateful): {tier} tier hate ground {as_hate / len(texts):.3f}, "
                       f"flagged {sum(1 for g in found if g) / len(texts):.3f}")
        flags = profanity_flags(python, texts)
        if flags is not None:
            out.append(f"{name}: alt-profanity-check flagged {sum(flags) / len(texts):.3f}")
    return out


def sample_texts(n: int) -> list[str]:
    return [p.text for p in td.training_part("olid")[:n]]


def model_alone(texts: list[str], rounds: int) -> list[str]:
    """The model on one call of ``len(texts)`` posts, one thread: as shipped (one post per
    ONNX run, so no padding) and with all of them in a single padded run."""
    out = []
    for batch_size, how in ((1, "one post per run (the default)"), (len(texts), "all in one padded run")):
        model = TransformerClassifier.load(threads=1, batch_size=batch_size)
        model.scores_batch(texts)
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            model.scores_batch(texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        n = rounds * len(texts)
        out.append(f"transformer model alone, {len(texts)} posts a call, {how}, one thread: "
                   f"{n / wall:.0f} posts/s wall, {n / cpu:.0f} posts/s per CPU second "
                   f"({1000 * cpu / n:.2f} ms CPU per post)")
    return out


def whole_engine(engines: dict, texts: list[str]) -> list[str]:
    out = []
    for tier, engine in engines.items():
        engine_grounds(engine, texts[:80])
        wall, cpu = time.perf_counter(), time.process_time()
        engine_grounds(engine, texts)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        out.append(f"whole engine, {tier} tier, {len(texts)} posts in batches of 80: "
                   f"{len(texts) / wall:.0f} posts/s wall, {len(texts) / cpu:.0f} posts/s per CPU second")
    return out


def rules_file(tmp: Path, tier: str) -> Path:
    path = tmp / f"rules-{tier}.yaml"
    path.write_text(yaml.safe_dump({"extends": str(REPO / "config" / "rules.yaml"),
                                    "classifier": {"tier": tier}}), encoding="utf-8")
    return path


def cold_start(tier: str, tmp: Path) -> str:
    code = ("import time; t = time.perf_counter()\nfrom bot.policy import load_engine\n"
            "from bot.policy.evaluation import example_context, text_item\n"
            f"e = load_engine(path={str(rules_file(tmp, tier))!r})\n"
            "e.evaluate(text_item('first post'), example_context())\n"
            "print(round(time.perf_counter() - t, 2), round(time.process_time(), 2))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    wall, cpu = done.stdout.split()
    return f"cold start, {tier} tier (import, load rules and model, first post): {wall} s wall, {cpu} s CPU"


def service_rss(tier: str, tmp: Path, watch: float, settle: float) -> str:
    port = free_port()
    doc = yaml.safe_load((REPO / "config" / "demo.yaml").read_text())
    doc.update(data_dir=str(tmp / f"data-{tier}"), rules_file=str(rules_file(tmp, tier)))
    doc["web"].update(port=port, public_url=f"http://127.0.0.1:{port}")
    cfg = tmp / f"modbot-{tier}.yaml"
    cfg.write_text(yaml.safe_dump(doc))
    proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(cfg), "run"], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_polls(port, proc)
        peak, end = 0, time.monotonic() + watch
        while time.monotonic() < end:  # sampling memory over time is what this measures
            peak = max(peak, psutil.Process(proc.pid).memory_info().rss)
            time.sleep(0.25)
        time.sleep(settle)
        idle = psutil.Process(proc.pid).memory_info().rss
    finally:
        proc.terminate()
        proc.wait(30)
    return (f"modbot run, {tier} tier, demo config (two simulated accounts): RSS while polling "
            f"(peak over {watch:.0f} s) {peak / 2**20:.0f} MB, idle {idle / 2**20:.0f} MB")


def quality_part(fresh: bool, fresh2: bool, fresh3: bool = False, fresh4: bool = False,
                 fresh5: bool = False) -> str:
    """Which council corpus files the quality figures read."""
    if fresh5:
        return "fresh5"
    if fresh4:
        return "fresh4"
    if fresh3:
        return "fresh3"
    return "fresh2" if fresh2 else "fresh" if fresh else "heldout"


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare the second-opinion tiers.")
    parser.add_argument("--profanity-python", default=str(REPO / ".venv-train" / "bin" / "python"),
                        help="a Python with alt-profanity-check installed ('' to skip it)")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-rss", action="store_true")
    fresh = parser.add_mutually_exclusive_group()
    fresh.add_argument("--fresh", action="store_true",
                       help="the council corpora's fresh files instead of their held-out parts")
    fresh.add_argument("--fresh2", action="store_true",
                       help="the council corpora's second fresh set (*.fresh2.yaml) instead")
    fresh.add_argument("--fresh3", action="store_true",
                       help="the council corpora's third fresh set (*.fresh3.yaml) instead")
    fresh.add_argument("--fresh4", action="store_true",
                       help="the council corpora's fourth fresh set (*.fresh4.yaml) instead")
    fresh.add_argument("--fresh5", action="store_true",
                       help="the council corpora's fifth fresh set (*.fresh5.yaml) instead")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    python = args.profanity_python if args.profanity_python and Path(args.profanity_python).exists() else None
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    engines = {tier: load_engine(tier=tier) for tier in TIERS}
    for tier, engine in engines.items():
        assert engine.classifier is not None, f"the {tier} tier loads a model"
        print(f"{tier} tier: model SHA-256 {engine.classifier.sha256}")
    if not args.skip_quality:
        quality(engines, python, quality_part(args.fresh, args.fresh2, args.fresh3, args.fresh4,
                                                  args.fresh5))
    texts = sample_texts(800)
    print("\n".join(model_alone(texts[:80], args.rounds)))
    print("\n".join(whole_engine(engines, texts)))
    with tempfile.TemporaryDirectory() as tmp:
        for tier in TIERS:
            print(cold_start(tier, Path(tmp)))
        if not args.skip_rss:
            for tier in TIERS:
                print(service_rss(tier, Path(tmp), watch=20, settle=10))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
