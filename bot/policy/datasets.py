"""The labelled data sets used to train and measure the engine (development only).

They live outside the repository (``../shared/datasets`` by default, or
``$MODBOT_DATASETS``) and are never copied into it. Each set is split once into a
training part and a held-out part: EDOS by its official split (train and dev are
our training part, test is held out), every other set with a fixed seed (20%
held out). Training and tuning use only the training part;
``scripts/evaluate_policy.py --heldout`` reports on the held-out part.
"""

from __future__ import annotations

import csv
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEED = 20240611
HOLDOUT_FRACTION = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    label: int  # 1: offensive / hate / spam, 0: not
    detail: str = ""  # e.g. Davidson's "hate" / "offensive" / "neither", EDOS's subtype
    official_split: str = ""  # EDOS: train / dev / test


def datasets_dir() -> Path:
    env = os.environ.get("MODBOT_DATASETS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "datasets"


def _tsv(name: str, root: Path | None) -> list[dict[str, str]]:
    path = (root or datasets_dir()) / name
    csv.field_size_limit(1 << 24)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_olid(root: Path | None = None) -> list[Example]:
    return [Example(r["tweet"], int(r["subtask_a"] == "OFF"), r["subtask_a"])
            for r in _tsv("olid-training-v1.0.tsv", root)]


def load_davidson(root: Path | None = None) -> list[Example]:
    path = (root or datasets_dir()) / "davidson-labeled_data.csv"
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    with path.open(encoding="utf-8", newline="") as fh:
        return [Example(r["tweet"], int(r["class"] != "2"), names[r["class"]])
                for r in csv.DictReader(fh)]


def load_sms(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "spam"), r["label"])
            for r in _tsv("sms-spam-dev.tsv", root)]


def load_youtube(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "spam"), r["label"])
            for r in _tsv("youtube-spam-collection.tsv", root)]


def load_edos(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "sexist"), r.get("subtype") or "", r["split"])
            for r in _tsv("edos-sexism.tsv", root)]


def load_stormfront(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "hate"), r.get("subtype") or "")
            for r in _tsv("stormfront-hate-sentences.tsv", root)]


def load_toxigen(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "hate"), r.get("subtype") or "")
            for r in _tsv("toxigen-seed-sentences.tsv", root)]


def load_wikipedia(root: Path | None = None) -> list[Example]:
    return [Example(r["text"], int(r["label"] == "toxic"), r["label"])
            for r in _tsv("wikipedia-toxicity-sample.tsv", root)]


LOADERS: dict[str, Callable[[Path | None], list[Example]]] = {
    "olid": load_olid, "davidson": load_davidson, "sms": load_sms, "youtube": load_youtube,
    "edos": load_edos, "stormfront": load_stormfront, "toxigen": load_toxigen,
    "wikipedia": load_wikipedia,
}


def split(examples: list[Example], name: str) -> tuple[list[Example], list[Example]]:
    """(training part, held-out part), the same every time for the same data."""
    if examples and all(e.official_split for e in examples):
        return ([e for e in examples if e.official_split != "test"],
                [e for e in examples if e.official_split == "test"])
    order = list(range(len(examples)))
    random.Random(f"{SEED}:{name}").shuffle(order)
    cut = int(len(order) * HOLDOUT_FRACTION)
    held = sorted(order[:cut])
    train = sorted(order[cut:])
    return [examples[i] for i in train], [examples[i] for i in held]


def load_split(name: str, root: Path | None = None) -> tuple[list[Example], list[Example]]:
    return split(LOADERS[name](root), name)


def load_training_part(name: str, root: Path | None = None) -> list[Example]:
    """Only the training part (what tuning and training may read)."""
    return load_split(name, root)[0]
