"""Out-of-fold scores of the council corpora's tune posts, for the transformer tier's thresholds.

Used by ``scripts/train_transformer.py --corpus-folds K`` (no torch here). The corpora's
tune posts are cut into K folds (``transformer_data.corpus_folds``: stratified by file and
kind, fixed seed). For each fold a second-stage model is trained without it, exported and
quantised exactly as shipped, and the fold is scored through the bot's own run-time code
(``TransformerClassifier``, on the text ``PolicyEngine.classifier_text`` hands it). Each
fold's scores go to ``fold-<k>.json`` in one directory; pooled, every tune post has a score
from a model that never trained on it, and the thresholds' corpus part (above all the civil
false-alarm limit) is chosen on all of them (about a thousand civil posts) instead of on a
15% fold (about 120).

``engine_report`` runs the whole rule engine over the corpus posts with those scores in
place of the model's (every rule, every second opinion at the given thresholds, the spam
rule on the mean of the encoder's and the standard spam head as shipped): the civil false
alarms and breaches flagged as the clerk would see them, out of fold for the model. (The
word-list rules were written on these same tune posts: for them the figures are in-sample.)
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts import transformer_data  # noqa: E402
from scripts.transformer_data import Post, post_key  # noqa: E402

FORMAT = 1


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def fold_file(directory: Path, k: int) -> Path:
    return Path(directory) / f"fold-{k}.json"


def write_fold(directory: Path, k: int, folds: int, posts: Sequence[Post], texts: Sequence[str],
               scores: Sequence[dict[str, float]], info: dict[str, Any]) -> Path:
    """One fold's out-of-fold scores (``posts``: the fold's corpus posts, never trained on)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    doc = {"format": FORMAT, "fold": k, "folds": folds, **info,
           "posts": [{"key": post_key(p), "source": p.source, "kind": p.kind, "labels": list(p.labels),
                      "text_sha256": text_sha(t), "scores": {h: round(float(v), 6) for h, v in s.items()}}
                     for p, t, s in zip(posts, texts, scores, strict=True)]}
    path = fold_file(directory, k)
    path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_folds(directory: Path, folds: int, posts: Sequence[Post], fold_of: Sequence[int]
               ) -> tuple[list[dict[str, Any]], list[dict[str, float]], list[str]]:
    """(each fold file's header, one score per post in ``posts``' order, each score's
    classifier-text SHA-256). Refuses files that do not cover exactly these posts with
    exactly this fold assignment (another seed, K or corpus would be mixed in otherwise)."""
    headers, by_key = [], {}
    for k in range(folds):
        path = fold_file(directory, k)
        if not path.is_file():
            sys.exit(f"missing out-of-fold scores {path}: train fold {k} first (--corpus-fold {k})")
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("folds") != folds or doc.get("fold") != k:
            sys.exit(f"{path} is fold {doc.get('fold')} of {doc.get('folds')}, not {k} of {folds}")
        for row in doc["posts"]:
            if row["key"] in by_key:
                sys.exit(f"{path}: a post is scored twice (key {row['key'][:12]})")
            by_key[row["key"]] = (k, row)
        headers.append({key: v for key, v in doc.items() if key != "posts"} | {"posts": len(doc["posts"])})
    scores, shas = [], []
    for p, k in zip(posts, fold_of, strict=True):
        got = by_key.pop(post_key(p), None)
        if got is None or got[0] != k:
            sys.exit(f"the out-of-fold scores in {directory} do not match the corpora's tune posts "
                     f"(a post of fold {k} is {'missing' if got is None else f'in fold {got[0]}'}): "
                     "the tune files changed since the fold models were trained; train them again")
        scores.append(dict(got[1]["scores"]))
        shas.append(got[1]["text_sha256"])
    if by_key:
        sys.exit(f"{directory} scores {len(by_key)} posts that are no longer in the tune files")
    return headers, scores, shas


def corpus_cases(files: Sequence[Path]) -> list:
    """The corpora's tune cases (with their context: mentions, links, same-text counts), in
    the order of ``transformer_data.corpus_posts`` over the same files."""
    from bot.policy.measure import load_corpus

    return [c for path in files for c in load_corpus(path)]


class PresetScores:
    """Stands in for the shipped encoder inside ``WithStandardSpam``: the engine gets each
    post's scores from ``preset`` (the out-of-fold scores), at ``thresholds``."""

    tier = "transformer"

    def __init__(self, thresholds: dict[str, float], sha256: str = "out-of-fold"):
        self.sha256 = sha256
        self.heads = transformer_data.HEADS
        self.meta = {"thresholds": dict(thresholds), "tier": self.tier}
        self.preset: dict[str, dict[str, float]] = {}

    def scores_batch(self, classifier_texts: Sequence[str]) -> list[dict[str, float]]:
        return [self.preset[text_sha(t)] for t in classifier_texts]

    def scores(self, classifier_text: str) -> dict[str, float]:
        return self.scores_batch([classifier_text])[0]


def preset_engine(texts: Sequence[str], scores: Sequence[dict[str, float]], thresholds: dict[str, float],
                  rules_file: Path | None = None):
    """The whole engine (transformer tier, spam score as the rules file asks: with ``both`` the
    mean of these ``spam`` scores and the standard spam head's), each of ``texts`` (classifier
    texts) scored by ``scores`` instead of the model, at ``thresholds``."""
    from bot.policy import load_engine
    from bot.policy.engine import PolicyEngine
    from bot.policy.transformer_tier import WithStandardSpam

    shipped = load_engine(path=rules_file, classifier=False)
    real = load_engine(path=rules_file, tier="transformer").classifier
    encoder = PresetScores(thresholds)
    for t, s in zip(texts, scores, strict=True):
        encoder.preset[text_sha(t)] = s
    classifier: Any = encoder
    if isinstance(real, WithStandardSpam):
        classifier = WithStandardSpam(classifier, real.spam, real.mode)
    return PolicyEngine(shipped.ruleset, classifier)


def engine_report(cases: Sequence, texts: Sequence[str], scores: Sequence[dict[str, float]],
                  thresholds: dict[str, float], rules_file: Path | None = None):
    """``bot.policy.measure.corpus_report`` of ``preset_engine`` over the corpus ``cases``."""
    from bot.policy.measure import corpus_report, judge_cases

    return corpus_report(cases, judge_cases(preset_engine(texts, scores, thresholds, rules_file), cases))


def report_figures(report) -> dict[str, Any]:
    """The figures of a ``CorpusReport`` that go to the manifest and the notes."""
    r = report
    return {"civil": r.civil, "civil_flagged": r.civil_flagged, "civil_alarm_rate": round(r.false_alarm_rate, 4),
            "breaches": r.breaches, "breaches_flagged": r.breaches_flagged,
            "breaches_right_ground": r.breaches_right,
            "recall": round(r.breaches_flagged / max(1, r.breaches), 4),
            "right_ground_recall": round(r.breaches_right / max(1, r.breaches), 4),
            "per_ground": {str(g.value if hasattr(g, "value") else g): {"n": n, "flagged": f, "right": right}
                           for g, (n, f, right, _t) in r.per_ground.items()},
            "own_contact": r.own_contact, "own_contact_harsher": r.own_contact_wrong}


def analyses(texts: Sequence[str], cases: Sequence | None = None, rules_file: Path | None = None):
    """Each post's ``Analysis`` as the engine makes it: ``cases``, the corpus cases (their mentions
    and context), else plain replies with ``texts``."""
    from bot.policy import load_engine
    from bot.policy.analysis import Analysis
    from bot.policy.evaluation import example_context, text_item
    from bot.policy.measure import case_item

    engine = load_engine(path=rules_file, classifier=False)
    ctx = example_context()
    for i, text in enumerate(texts):
        yield Analysis(case_item(cases[i], i) if cases is not None else text_item(text, i), ctx, engine.lexicon)


def guard_flags(texts: Sequence[str], cases: Sequence | None = None, head: str = "offensive",
                rules_file: Path | None = None) -> list[bool]:
    """For each post: does the second opinion's target guard for ``head`` pass
    (``bot.policy.detectors.statistical.guard_passes``), i.e. may the rule fire at all?"""
    from bot.policy.detectors.statistical import guard_passes

    return [guard_passes(a, head) for a in analyses(texts, cases, rules_file)]


def names_group_flags(texts: Sequence[str], cases: Sequence | None = None,
                      rules_file: Path | None = None) -> list[bool]:
    """For each post: does it name a protected group with the hate detectors' own terms
    (``bot.policy.groups``) and pass the second opinion's target guard for ``hate``
    (``guard_passes``)? Where the two-level hate rule's lower threshold applies."""
    from bot.policy.detectors.statistical import guard_passes

    return [bool(a.groups) and guard_passes(a, "hate") for a in analyses(texts, cases, rules_file)]
