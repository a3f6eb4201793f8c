"""The transformer tier's model card (MODEL_CARD.md), written after each training run.

Everything on it comes from the run's manifest (data hashes, sample, thresholds,
out-of-fold metrics, file hashes); the licence findings are fixed text, checked
by hand against ../shared/datasets/README.md. Held-out figures are added by hand
from ``scripts/bench_transformer.py`` (they are never computed during training).
"""

from __future__ import annotations

from pathlib import Path

LICENCES = """\
| data set | licence (as published) | what it means for this model |
|---|---|---|
| OLID (Zampieri et al. 2019) | CC BY 4.0 (mirror repository) | attribution (given here) |
| Davidson et al. 2017 | MIT | keep the copyright notice (NOTICE) |
| EDOS, SemEval-2023 Task 10 | CC0 1.0 | none |
| Stormfront hate sentences (de Gibert et al. 2018) | CC BY-SA 3.0 Spain | attribution; share-alike applies to adaptations |
| ToxiGen seed sentences (Hartvigsen et al. 2022) | MIT + CDLA-Permissive-2.0 | CDLA-P 2.0 puts no conditions on results such as trained models; MIT notice kept |
| Wikipedia talk sample (Wulczyn et al. 2017; Dixon et al. 2018) | annotations CC0, comment text CC BY-SA 3.0, repository Apache-2.0 | attribution; share-alike applies to adaptations |
| SMS Spam Collection (Almeida et al. 2011) | CC BY 4.0 | attribution |
| YouTube Spam Collection (Alberto et al. 2015) | CC BY 4.0 | attribution |
| council corpora, tune parts (`tests/policy/corpus/*.tune.yaml`) | this project (MIT) | none |
| base model all-MiniLM-L6-v2 | Apache-2.0 | keep the licence and NOTICE; state changes (fine-tuned, quantised) |

Whether trained weights are an "adaptation" of the texts they were trained on is
not settled law. Two sets carry share-alike terms (Stormfront, and the Wikipedia
comment text). To be safe, the model files (`model.int8.onnx`, `manifest.json`)
are offered under **CC BY-SA 4.0** (the later version CC BY-SA 3.0 allows), with
the attributions above; the base model's Apache-2.0 terms are kept (LICENSE-Apache-2.0,
NOTICE). The bot's code stays MIT. A council that cannot accept share-alike terms
can retrain without those two sets (`SETS` in scripts/transformer_data.py) or use
the standard tier.
"""


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
    lines += ["", "## Thresholds and out-of-fold metrics (validation fold, shipped int8 file)", "",
              "`offensive_with_rules` is the queue as the clerk sees it (a word-list rule fired, or the "
              "offensive score reached the threshold).", ""]
    lines += _table({k: v for k, v in doc["out_of_fold"].items() if "precision" in v})
    lines += ["", f"Thresholds: {', '.join(f'{k} {v}' for k, v in sorted(doc['thresholds'].items()))}.", ""]
    if held_out:
        lines += ["## Held-out figures", "", held_out, ""]
    lines += ["## Licences of the training data", "", LICENCES]
    (out / "MODEL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
