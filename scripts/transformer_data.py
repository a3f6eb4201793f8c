"""Training data for the transformer tier: which head each labelled post teaches.

Used by ``scripts/train_transformer.py`` (no torch here, so the labelling can be
read and tested on its own). Only the *training parts* are read: the same fixed
splits as ``bot/policy/datasets.py`` (EDOS by its official split, train + dev;
every other set 80% by the project's seed) and the council corpora's
``*.tune.yaml`` files with the retired blind sets (``fresh``, ``fresh2``, ``fresh3``: see
``bot.policy.measure.RETIRED_PARTS``). Held-out parts and blind sets are never opened.

Each post gets one label per head: 1 (teaches "yes"), 0 ("no") or -1 (the source
does not say; that head's loss ignores the post). Where the labels come from:

==============  =========  =====  ======  ====  =======  ====
source          offensive  abuse  threat  hate  obscene  spam
==============  =========  =====  ======  ====  =======  ====
OLID NOT        0          0      0       0     0        0
OLID OFF UNT    1          0      0       0     1        0     untargeted profanity
OLID OFF TIN    1          1      -1      -1    -1       0     targeted insult or threat
Davidson hate   1          -1     -1      1     -1       0
Davidson off.   1          -1     -1      0     1        0
Davidson none   0          0      0       0     0        0
EDOS threats    1          -1     1       1     -1       0     sexist threats of harm
EDOS sexist     1          -1     0       1     -1       0
EDOS not        -1         -1     -1      0     -1       0     may still be rude
Stormfront hate 1          -1     -1      1     -1       0
Stormfront not  0          -1     0       0     -1       0     same forum: hard negatives
ToxiGen hate    1          -1     0       1     0        0     implicit, no slurs
ToxiGen neutral 0          0      0       0     0        0     mentions the same groups
Wikipedia tox.  1          -1     -1      -1    -1       0
Wikipedia not   0          0      0       0     0        0
SMS/YouTube     0          0      0       0     0        1/0
corpus civil    0          0      0       0     0        0
corpus breach   by its ground (hate, harassment, threat, obscene, spam); other grounds
                (personal data, defamation, ...) teach only offensive 0 and spam 0
==============  =========  =====  ======  ====  =======  ====
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.policy.datasets import SEED, Example, datasets_dir, split  # noqa: E402

HEADS = ("offensive", "abuse", "threat", "hate", "obscene", "spam")
CORPUS_DIR = Path(__file__).resolve().parents[1] / "tests" / "policy" / "corpus"
_ = -1  # "the source does not say"
NOTHING = (0, 0, 0, 0, 0, 0)
GROUND_LABELS = {
    "hate": (1, _, _, 1, _, 0), "harassment": (1, 1, _, _, _, 0), "threat": (1, _, 1, _, _, 0),
    "obscene": (1, _, _, _, 1, 0), "spam": (0, 0, 0, 0, 0, 1),
}
OTHER_GROUND = (0, _, _, _, _, 0)


@dataclass(frozen=True)
class Post:
    text: str
    labels: tuple[int, ...]
    source: str          # e.g. "olid", "corpus:breaches"
    kind: str = ""       # e.g. "OFF/TIN", "hate", "threat"
    official_split: str = ""


def _rows(name: str, root: Path, delimiter: str = "\t") -> list[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with (root / name).open(encoding="utf-8", newline="") as fh:
        if delimiter == ",":
            return list(csv.DictReader(fh))
        return list(csv.DictReader(fh, delimiter=delimiter, quoting=csv.QUOTE_NONE))


def _olid(r: dict[str, str]) -> Post:
    if r["subtask_a"] == "NOT":
        return Post(r["tweet"], NOTHING, "olid", "NOT")
    if r["subtask_b"] == "UNT":
        return Post(r["tweet"], (1, 0, 0, 0, 1, 0), "olid", "OFF/UNT")
    return Post(r["tweet"], (1, 1, _, _, _, 0), "olid", f"OFF/TIN/{r['subtask_c']}")


def _davidson(r: dict[str, str]) -> Post:
    labels = {"0": (1, _, _, 1, _, 0), "1": (1, _, _, 0, 1, 0), "2": NOTHING}[r["class"]]
    return Post(r["tweet"], labels, "davidson", {"0": "hate", "1": "offensive", "2": "neither"}[r["class"]])


def _edos(r: dict[str, str]) -> Post:
    if r["label"] != "sexist":
        return Post(r["text"], (_, _, _, 0, _, 0), "edos", "not_sexist", r["split"])
    threat = 1 if r.get("subtype") == "threats" else 0
    return Post(r["text"], (1, _, threat, 1, _, 0), "edos", r.get("subtype") or "sexist", r["split"])


def _hate_set(source: str, benign: tuple[int, ...], hateful: tuple[int, ...]):
    def label(r: dict[str, str]) -> Post:
        return Post(r["text"], hateful if r["label"] == "hate" else benign, source, r["label"])
    return label


def _spam_set(source: str):
    def label(r: dict[str, str]) -> Post:
        return Post(r["text"], (0, 0, 0, 0, 0, int(r["label"] == "spam")), source, r["label"])
    return label


def _wikipedia(r: dict[str, str]) -> Post:
    toxic = r["label"] == "toxic"
    return Post(r["text"], (1, _, _, _, _, 0) if toxic else NOTHING, "wikipedia", r["label"])


# name in bot/policy/datasets.py -> (file, delimiter, labeller)
SETS = {
    "olid": ("olid-training-v1.0.tsv", "\t", _olid),
    "davidson": ("davidson-labeled_data.csv", ",", _davidson),
    "sms": ("sms-spam-dev.tsv", "\t", _spam_set("sms")),
    "youtube": ("youtube-spam-collection.tsv", "\t", _spam_set("youtube")),
    "edos": ("edos-sexism.tsv", "\t", _edos),
    "stormfront": ("stormfront-hate-sentences.tsv", "\t",
                   _hate_set("stormfront", (0, _, 0, 0, _, 0), (1, _, _, 1, _, 0))),
    "toxigen": ("toxigen-seed-sentences.tsv", "\t",
                _hate_set("toxigen", NOTHING, (1, _, 0, 1, 0, 0))),
    "wikipedia": ("wikipedia-toxicity-sample.tsv", "\t", _wikipedia),
}


def training_part(name: str, root: Path | None = None) -> list[Post]:
    """The training part of one shared set, exactly as ``bot.policy.datasets`` splits it."""
    file, delimiter, label = SETS[name]
    posts = [label(r) for r in _rows(file, root or datasets_dir(), delimiter)]
    if name == "edos":  # the official split: train and dev are ours, test is held out
        return [p for p in posts if p.official_split != "test"]
    return split_posts(posts, name)[0]


def split_posts(posts: list[Post], name: str) -> tuple[list[Post], list[Post]]:
    """(training part, held-out part) of ``posts``, by ``bot.policy.datasets.split`` itself. It
    reads only each example's official split and its place in the list, so it is handed stand-ins
    carrying just those (a post's place as its text) and the posts are picked out by place."""
    stand_ins = [Example(text=str(i), label=0, official_split=p.official_split) for i, p in enumerate(posts)]
    train, held = split(stand_ins, name)
    return [posts[int(e.text)] for e in train], [posts[int(e.text)] for e in held]


def corpus_tune_files(directory: Path = CORPUS_DIR) -> list[Path]:
    """The corpora's tuning parts (``*.tune.yaml``) and the retired blind sets
    (``bot.policy.measure.RETIRED_PARTS``); held-out and blind fresh files are not listed."""
    from bot.policy.measure import tuning_files

    return tuning_files(directory) if directory.is_dir() else []


def corpus_posts(path: Path) -> list[Post]:
    """A corpus file's posts (read as ``bot.policy.measure.load_corpus`` reads them: the
    primary ``ground`` and every ``also`` ground count)."""
    from bot.policy.measure import load_corpus

    source = "corpus:" + path.name.split(".")[0]
    out = []
    for case in load_corpus(path):
        grounds = sorted(str(g) for g in case.grounds)
        labels = list(NOTHING) if not grounds else [_] * len(HEADS)
        for ground in grounds:
            for i, value in enumerate(GROUND_LABELS.get(ground, OTHER_GROUND)):
                if value != _:
                    labels[i] = max(labels[i], value)
        out.append(Post(case.text, tuple(labels), source, ",".join(grounds) or "civil"))
    return out


def file_hashes(root: Path | None = None, corpus: list[Path] | None = None) -> dict[str, str]:
    """SHA-256 of every file the training reads (printed and written to the model card)."""
    root = root or datasets_dir()
    hashes = {f: hashlib.sha256((root / f).read_bytes()).hexdigest() for f, _, _ in SETS.values()}
    for path in corpus or []:
        hashes[f"tests/policy/corpus/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def sample(posts: list[Post], quotas: dict[str, int], seed: int = SEED) -> list[Post]:
    """At most ``quotas[kind]`` posts of each ``source/kind`` (``source`` as a catch-all),
    drawn with a fixed seed: the run fits the time budget and rare kinds are kept whole."""
    by_key: dict[str, list[Post]] = {}
    for p in posts:
        by_key.setdefault(f"{p.source}/{p.kind}", []).append(p)
    chosen: list[Post] = []
    for key in sorted(by_key):
        group = by_key[key]
        quota = quotas.get(key, quotas.get(key.split("/")[0], len(group)))
        rng = random.Random(f"{seed}:{key}")
        chosen.extend(group if quota >= len(group) else rng.sample(group, quota))
    return chosen


def validation_fold(posts: list[Post], fraction: float, seed: int = SEED) -> tuple[list[Post], list[Post]]:
    """(fit part, validation fold): the fold, stratified by source and kind, is never
    trained on; its scores are the out-of-fold scores thresholds are chosen on."""
    fit, fold = [], []
    by_key: dict[str, list[Post]] = {}
    for p in posts:
        by_key.setdefault(f"{p.source}/{p.kind}", []).append(p)
    for key in sorted(by_key):
        group = list(by_key[key])
        random.Random(f"{seed}:fold:{key}").shuffle(group)
        cut = round(len(group) * fraction)
        fold.extend(group[:cut])
        fit.extend(group[cut:])
    return fit, fold


def composition(fit: list[Post], fold: list[Post]) -> dict:
    """Counts per source and kind, and one SHA-256 over the exact sample (texts and labels)."""
    digest = hashlib.sha256()
    counts: dict[str, dict[str, int]] = {"fit": {}, "fold": {}}
    for part, posts in (("fit", fit), ("fold", fold)):
        for p in posts:
            key = f"{p.source}/{p.kind}"
            counts[part][key] = counts[part].get(key, 0) + 1
            digest.update(f"{part}\t{p.source}\t{p.labels}\t{p.text}\n".encode())
    return {"sha256": digest.hexdigest(), "fit_posts": len(fit), "fold_posts": len(fold),
            "counts": {part: dict(sorted(c.items())) for part, c in counts.items()}}


def corpus_folds(posts: list[Post], k: int, seed: int = SEED) -> list[int]:
    """A fold number (0 to k-1) for each corpus post, stratified by kind (civil, or the
    ground(s) of a breach) and by corpus file, with a fixed seed: each fold holds about
    1/k of every kind. Used for the out-of-fold scores the thresholds are chosen on
    (``scripts/train_transformer.py --corpus-folds``): each fold is scored by a model
    trained without it."""
    if k < 2:
        raise ValueError("k-fold needs at least two folds")
    fold_of = [-1] * len(posts)
    by_key: dict[str, list[int]] = {}
    for i, p in enumerate(posts):
        by_key.setdefault(f"{p.source}/{p.kind}", []).append(i)
    offset = 0  # continue the round-robin across kinds, so the folds' sizes differ by one at most
    for key in sorted(by_key):
        rows = list(by_key[key])
        random.Random(f"{seed}:corpus-fold:{key}").shuffle(rows)
        for j, i in enumerate(rows):
            fold_of[i] = (offset + j) % k
        offset = (offset + len(rows)) % k
    return fold_of


def post_key(p: Post) -> str:
    """One post's identity in a scores file: SHA-256 of its source, kind, labels and text."""
    return hashlib.sha256(f"{p.source}\t{p.kind}\t{p.labels}\t{p.text}".encode()).hexdigest()
