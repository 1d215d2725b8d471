"""What the web side learns about a submission, stored with the comment and read by the worker.

One typed structure, written once at submit (and on an author's edit) and read by the policy in
the worker, so the figure the policy uses is the figure that was stored. Bot verdicts come from
`moderation.antibot`; text facts from `moderation.sanitize` on the sanitised HTML.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

FormTokenOutcome = Literal["ok", "missing", "expired", "tampered", "mismatch", "replayed", "too_fast"]


class Signals(BaseModel):
    """Facts about one submission; JSON in `comments.signals`."""

    # Rows written by other versions may carry keys we no longer use: ignore them, never fail.
    model_config = ConfigDict(extra="ignore", frozen=True)

    # Bot defences (moderation.antibot): a failed check never refuses a comment, the policy spams it.
    form_token: FormTokenOutcome = "ok"
    form_token_invalid: bool = False
    form_token_unverified: bool = False
    bot_too_fast: bool = False
    honeypot: bool = False
    fill_seconds: float | None = None
    # Text facts, counted on what readers would see (sanitised body plus the website field).
    links: int = 0
    website_given: bool = False
    body_chars: int = 0
    edited: bool = False
    # Author facts at submit time.
    new_author: bool = False
    author_recognised: bool = False

    def to_json(self) -> dict[str, Any]:
        """The stored form (unset optional values left out)."""
        return self.model_dump(exclude_none=True)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Signals:
        """Read the stored form."""
        return cls.model_validate(data or {})


# Kept after the retention period: bot verdicts and text facts that explain a decision, nothing
# that profiles a person (typing time, browser recognition). A field added later is purged
# unless it is listed here.
RETAINED_FIELDS = frozenset({
    "form_token", "form_token_invalid", "form_token_unverified", "bot_too_fast", "honeypot",
    "links", "website_given", "body_chars", "edited", "new_author",
})
