"""👍/👎 on answers: every answer a door gives is recorded, feedback refers to it by id."""

from qa_service.feedback.store import (
    FeedbackRecord,
    FeedbackStore,
    Rating,
    SQLiteFeedbackStore,
    UnknownAnswerError,
)

__all__ = ["FeedbackRecord", "FeedbackStore", "Rating", "SQLiteFeedbackStore", "UnknownAnswerError"]
