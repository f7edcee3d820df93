"""SentenceTransformerEmbedder: any local sentence-transformers folder, on CPU.

torch and sentence_transformers are imported inside functions only: importing this module
must stay cheap for the CLI and the unit tests.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa_service.embedders.convert import normalize_text, read_marker
from qa_service.embedders.token_vectors import TokenProjection, meaningful, word_of_token
from qa_service.errors import EmbeddingError
from qa_service.models import Vector

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

_MODELS: dict[tuple[Path, bool, str], SentenceTransformer] = {}
_MODELS_LOCK = threading.Lock()
_IDS: dict[tuple[Any, ...], str] = {}
# Files that describe a model but do not change its vectors.
_DOC_FILES = {"README.md", "NOTICE", "LICENSE", "qa_converted.json"}
# Appended to the model_id of a quantised encoder: its vectors differ from the fp32 ones
# (cosine 0.98-0.99, README "Embedding model"), so a store written by one refuses the other.
INT8_SUFFIX = "-int8"


def load_sentence_transformer(
    model_path: Path, quantize: bool = False, dtype: str = "auto"
) -> SentenceTransformer:
    """The process-wide model for `model_path`: loaded once, shared by every embedder.
    `quantize` gives its int8 twin (see `quantize_linear_layers`), `dtype` "bfloat16" its
    bfloat16 twin (`to_bfloat16`; "auto" picks it where the CPU has bf16 arithmetic), each
    shared the same way."""
    path = _check_folder(model_path)
    with _MODELS_LOCK:
        dtype = encoder_dtype(dtype, quantize)
        model = _MODELS.get((path, quantize, dtype))
        if model is None:
            started = time.perf_counter()
            map_large_buffers()
            from sentence_transformers import SentenceTransformer

            try:
                model = SentenceTransformer(
                    str(path),
                    device="cpu",
                    local_files_only=True,
                    model_kwargs=_dtype_kwargs(dtype),
                )
            except (OSError, ValueError) as exc:
                raise EmbeddingError(
                    f"cannot load sentence-transformers model {path}: {exc}"
                ) from exc
            if quantize:
                quantize_linear_layers(model)
            elif dtype == "bfloat16":
                to_bfloat16(model)
            _MODELS[(path, quantize, dtype)] = model
            logger.info(
                "loaded embedding model",
                extra={
                    "model_path": str(path),
                    "int8": quantize,
                    "dtype": dtype,
                    "seconds": round(time.perf_counter() - started, 2),
                },
            )
    return model


# glibc's M_MMAP_THRESHOLD (malloc.h); 4 MiB: an encoder batch's activations lie above it, the
# tokenizer's and Python's small objects below.
_M_MMAP_THRESHOLD = -3
_MAPPED_FROM = 4 << 20


def map_large_buffers() -> None:
    """Give every buffer above 4 MiB its own memory mapping, returned to the system when freed.

    glibc raises its mapping threshold to the largest buffer freed so far, so after the first
    batch the encoder's activations (a new shape with every batch) come from the heap, which
    fragments and keeps growing: an ingest of 120 GNAD articles peaked at 1.52-1.64 GB, 1.42-1.45
    GB with this, at 3-8 % more time (three alternating runs each); all 1,017 articles were
    encoded within 1.50 GB (2.54 GB peak in the last `qa bench --corpus`). Nothing to do where
    the C library is not glibc or the threshold is set in the environment
    (MALLOC_MMAP_THRESHOLD_)."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return
    mallopt = _glibc("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, _MAPPED_FROM)


def trim_heap() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim): the weights of a
    released model, and an encoder pass's buffers below the mapping threshold, lie in the heap
    and would stay resident. After every document's encoder pass: all 1,017 GNAD and seed
    articles peaked at 1,397 MiB (VmHWM) against 1,501 MiB sampled without it; on 215 GNAD
    articles 1.30-1.32 GB against 1.33-1.41 GB, at 2-4 % more time (two alternating runs)."""
    malloc_trim = _glibc("malloc_trim")
    if malloc_trim is not None:
        malloc_trim(0)


@functools.cache
def _glibc(name: str) -> Any:
    """The C library's function `name`, looked up once; None off glibc (musl, macOS)."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError, TypeError):
        return None


def quantize_linear_layers(model: SentenceTransformer) -> None:
    """Dynamic int8 quantisation of the encoder's linear layers, in place: weights stored as
    int8 with a scale per output channel (cosine to fp32 0.988-0.991 on three sentences,
    against 0.975-0.987 with one scale per tensor), activations quantised per batch.
    torch.ao.quantization is marked deprecated in favour of torchao, but it is still in
    torch 2.13 and is the CPU path with fbgemm kernels; its warnings are silenced here."""
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantize_dynamic(
            model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8, inplace=True
        )


def encoder_dtype(dtype: str, quantize: bool = False) -> str:
    """ "float32" or "bfloat16" for QA_EMBEDDING_DTYPE `dtype`: "auto" is bfloat16 where the
    CPU multiplies it in hardware (AVX512-BF16 or AMX), since elsewhere torch emulates it
    slower than float32; the int8 encoder's kernels take float32 activations."""
    if quantize or dtype == "float32":
        return "float32"
    if dtype == "bfloat16":
        return dtype
    import torch

    try:
        native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    except AttributeError:  # a torch without these probes: assume no bf16 hardware
        native = False
    return "bfloat16" if native else "float32"


# oneDNN keeps a compiled kernel per input shape (1,024 by default), and so does PyTorch's own
# cache of oneDNN computations (LRU_CACHE_CAPACITY, 1,024), bfloat16 kernels holding their
# packed weights, every chunk length its own. oneDNN's: the chunks of 127 GNAD articles peaked
# at 1.46 GB, 1.21 GB with eight kept, at the same speed (13.1 against 13.7 s). PyTorch's: the
# encoder pass of 400 GNAD articles grew the heap from 559 to 755 MB (RSS 1.30 -> 1.50 GB,
# still growing), with eight kept it stayed at 1.20-1.22 GB, in 41.2 s against 40.4 s. Both are
# read when first used, so set before the model runs; never over a value given.
_KERNEL_CACHES = (("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8"), ("LRU_CACHE_CAPACITY", "8"))


def _dtype_kwargs(dtype: str) -> dict[str, Any]:
    """The weights loaded straight in bfloat16 (converted after a float32 load, both copies
    were resident at once: 1.46 GB peak against 1.17 GB). Resident they are all, the word
    table too (RSS after loading 1.00 GB against float32's 0.78 GB, whose table stays mapped
    from the file and is read a row at a time), but half the size once every word has come."""
    if dtype != "bfloat16":
        return {}
    import torch

    for name, value in _KERNEL_CACHES:
        os.environ.setdefault(name, value)
    return {"dtype": torch.bfloat16}


def to_bfloat16(model: SentenceTransformer) -> None:
    """The transformer in bfloat16 (loaded so by `_dtype_kwargs`), its token vectors handed
    on as float32, so pooling, normalising and the late-chunking means run in float32. On this
    machine's AMX cores the chunks of 40 GNAD articles took 0.55x the float32 time, vectors at
    cosine >= 0.99996 to float32 (README, "Embedding model"), so the store keeps the model_id:
    an index built either way answers queries of the other."""
    import torch

    transformer = model[0]
    transformer.to(torch.bfloat16)  # a no-op where loaded so

    def float_tokens(module: Any, args: Any, features: dict) -> dict:
        features["token_embeddings"] = features["token_embeddings"].float()
        return features

    transformer.register_forward_hook(float_tokens)


def release_sentence_transformer(model_path: Path) -> None:
    """Drop the shared models for `model_path` (e.g. at shutdown); embedders that hold them
    keep working, new ones load them again."""
    path = Path(model_path).expanduser().resolve()
    with _MODELS_LOCK:
        for key in [key for key in _MODELS if key[0] == path]:
            del _MODELS[key]


class SentenceTransformerEmbedder:
    """Embedder over a sentence-transformers folder; E5 prompts come from the folder's config.
    `quantize` runs the encoder's linear layers in int8 (QA_EMBEDDING_QUANTIZE), `dtype` sets
    its float precision (QA_EMBEDDING_DTYPE)."""

    def __init__(
        self,
        model_path: Path,
        batch_size: int = 16,
        quantize: bool = False,
        dtype: str = "auto",
    ) -> None:
        self._path = Path(model_path)
        self._batch_size = batch_size
        self._quantize = quantize
        self._dtype = dtype
        self._model: SentenceTransformer | None = None

    @property
    def model_id(self) -> str:
        """The name stored by our converter, else folder name plus a content hash.

        Stable across machines for the same files, and different when the weights change,
        so a store can refuse vectors from another model; an int8 encoder adds `INT8_SUFFIX`.
        """
        path = _check_folder(self._path)
        stored = (read_marker(path) or {}).get("model_id")
        name = stored if isinstance(stored, str) else f"{path.name}-{_content_hash(path)}"
        return name + INT8_SUFFIX if self._quantize else name

    @property
    def dim(self) -> int:
        if self._model is None:
            stored = (read_marker(_check_folder(self._path)) or {}).get("dim")
            if isinstance(stored, int):
                return stored
        dim = self._loaded().get_embedding_dimension()
        if dim is None:
            raise EmbeddingError(f"{self._path} does not report its embedding dimension")
        return dim

    @property
    def model_folder(self) -> Path:
        return _check_folder(self._path)

    @property
    def model(self) -> SentenceTransformer:
        """The loaded SentenceTransformer, shared with every embedder of the same folder."""
        return self._loaded()

    def warm_up(self) -> None:
        if self._model is None:
            self._model = load_sentence_transformer(self._path, self._quantize, self._dtype)

    def release(self) -> None:
        """Free the model (this embedder's and the process-wide one) and its memory; the next
        embed call loads it again."""
        if self._model is None:
            return
        self._model = None
        release_sentence_transformer(self._path)
        gc.collect()
        trim_heap()

    def embed_documents(self, texts: Sequence[str]) -> list[Vector]:
        if isinstance(texts, str):
            raise TypeError("embed_documents takes a list of texts; use embed_query for one text")
        if not texts:
            return []
        vectors = self._loaded().encode_document(
            [normalize_text(text) for text in texts],
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_documents_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[list[Vector], list[list[Vector]]]:
        """Late chunking: one encoder pass per text; a span's vector is the mean of the
        output vectors of the tokens inside it (normalised), the text's own vector is the
        model's pooled one, as `embed_documents` gives. A span the tokenizer truncated away,
        or of a text whose normal form differs, is embedded on its own."""
        vectors, span_vectors, _ = self._encode_spans(texts, spans, None)
        return vectors, span_vectors

    def embed_documents_with_span_tokens(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        projection: TokenProjection,
    ) -> tuple[list[Vector], list[list[Vector]], list[list[bytes]]]:
        """`embed_documents_with_spans`, and each span's token vectors from the same pass,
        packed by `projection` (`token_vectors`): the sentence side of the alignment."""
        vectors, span_vectors, span_tokens = self._encode_spans(texts, spans, projection)
        assert span_tokens is not None
        return vectors, span_vectors, span_tokens

    def _encode_spans(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        projection: TokenProjection | None,
        alone: bool = False,
    ) -> tuple[list[Vector], list[list[Vector]], list[list[bytes]] | None]:
        import torch

        model = self._loaded()
        prompt = (model.prompts or {}).get("document", "")
        normal = [normalize_text(t) for t in texts]
        encoded = model.tokenizer(
            [prompt + t for t in normal],
            truncation=True,
            max_length=model.max_seq_length,
            return_offsets_mapping=True,
        )
        lengths = [len(ids) for ids in encoded["input_ids"]]
        text_vectors: list[Vector] = [[] for _ in texts]
        span_vectors: list[list[Vector | None]] = [[None] * len(s) for s in spans]
        span_tokens: list[list[bytes | None]] = [[None] * len(s) for s in spans]
        padded = _is_bfloat16(model)
        batches = (length_sorted_batches if padded else same_length_batches)(
            lengths, self._batch_size
        )
        for batch in batches:
            inputs = _batch_tensors(encoded, batch, model.tokenizer.pad_token_id or 0)
            offsets = inputs.pop("offset_mapping")
            with torch.inference_mode():
                out = model.forward(inputs)
            pooled = torch.nn.functional.normalize(out["sentence_embedding"], dim=-1).tolist()
            for row, i in enumerate(batch):
                text_vectors[i] = pooled[row]
                if spans[i] and normal[i] == texts[i]:
                    tokens = out["token_embeddings"][row][: lengths[i]]  # without the padding
                    span_vectors[i] = _span_means(
                        tokens, offsets[row][: lengths[i]] - len(prompt), spans[i]
                    )
                    if projection is not None:
                        span_tokens[i] = _span_tokens(
                            tokens,
                            offsets[row][: lengths[i]] - len(prompt),
                            model.tokenizer.convert_ids_to_tokens(encoded["input_ids"][i]),
                            spans[i],
                            projection,
                        )
        missing = [
            (i, k) for i, vs in enumerate(span_vectors) for k, v in enumerate(vs) if v is None
        ]
        if missing and not alone:
            pieces = [texts[i][slice(*spans[i][k])] for i, k in missing]
            vectors, _, tokens = self._encode_spans(
                pieces, [[(0, len(p))] for p in pieces], projection, alone=True
            )
            for n, (i, k) in enumerate(missing):
                span_vectors[i][k] = vectors[n]
                if tokens is not None:
                    span_tokens[i][k] = tokens[n][0] if tokens[n] else b""
        elif missing:  # a sentence truncated even alone: its pooled vector, its kept tokens
            for i, k in missing:
                span_vectors[i][k] = text_vectors[i]
                span_tokens[i][k] = span_tokens[i][k] or b""
        trim_heap()  # per document: the ingest's peak stays at the first documents' level
        vectors_out = [[v for v in vs if v is not None] for vs in span_vectors]
        if projection is None:
            return text_vectors, vectors_out, None
        return text_vectors, vectors_out, [[t or b"" for t in ts] for ts in span_tokens]

    def embed_query(self, text: str) -> Vector:
        vector = self._loaded().encode_query(
            normalize_text(text),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vector.tolist()

    def _loaded(self) -> SentenceTransformer:
        self.warm_up()
        assert self._model is not None
        return self._model


def length_sorted_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices of texts in batches of `size`, sorted by length so that little is padded: the
    bfloat16 encoder's matrix units run a batch of 16 chunks padded to the longest faster than
    its chunks one length at a time (a document's chunks, 85 GNAD articles: 8.8-10.3 s against
    11.9-12.3 s), where the float32 encoder runs it slower (`same_length_batches`)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[k : k + size] for k in range(0, len(order), size)]


def _batch_tensors(encoded: Any, batch: list[int], pad_id: int) -> dict[str, Any]:
    """The tokenizer's lists for `batch` as tensors, the shorter ones padded at the end (an
    attention mask of 0 and offsets of (0, 0) there)."""
    import torch

    width = max(len(encoded["input_ids"][i]) for i in batch)
    pads = {"input_ids": pad_id, "offset_mapping": (0, 0)}
    return {
        key: torch.tensor(
            [
                list(encoded[key][i]) + [pads.get(key, 0)] * (width - len(encoded[key][i]))
                for i in batch
            ]
        )
        for key in encoded
    }


def _is_bfloat16(model: SentenceTransformer) -> bool:
    import torch

    return next(model[0].parameters()).dtype == torch.bfloat16


def same_length_batches(lengths: Sequence[int], size: int) -> list[list[int]]:
    """Indices of texts of `lengths` tokens, in batches of at most `size` texts of one
    length: a padded token costs the encoder as much as a real one, and a document's chunks
    differ in length (its last is short), so padding them to the longest cost ~10 % of the
    encoder's time on GNAD articles; one chunk a call costs no more than a batch on CPU."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        last = batches[-1] if batches else None
        if last and lengths[last[0]] == lengths[i] and len(last) < size:
            last.append(i)
        else:
            batches.append([i])
    return batches


def _span_means(tokens, offsets, spans: Sequence[tuple[int, int]]) -> list[Vector | None]:
    """Each span's mean token vector, normalised, for all spans of a text in one matrix
    product (a loop over spans was 7 s of 174 s in a 34-article ingest profile); None for a
    span no token lies in or one truncation cut off (it is embedded on its own).
    `offsets` are the tokens' character spans in the text, the prompt's below zero."""
    import torch

    starts, ends = offsets[:, 0], offsets[:, 1]
    real = (ends > starts) & (starts >= 0)
    bounds = torch.tensor(spans, dtype=offsets.dtype)
    inside = real & (starts >= bounds[:, :1]) & (ends <= bounds[:, 1:])
    counts = inside.sum(dim=1)
    sums = inside.to(tokens.dtype) @ tokens
    means = torch.nn.functional.normalize(sums / counts.clamp(min=1).unsqueeze(1), dim=-1)
    last = int(ends[real].max()) if bool(real.any()) else -1
    return [
        v if n and last >= z else None
        for v, n, (_, z) in zip(means.tolist(), counts.tolist(), spans, strict=True)
    ]


def _span_tokens(
    tokens, offsets, names: Sequence[str], spans: Sequence[tuple[int, int]], projection
) -> list[bytes | None]:
    """Each span's word vectors (its meaningful tokens' outputs, a mean per word), packed;
    None as `_span_means` gives. In torch throughout (`TokenProjection.pack_tensor`)."""
    import torch

    starts, ends = offsets[:, 0], offsets[:, 1]
    real = (ends > starts) & (starts >= 0)
    last = int(ends[real].max()) if bool(real.any()) else -1
    keep = real & torch.tensor([meaningful(t) for t in names])
    out: list[bytes | None] = []
    for a, z in spans:
        # a word's first token spans the space before it: the sentence's first word too
        inside = torch.nonzero(keep & (starts >= a - 1) & (ends > a) & (ends <= z)).flatten()
        if not len(inside) or last < z:
            out.append(None)
            continue
        word = torch.from_numpy(word_of_token([names[i] for i in inside.tolist()]))
        count = int(word[-1]) + 1
        sums = torch.zeros(count, tokens.shape[1], dtype=tokens.dtype)
        sums.index_add_(0, word, tokens[inside])
        words = sums / torch.bincount(word, minlength=count).unsqueeze(1).to(tokens.dtype)
        out.append(projection.pack_tensor(words))
    return out


def _check_folder(model_path: Path) -> Path:
    path = Path(model_path).expanduser().resolve()
    if not path.is_dir():
        raise EmbeddingError(f"embedding model folder not found: {path}")
    if not (path / "modules.json").is_file():
        raise EmbeddingError(f"{path} is not a sentence-transformers model (no modules.json)")
    return path


def _content_hash(path: Path) -> str:
    """Short sha256 over the files sentence-transformers loads (module folders, not subtrees
    such as onnx/), remembered per process while sizes and mtimes are unchanged."""
    try:
        modules = json.loads((path / "modules.json").read_text(encoding="utf-8"))
        dirs = sorted({path / module.get("path", "") for module in modules})
    except (OSError, ValueError, AttributeError) as exc:
        raise EmbeddingError(f"{path}/modules.json is unreadable: {exc}") from exc
    files = sorted(
        f
        for d in dirs
        if d.is_dir()
        for f in d.iterdir()
        if f.is_file() and f.name not in _DOC_FILES and not f.name.startswith(".")
    )
    key = (path, *((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files))
    if key not in _IDS:
        digest = hashlib.sha256()
        for f in files:
            digest.update(f.relative_to(path).as_posix().encode() + b"\0")
            with f.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
        _IDS[key] = digest.hexdigest()[:12]
    return _IDS[key]
