#!/usr/bin/env python3
"""Train the statistical second opinion shipped in bot/policy/data/classifier.json.gz.

Reproducible: fixed data splits (bot/policy/datasets.py), fixed fold seeds, no
network. Needs numpy, scipy and scikit-learn at training time only (the trained
model is read at run time without them).

    .venv/bin/python scripts/train_classifier.py            # train and write the model
    .venv/bin/python scripts/train_classifier.py --dry-run  # cross-validate only

Model: NB-SVM style logistic regression (Wang and Manning 2012) on binary,
L2-normalised features (words, word pairs, 2-5 letter groups inside words, see
bot/policy/classifier.py), each scaled by its naive-Bayes log-count ratio.

Heads:
  offensive  OLID training part. The regularisation C and both operating
             thresholds are chosen on 5-fold out-of-fold scores of the OLID
             training part, together with the word-list rules (what the queue
             really sees): "offensive" = best macro-F1 at precision >= 0.60,
             "offensive_high_recall" = highest threshold with recall >= 0.85.
  spam       spam: SMS and YouTube spam (training parts); not spam: SMS and YouTube
             ham, OLID and Davidson tweets, the civil council corpus's tuning part,
             and ordinary posts with a phone number, link or hashtag added. Link,
             @mention, number and hashtag tokens get no spam weight. Threshold: best
             F1 at out-of-fold precision >= 0.97.
The held-out parts are never read here.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain import Ground  # noqa: E402
from bot.policy import load_engine  # noqa: E402
from bot.policy.classifier import FEATURE_VERSION, MODEL_FILE, checksum_file, features  # noqa: E402
from bot.policy.datasets import datasets_dir, load_split  # noqa: E402
from bot.policy.evaluation import rule_flags, target_flags  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402

C_GRID = (3.0, 10.0, 30.0)
MIN_PRECISION = 0.60   # the precision floor for the queue
HIGH_RECALL = 0.85     # the recall target
FOLD_SEED = 7
SPAM_SEED = 11
SPAM_C = 4.0
SPAM_PRECISION = 0.97  # out-of-fold precision floor for the spam head's threshold
MAX_CIVIL_ALARMS = 0.01  # second-opinion-only alarms allowed on civil council posts
PRUNE = 0.005          # weights (after NB scaling) smaller than this are dropped


class Data:
    """Binary feature matrix of a set of texts, with the 1/sqrt(n) row norms."""

    def __init__(self, texts: list[str], labels: list[int]):
        engine = load_engine(classifier=False)
        self.keys = [engine.classifier_text(normalise(t)) for t in texts]
        sets = [features(k) for k in self.keys]
        names = sorted({f for fs in sets for f in fs})
        index = {f: i for i, f in enumerate(names)}
        rows = np.repeat(np.arange(len(sets)), [len(fs) for fs in sets])
        cols = np.fromiter((index[f] for fs in sets for f in fs), dtype=np.int64, count=len(rows))
        self.names = np.array(names, dtype=object)
        self.binary = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                        shape=(len(sets), len(names)))
        norms = 1.0 / np.sqrt(np.maximum(1, [len(fs) for fs in sets]))
        self.x = sparse.diags(norms) @ self.binary
        self.y = np.array(labels)
        self.drop = np.zeros(0, dtype=np.int64)  # columns a head may not use


def fit_head(data: Data, rows: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, float]:
    """(feature columns kept, their NB-scaled weights, bias) from training ``rows``."""
    b, y = data.binary[rows], data.y[rows]
    keep = np.setdiff1d(np.flatnonzero(np.asarray(b.sum(0)).ravel() >= 2), data.drop)
    p = np.asarray(b[y == 1][:, keep].sum(0)).ravel() + 1.0
    q = np.asarray(b[y == 0][:, keep].sum(0)).ravel() + 1.0
    ratio = np.log((p / p.sum()) / (q / q.sum()))
    x = data.x[rows][:, keep] @ sparse.diags(ratio)
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", max_iter=2000)
    model.fit(x, y)
    weights = model.coef_[0] * ratio
    strong = np.abs(weights) >= PRUNE
    return keep[strong], weights[strong], float(model.intercept_[0])


def score(data: Data, rows: np.ndarray, head: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    cols, weights, bias = head
    return 1.0 / (1.0 + np.exp(-(data.x[rows][:, cols] @ weights + bias)))


def oof_scores(data: Data, c: float) -> np.ndarray:
    """Out-of-fold scores on the training part: the validation data for every choice."""
    out = np.zeros(len(data.y))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=FOLD_SEED)
    for train, test in folds.split(np.zeros(len(data.y)), data.y):
        out[test] = score(data, test, fit_head(data, train, c))
    return out


def metrics(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    def prf(label: int) -> tuple[float, float, float]:
        tp = float(np.sum((pred == label) & (y == label)))
        p = tp / max(1.0, float(np.sum(pred == label)))
        r = tp / max(1.0, float(np.sum(y == label)))
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    p, r, f = prf(1)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "macro_f1": round((f + prf(0)[2]) / 2, 4)}


def operating_points(y: np.ndarray, scores: np.ndarray, rules: np.ndarray,
                     aimed: np.ndarray) -> dict[str, Any]:
    """Thresholds for (rules OR (model >= t AND aimed at someone)): balanced, and high recall.

    That is what the clerk's queue sees: the second opinion only counts on posts
    aimed at a person or group (``Analysis.target``).
    """
    candidates = np.unique(np.round(np.quantile(scores, np.linspace(0.01, 0.99, 393)), 4))
    table = [(float(t), metrics(y, (rules | ((scores >= t) & aimed)).astype(int)))
             for t in candidates]
    balanced = max((row for row in table if row[1]["precision"] >= MIN_PRECISION),
                   key=lambda row: row[1]["macro_f1"], default=table[-1])
    high = max((row for row in table if row[1]["recall"] >= HIGH_RECALL),
               key=lambda row: row[0], default=table[0])
    return {"balanced": balanced, "high_recall": high, "table": table}


def train_offensive(c_grid: tuple[float, ...]) -> dict:
    olid, _ = load_split("olid")
    data = Data([e.text for e in olid], [e.label for e in olid])
    rules = np.array(rule_flags([e.text for e in olid]))
    aimed = np.array(target_flags([e.text for e in olid]))
    print(f"OLID training part: {len(olid)} posts, {data.binary.shape[1]} distinct features; "
          f"rules alone (out-of-fold is the same): {metrics(data.y, rules.astype(int))}", flush=True)
    results = []
    for c in c_grid:
        points = operating_points(data.y, oof_scores(data, c), rules, aimed)
        print(f"  C={c}: balanced {points['balanced']}; high recall {points['high_recall']}",
              flush=True)
        results.append((points["balanced"][1]["macro_f1"], c, points))
    _, c, points = max(results, key=lambda r: r[0])
    head = fit_head(data, np.arange(len(data.y)), c)
    points["balanced"] = civil_safe_point(data, head, points)
    return {"data": data, "head": head, "C": c, "points": points}


def civil_safe_point(data: Data, head: tuple, points: dict) -> tuple:
    """The balanced point, raised until the second opinion alone flags at most
    ``MAX_CIVIL_ALARMS`` of the civil council posts it may look at (tuning part only).

    OLID's tweets are not council replies: a threshold that suits them flags
    residents' complaints that merely mention a councillor. The civil posts were
    never in the training data, so their scores are out of sample.
    """
    table = points["table"]
    civil = [e.text for e in civil_corpus()]
    if not civil:
        return points["balanced"]
    engine = load_engine(classifier=False)
    aimed = np.array(target_flags(civil))
    flagged = np.array(rule_flags(civil, grounds=frozenset(Ground)))
    cols, weights, bias = head
    table_w = dict(zip(data.names[cols], weights, strict=True))
    raw = []
    for text in civil:
        feats = features(engine.classifier_text(normalise(text)))
        total = sum(table_w.get(f, 0.0) for f in feats)
        raw.append(1 / (1 + np.exp(-(bias + total / np.sqrt(max(1, len(feats)))))))
    scores = np.array(raw)
    safe = [row for row in table if row[1]["precision"] >= MIN_PRECISION
            and np.mean(aimed & ~flagged & (scores >= row[0])) <= MAX_CIVIL_ALARMS]
    chosen = max(safe, key=lambda row: row[1]["macro_f1"], default=table[-1])
    alarms = float(np.mean(aimed & ~flagged & (scores >= chosen[0])))
    print(f"  civil-safe balanced point: {chosen[0]} -> OLID out-of-fold {chosen[1]}; "
          f"second-opinion alarms on {len(civil)} civil tuning posts: {alarms:.3f}", flush=True)
    return chosen


# Tokens that stand for a link, an @mention, a number or a hashtag: alone they are
# never spam (a resident gives a phone number, links to gov.uk, tags #potholes), so
# the spam head gets no weight for them or for word pairs made only of them.
STRUCTURAL_TOKENS = frozenset({"url", "auser", "0", "#"})
STRUCTURAL = frozenset({"<url>", "<auser>"}) | STRUCTURAL_TOKENS | frozenset(
    f"{a} {b}" for a in STRUCTURAL_TOKENS for b in STRUCTURAL_TOKENS)
# What a resident adds to an ordinary post: the model must learn these are not spam.
AUGMENT = ("call me on 07700 900{n:03d}", "see https://www.gov.uk/report-pothole", "#potholes",
           "my number is 01454 41{n:04d}", "https://planning.southglos.gov.uk/app/{n}",
           "@USER thanks", "ring 0117 496 {n:04d} after 6pm", "#Thornbury #HighStreet")


def spam_examples() -> tuple[list[str], list[int], list[str]]:
    """Texts, labels and source names: spam from SMS and YouTube, ordinary posts as negatives."""
    texts: list[str] = []
    labels: list[int] = []
    sources: list[str] = []

    def add(name: str, rows: list, label: int | None = None) -> None:
        for e in rows:
            texts.append(e.text)
            labels.append(e.label if label is None else label)
            sources.append(name)

    add("sms", load_split("sms")[0])
    add("youtube", load_split("youtube")[0])
    add("olid", load_split("olid")[0], 0)
    add("davidson", load_split("davidson")[0], 0)
    civil = civil_corpus()
    add("civil", civil, 0)
    rng = random.Random(SPAM_SEED)
    ham = [e for e in (*load_split("sms")[0], *load_split("youtube")[0], *load_split("olid")[0])
           if e.detail != "spam"]
    for n, e in enumerate(rng.sample(ham, 1500)):
        texts.append(f"{e.text} {AUGMENT[n % len(AUGMENT)].format(n=n % 1000)}")
        labels.append(0)
        sources.append("augmented")
    return texts, labels, sources


def civil_corpus() -> list:
    """Civil posts of the council corpus's tuning part (never the held-out part)."""
    from bot.policy.datasets import Example
    from bot.policy.measure import CORPUS_DIR, load_corpus

    cases = [c for path in sorted(CORPUS_DIR.glob("civil*.tune.yaml")) for c in load_corpus(path)]
    return [Example(c.text, 0, "civil") for c in cases if not c.grounds]


def train_spam() -> dict:
    texts, labels, sources = spam_examples()
    data = Data(texts, labels)
    data.drop = np.flatnonzero(np.isin(data.names, list(STRUCTURAL)))
    scores = oof_scores(data, SPAM_C)
    table = [(round(float(t), 3), metrics(data.y, (scores >= t).astype(int)))
             for t in np.arange(0.3, 0.991, 0.01)]
    best = max((row for row in table if row[1]["precision"] >= SPAM_PRECISION),
               key=lambda row: row[1]["f1"], default=table[-1])
    src = np.array(sources)
    for name in dict.fromkeys(sources):
        rows = src == name
        print(f"    {name}: {int(rows.sum())} posts, out-of-fold at {best[0]}: "
              f"{metrics(data.y[rows], (scores[rows] >= best[0]).astype(int))}", flush=True)
    print(f"  spam: threshold {best[0]} -> out-of-fold {best[1]}", flush=True)
    return {"data": data, "head": fit_head(data, np.arange(len(data.y)), SPAM_C), "point": best,
            "sources": sorted(set(sources))}


def head_doc(data: Data, head: tuple[np.ndarray, np.ndarray, float]) -> dict:
    cols, weights, bias = head
    order = np.argsort(data.names[cols])
    return {"bias": bias, "features": [str(f) for f in data.names[cols][order]],
            "weights": [round(float(w), 4) for w in weights[order]]}


def write_model(path: Path, data: bytes) -> None:
    """Gzip with no file name and no time in the header: the same model, the same bytes."""
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
        fh.write(data)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--c", type=float, nargs="*", default=list(C_GRID),
                        help="regularisation values to cross-validate")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    off = train_offensive(tuple(args.c))
    spam = train_spam()
    if args.dry_run:
        return 0
    root = datasets_dir()
    points = off["points"]
    heads = {"offensive": head_doc(off["data"], off["head"]),
             "spam": head_doc(spam["data"], spam["head"])}
    doc = {
        "feature_version": FEATURE_VERSION,
        "heads": heads,
        "meta": {
            "thresholds": {"offensive": points["balanced"][0],
                           "offensive_high_recall": points["high_recall"][0],
                           "spam": spam["point"][0]},
            "C": off["C"],
            "out_of_fold": {"offensive": points["balanced"][1],
                            "offensive_high_recall": points["high_recall"][1],
                            "spam": spam["point"][1]},
            "trained_on": {n: sha256(root / f) for n, f in (
                ("olid", "olid-training-v1.0.tsv"), ("sms", "sms-spam-dev.tsv"),
                ("youtube", "youtube-spam-collection.tsv"),
                ("davidson", "davidson-labeled_data.csv"))},
            "spam_sources": spam["sources"],
        },
    }
    write_model(args.out, json.dumps(doc, separators=(",", ":")).encode("utf-8"))
    checksum_file(args.out).write_text(f"{sha256(args.out)}  {args.out.name}\n", encoding="utf-8")
    sizes = {n: len(h["features"]) for n, h in heads.items()}
    print(f"wrote {args.out}: {sizes} features, {args.out.stat().st_size // 1024} KB")
    return check_runtime(args.out, off)


def check_runtime(path: Path, off: dict) -> int:
    """The shipped file, scored in pure Python, must agree with the trained model."""
    from bot.policy.classifier import Classifier

    olid, _ = load_split("olid")
    engine = load_engine(classifier=False)
    model = Classifier.load(path)
    rows = np.arange(0, len(olid), max(1, len(olid) // 300))
    expected = score(off["data"], rows, off["head"])
    got = np.array([model.scores(engine.classifier_text(normalise(olid[i].text)))["offensive"]
                    for i in rows])
    worst = float(np.max(np.abs(expected - got)))
    print(f"run-time scores agree with the trained model to {worst:.2e} on {len(rows)} posts")
    return 0 if worst < 1e-3 else 1


if __name__ == "__main__":
    sys.exit(main())
