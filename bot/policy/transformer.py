"""The transformer tier of the second opinion: a small fine-tuned encoder, offline, on CPU.

``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0), fine-tuned here by
``scripts/train_transformer.py`` with one output per head (``offensive``,
``abuse``, ``threat``, ``hate``, ``obscene``, ``spam``), exported to ONNX and
quantised to int8. It is shipped in ``bot/policy/data/transformer/``:
``model.int8.onnx``, ``tokenizer.json``, ``manifest.json`` (heads, thresholds,
the SHA-256 of every file) and the model card.

At run time only ``onnxruntime`` and ``tokenizers`` are used: no torch, no
network. Loading reads each file once, checks it against the manifest's SHA-256
and refuses to start with a plain message if a file is missing or altered
(``ModelIntegrityError``), so a finding's stored model hash names the exact file
that produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.errors import ModbotError

MODEL_DIR = Path(__file__).resolve().parent / "data" / "transformer"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
# Posts per ONNX run. 1 by default: int8 dynamic quantisation scales each run's
# activations by that run's largest value, so in a batch of several posts one
# post's score would depend on its neighbours. Run alone, a post scores the same
# in the service, in ``rules test`` and in ``rules replay``; and run alone it is
# never padded, which is faster here than one padded run of a whole poll
# (scripts/bench_transformer.py: 2.7 against 11.3 ms CPU per post).
DEFAULT_BATCH = 1
_MENTION_RE = re.compile(r"\[user\]|(?<![\w@])@[\w.@-]+")
_URL_RE = re.compile(r"\[url\]|https?://\S+|www\.\S+")


class ModelIntegrityError(ModbotError):
    """The shipped model is missing, altered or unreadable: the bot must not guess."""

    title = "The transformer model files are missing or have been changed."


def model_text(classifier_text: str) -> str:
    """What the model reads: the engine's classifier text (normalised, allow-listed
    words left out) with mentions and links masked the way the training data masks
    them (OLID's ``@USER``/``URL``, EDOS's ``[USER]``/``[URL]``)."""
    text = _URL_RE.sub(" url ", classifier_text)
    return " ".join(_MENTION_RE.sub(" @user ", text).split())


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_checked(directory: Path, name: str, expected: str | None) -> bytes:
    path = directory / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelIntegrityError(
            f"The transformer model file {path} cannot be read ({exc.strerror or exc}). "
            "Reinstall the bot, or set 'classifier: {tier: standard}' in the rules file.") from exc
    if expected is not None and sha256_bytes(data) != expected:
        raise ModelIntegrityError(
            f"The transformer model file {path} is not the one the model card describes "
            f"(its SHA-256 is {sha256_bytes(data)}, expected {expected}). It may have been "
            "altered or damaged; reinstall the bot, or set 'classifier: {tier: standard}'.")
    return data


def read_manifest(directory: Path) -> dict[str, Any]:
    raw = _read_checked(directory, MANIFEST, None)
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise ModelIntegrityError(f"{directory / MANIFEST} is not valid JSON: {exc}") from exc
    missing = [k for k in ("format", "heads", "files", "model_file", "tokenizer_file",
                           "max_length", "thresholds") if k not in doc]
    if missing or doc.get("format") != MANIFEST_FORMAT:
        raise ModelIntegrityError(f"{directory / MANIFEST} is incomplete or of another format "
                                  f"(missing: {', '.join(missing) or 'none'}).")
    return doc


class TransformerClassifier:
    """Scores 0..1 per head; one instance is shared by every evaluation and thread.

    Same interface as the standard tier's ``Classifier`` (``scores``, ``meta``,
    ``tier``, ``sha256``) plus ``scores_batch`` for a whole poll's items.
    """

    tier = "transformer"

    def __init__(self, session: Any, tokenizer: Any, manifest: dict[str, Any], sha256: str,
                 batch_size: int = DEFAULT_BATCH):
        self.session = session
        self.tokenizer = tokenizer
        self.manifest = manifest
        self.heads: tuple[str, ...] = tuple(manifest["heads"])
        self.meta: dict[str, Any] = {"thresholds": dict(manifest["thresholds"]), "tier": self.tier,
                     "model_sha256": sha256}
        self.sha256 = sha256
        self.batch_size = max(1, int(batch_size))
        self._lock = threading.Lock()  # tokenizers' padding settings are per instance

    @classmethod
    def load(cls, directory: Path = MODEL_DIR, threads: int = 1,
             batch_size: int = DEFAULT_BATCH) -> TransformerClassifier:
        """Check every file against the manifest, then build the ONNX session."""
        directory = Path(directory)
        manifest = read_manifest(directory)
        files = manifest["files"]
        model_bytes = _read_checked(directory, manifest["model_file"], files.get(manifest["model_file"]))
        tok_bytes = _read_checked(directory, manifest["tokenizer_file"],
                                  files.get(manifest["tokenizer_file"]))
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ModelIntegrityError(
                f"The transformer tier needs the '{exc.name}' package, which is not installed. "
                "Reinstall the bot, or set 'classifier: {tier: standard}' in the rules file.") from exc
        tokenizer = Tokenizer.from_str(tok_bytes.decode("utf-8"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=int(manifest["max_length"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        session = ort.InferenceSession(model_bytes, sess_options=options,
                                       providers=["CPUExecutionProvider"])
        return cls(session, tokenizer, manifest, sha256_bytes(model_bytes), batch_size)

    @property
    def scores_alone(self) -> bool:
        """True when each post runs on its own (``batch_size`` 1), so its scores do not
        depend on the other posts of a call: the engine may then score a poll's posts one
        at a time, and only those a rule needs the model for."""
        return self.batch_size == 1

    def scores(self, classifier_text: str) -> dict[str, float]:
        """Scores per head for one post's classifier text."""
        return self.scores_batch([classifier_text])[0]

    def scores_batch(self, classifier_texts: Sequence[str]) -> list[dict[str, float]]:
        """Scores for many posts: tokenised together, then run ``batch_size`` at a time
        (sorted by length, so little padding is run)."""
        import numpy as np

        if not classifier_texts:
            return []
        with self._lock:
            encodings = self.tokenizer.encode_batch([model_text(t) for t in classifier_texts])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out: list[dict[str, float]] = [{} for _ in encodings]
        for start in range(0, len(order), self.batch_size):
            chunk = order[start:start + self.batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            probs = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            for row, i in enumerate(chunk):
                out[i] = {head: float(p) for head, p in zip(self.heads, probs[row], strict=True)}
        return out


_LOADED: dict[tuple[str, int, int], tuple[tuple, TransformerClassifier]] = {}
_LOAD_LOCK = threading.Lock()


def _signature(directory: Path) -> tuple:
    """Size and modification time of every file: a cheap "did anything change on disk"."""
    try:
        return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.iterdir()))
    except OSError:
        return ()


def load_shared(directory: Path = MODEL_DIR, threads: int = 1,
                batch_size: int = DEFAULT_BATCH) -> TransformerClassifier:
    """One loaded model per directory in the process (the engine may be rebuilt often,
    e.g. per test or after a rules change; the ONNX session is read-only and thread-safe).
    If any file changed on disk since, it is loaded and checked again."""
    directory = Path(directory).resolve()
    key = (str(directory), int(threads), int(batch_size))
    with _LOAD_LOCK:
        signature = _signature(directory)
        known = _LOADED.get(key)
        if known is not None and signature and known[0] == signature:
            return known[1]
        model = TransformerClassifier.load(directory, threads, batch_size)
        _LOADED[key] = (signature, model)
        return model
