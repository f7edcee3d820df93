"""User-facing errors. Interfaces translate these; anything else is a bug and propagates."""


class QAError(Exception):
    """Base of every error whose message is meant for the user."""


class ConfigError(QAError):
    pass


class IngestError(QAError):
    """A file could not be read or parsed; the rest of a batch goes on."""


class StoreError(QAError):
    pass


class StoreUnavailableError(StoreError):
    pass


class EmbeddingMismatchError(StoreError):
    """The index was built with another embedding model than the one configured."""


class EmbeddingError(QAError):
    pass


class QuestionError(QAError):
    """An empty, over-long or otherwise unusable question."""


class AnswerError(QAError):
    pass


class LLMError(AnswerError):
    """The language model failed (unreachable, timed out, context too long)."""


class AnswererBusyError(AnswerError):
    """Every slot of the model's queue is taken; try again after `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int = 10) -> None:
        super().__init__(message)
        self.retry_after = retry_after
