"""The two Mattermost REST calls the bot makes, with the bot account's token.

`GET /api/v4/posts/{id}/thread` for a follow-up's conversation, `POST /api/v4/posts` for the
reply. A failure that may pass (unreachable, 429, 5xx) raises so the outbox retries; a
refusal (4xx) raises PermanentError.
"""

from __future__ import annotations

import httpx

from qa_service.chat.outbox import PermanentError


class MattermostClient:
    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v4",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
        )

    def _checked(self, response: httpx.Response) -> dict:
        if response.status_code == 429 or response.status_code >= 500:
            raise RuntimeError(f"Mattermost HTTP {response.status_code}")
        if response.status_code >= 400:
            raise PermanentError(f"Mattermost HTTP {response.status_code}: {response.text[:200]}")
        return response.json()

    def thread(self, post_id: str) -> dict:
        """`{"order": [...], "posts": {id: post}}` of the thread `post_id` belongs to."""
        return self._checked(self._http.get(f"/posts/{post_id}/thread"))

    def create_post(self, post: dict) -> dict:
        return self._checked(self._http.post("/posts", json=post))
