"""MiniLM-L6 (a 6-layer BERT encoder) in plain torch, for fine-tuning and ONNX export.

Written out rather than taken from ``transformers`` so the graph exported to ONNX
is exactly the one trained, with no shape-dependent mask code frozen in by
tracing. Loads the base weights from ``model.safetensors`` (names as in
``sentence-transformers/all-MiniLM-L6-v2``); the output is mean pooling over the
real tokens (as the sentence-transformers model does) followed by one linear
layer with a sigmoid per head. Training time only: needs torch.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

HIDDEN, HEADS_PER_LAYER, LAYERS, INTERMEDIATE, VOCAB, POSITIONS = 384, 12, 6, 1536, 30522, 512
EPS = 1e-12


class Layer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(HIDDEN, HIDDEN) for _ in range(3))
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.up = nn.Linear(HIDDEN, INTERMEDIATE)
        self.down = nn.Linear(INTERMEDIATE, HIDDEN)
        self.out_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.dropout = nn.Dropout(0.1)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, HEADS_PER_LAYER, HIDDEN // HEADS_PER_LAYER).transpose(1, 2)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS_PER_LAYER) + bias
        ctx = self.dropout(scores.softmax(-1)) @ v
        ctx = ctx.transpose(1, 2).reshape(x.shape)
        x = self.attn_norm(x + self.dropout(self.attn_out(ctx)))
        return self.out_norm(x + self.dropout(self.down(F.gelu(self.up(x)))))


class MiniLMClassifier(nn.Module):
    """(input_ids, attention_mask) -> probabilities, one column per head."""

    def __init__(self, n_heads: int) -> None:
        super().__init__()
        self.word = nn.Embedding(VOCAB, HIDDEN)
        self.position = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.emb_norm = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(HIDDEN, n_heads)

    def logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type.weight[0]
        x = self.dropout(self.emb_norm(x))
        mask = attention_mask.to(x.dtype)
        bias = ((1.0 - mask) * -10000.0)[:, None, None, :]
        for layer in self.layers:
            x = layer(x, bias)
        weights = mask.unsqueeze(-1)
        pooled = (x * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.classifier(self.dropout(pooled))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(input_ids, attention_mask))


def _layer_names(i: int) -> dict[str, str]:
    p = f"encoder.layer.{i}."
    return {
        "query": p + "attention.self.query", "key": p + "attention.self.key",
        "value": p + "attention.self.value", "attn_out": p + "attention.output.dense",
        "attn_norm": p + "attention.output.LayerNorm", "up": p + "intermediate.dense",
        "down": p + "output.dense", "out_norm": p + "output.LayerNorm",
    }


def load_base(model: MiniLMClassifier, safetensors_file: Path) -> None:
    """Copy the base model's weights in (the classifier layer keeps its fresh init)."""
    from safetensors.torch import load_file

    src = load_file(str(safetensors_file))
    mapping = {"word": "embeddings.word_embeddings", "position": "embeddings.position_embeddings",
               "token_type": "embeddings.token_type_embeddings", "emb_norm": "embeddings.LayerNorm"}
    for i in range(LAYERS):
        mapping.update({f"layers.{i}.{k}": v for k, v in _layer_names(i).items()})
    state = {}
    for ours, theirs in mapping.items():
        for part in ("weight", "bias"):
            if f"{theirs}.{part}" in src:
                state[f"{ours}.{part}"] = src[f"{theirs}.{part}"]
    missing = [k for k in model.state_dict() if k not in state and not k.startswith("classifier.")]
    if missing:
        raise ValueError(f"base weights lack {missing[:3]}...")
    model.load_state_dict(state, strict=False)
