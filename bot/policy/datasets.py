"""The labelled data sets used to train and measure the engine (development only).

They live outside the repository (``../shared/datasets`` by default, or
``$MODBOT_DATASETS``) and are never copied into it. Each set is split once, with
a fixed seed, into a training part and a held-out part: training and tuning use
only the training part; ``scripts/evaluate_policy.py`` reports on the held-out
part.
"""

from __future__ import annotations

import csv
import os
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 20240611
HOLDOUT_FRACTION = 0.2


@dataclass(frozen=True)
class Example:
    text: str
    label: int  # 1: offensive / spam, 0: not
    detail: str = ""  # e.g. Davidson's "hate" / "offensive" / "neither"


def datasets_dir() -> Path:
    env = os.environ.get("MODBOT_DATASETS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "datasets"


def load_olid(root: Path | None = None) -> list[Example]:
    path = (root or datasets_dir()) / "olid-training-v1.0.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Example(r["tweet"], int(r["subtask_a"] == "OFF"), r["subtask_a"]) for r in rows]


def load_davidson(root: Path | None = None) -> list[Example]:
    path = (root or datasets_dir()) / "davidson-labeled_data.csv"
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    with path.open(encoding="utf-8", newline="") as fh:
        return [Example(r["tweet"], int(r["class"] != "2"), names[r["class"]])
                for r in csv.DictReader(fh)]


def load_sms(root: Path | None = None) -> list[Example]:
    path = (root or datasets_dir()) / "sms-spam-dev.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Example(r["text"], int(r["label"] == "spam"), r["label"]) for r in rows]


LOADERS = {"olid": load_olid, "davidson": load_davidson, "sms": load_sms}


def split(examples: list[Example], name: str) -> tuple[list[Example], list[Example]]:
    """(training part, held-out part), the same every time for the same data."""
    order = list(range(len(examples)))
    random.Random(f"{SEED}:{name}").shuffle(order)
    cut = int(len(order) * HOLDOUT_FRACTION)
    held = sorted(order[:cut])
    train = sorted(order[cut:])
    return [examples[i] for i in train], [examples[i] for i in held]


def load_split(name: str, root: Path | None = None) -> tuple[list[Example], list[Example]]:
    return split(LOADERS[name](root), name)
