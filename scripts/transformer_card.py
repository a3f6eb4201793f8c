"""The transformer tier's model card (MODEL_CARD.md), written after each training run.

Everything on it comes from the run's manifest (data hashes, sample, thresholds,
out-of-fold metrics, file hashes); the licence findings are fixed text, checked
by hand against ../shared/datasets/README.md. Held-out figures are added by hand
from ``scripts/bench_transformer.py`` (they are never computed during training).
"""

from __future__ import annotations

from pathlib import Path

LICENCES = Path(__file__).with_name("transformer_licences.md")  # checked by hand, see the docstring


def _table(rows: dict[str, dict]) -> list[str]:
    lines = ["| head | threshold | precision | recall | F1 | macro-F1 | posts | civil alarms |",
             "|---|---|---|---|---|---|---|---|"]
    for head, m in rows.items():
        lines.append(f"| {head} | {m.get('threshold', '')} | {m['precision']:.3f} | {m['recall']:.3f} | "
                     f"{m['f1']:.3f} | {m['macro_f1']:.3f} | {m['n']} | {m.get('civil_alarm_rate', '')} |")
    return lines


def write(out: Path, doc: dict, held_out: str = "") -> None:
    t = doc["training"]
    lines = [
        "# Model card: council-modbot transformer tier", "",
        f"Trained {doc['trained_at']} by `scripts/train_transformer.py` (seed {doc['seed']}).", "",
        "## What it is",
        f"- Base: {doc['base_model']['name']}, `model.safetensors` SHA-256 "
        f"`{doc['base_model']['safetensors_sha256']}`.",
        f"- Fine-tuned: {t['steps']} steps, {t['posts']} posts, batch {t['batch']}, learning rate {t['lr']}, "
        f"at most {t['max_length']} tokens, {t['frozen']} frozen, {t['minutes']} minutes on 2 CPU threads.",
        *([f"- A second stage: continued from the first stage's checkpoint (SHA-256 "
           f"`{t['continued_from_sha256']}`), revisiting {t.get('replay', 1.0):.0%} of its training posts "
           "with the corpora's tune parts (docs/transformer.md gives both commands)."]
          if t.get("continued_from_sha256") else []),
        f"- Heads (sigmoid, mean pooling + one linear layer): {', '.join(doc['heads'])}.",
        "- Exported to ONNX (opset 17) and quantised to int8 weights (onnxruntime dynamic quantisation).",
        "- A second opinion only: the rules decide what is proposed; a finding from the model alone "
        "proposes at most hiding the reply and always waits for the clerk.", "",
        "## Files (SHA-256; the bot refuses to load a file that does not match)",
    ]
    lines += [f"- `{name}`: `{digest}`" for name, digest in sorted(doc["files"].items())]
    lines += ["", "## Training data (training parts only; SHA-256 of each file read)"]
    lines += [f"- `{name}`: `{digest}`" for name, digest in sorted(doc["data_sha256"].items())]
    s = doc["sample"]
    lines += ["", f"Sample: {s['fit_posts']} posts trained on, {s['fold_posts']} in the validation fold "
              f"(never trained on); sample SHA-256 `{s['sha256']}`. Per source and kind:", "",
              "| source/kind | trained on | validation fold |", "|---|---|---|"]
    for key in sorted(set(s["counts"]["fit"]) | set(s["counts"]["fold"])):
        lines.append(f"| {key} | {s['counts']['fit'].get(key, 0)} | {s['counts']['fold'].get(key, 0)} |")
    kfold = doc.get("corpus_folds")
    if kfold:
        lines += ["", f"## The corpora's out-of-fold scores ({kfold['k']} folds, seed {kfold['seed']})", "",
                  f"This model trained on all {kfold['posts']} tune posts of the council corpora "
                  f"({kfold['civil_posts']} civil). Their part of every threshold choice is read from "
                  f"{kfold['k']} fold models instead: the posts cut into {kfold['k']} folds (stratified by "
                  "file and kind, fixed seed), each fold scored by a second-stage model trained exactly "
                  "like this one but without that fold, exported and quantised as shipped, through the "
                  "bot's run-time code. The shared sets' part is this model's validation fold, as above.",
                  "", "| fold | posts | model SHA-256 | sample SHA-256 | civil flagged (engine) | "
                  "breaches flagged (engine) |", "|---|---|---|---|---|---|"]
        for f in kfold["folds"]:
            e = f["engine"]
            lines.append(f"| {f['fold']} | {f['posts']} | `{f['model_sha256']}` | `{f['sample_sha256']}` | "
                         f"{e['civil_flagged']} of {e['civil']} ({e['civil_alarm_rate']:.1%}) | "
                         f"{e['breaches_flagged']} of {e['breaches']} ({e['recall']:.1%}) |")
        e = kfold["engine_out_of_fold"]
        lines += ["", f"The whole rule engine over the pooled tune posts with these scores, at the thresholds "
                  f"below (own-contact posts apart): civil posts flagged {e['civil_flagged']} of {e['civil']} "
                  f"({e['civil_alarm_rate']:.1%}); breaches flagged {e['breaches_flagged']} of {e['breaches']} "
                  f"({e['recall']:.1%}), on a right ground {e['breaches_right_ground']} "
                  f"({e['right_ground_recall']:.1%}). Out of fold for the model; the word-list rules were "
                  "written on these same posts, so for them the figures are in-sample."]
    lines += ["", "## Thresholds and out-of-fold metrics (validation fold"
              + (" and the corpora's out-of-fold scores" if kfold else "") + ", shipped int8 file)", "",
              "`offensive_with_rules` is the queue as the clerk sees it (a word-list rule fired, or the "
              "offensive score reached the threshold).", ""]
    lines += _table({k: v for k, v in doc["out_of_fold"].items() if "precision" in v})
    lines += ["", f"Thresholds: {', '.join(f'{k} {v}' for k, v in sorted(doc['thresholds'].items()))}.", ""]
    if held_out:
        lines += ["## Held-out figures", "", held_out, ""]
    lines += ["## Licences of the training data", "", LICENCES.read_text(encoding="utf-8")]
    (out / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
