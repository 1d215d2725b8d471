"""Query parameters of the public read endpoints (a thread's listing, counts), validated like request bodies."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.datastructures import MultiDict

from moderation import schemas
from moderation.errors import ValidationFailed
from moderation.services.threads import CURSOR, MAX_COUNT_THREADS
from moderation.settings import PolicySettings


class ListQuery(BaseModel):
    """Which page of a thread: order, page size (top-level comments) and the cursor from `next`."""

    model_config = ConfigDict(extra="ignore")

    sort: Literal["oldest", "newest"] | None = Field(None, description="Default: the site's comment_order.")
    limit: int | None = Field(None, ge=1, le=200, description="Top-level comments; default: the site's comments_per_page.")
    after: str | None = Field(None, pattern=CURSOR, description="The `next` of the previous page.")


def list_query(args: MultiDict[str, str]) -> ListQuery:
    """The listing's query, or a 422 naming each bad parameter."""
    try:
        return ListQuery.model_validate({k: args.get(k) for k in ("sort", "limit", "after") if k in args})
    except ValidationError as exc:
        error = schemas.invalid(exc)
        if "after" in error.codes:
            error.codes["after"] = "cursor_invalid"
        raise error from None


def count_threads(args: MultiDict[str, str]) -> list[str]:
    """The `thread` parameters (1 to MAX_COUNT_THREADS, each a page URL or id), or a 422."""
    threads = args.getlist("thread")
    if not threads:
        raise _bad("required: one or more thread parameters", "required")
    if len(threads) > MAX_COUNT_THREADS:
        raise _bad(f"too many: at most {MAX_COUNT_THREADS}", "too_many", max=MAX_COUNT_THREADS)
    for thread in threads:
        try:
            schemas.clean_thread(thread)
        except ValueError as exc:  # pydantic's custom error: its type is the code
            code = getattr(exc, "type", "invalid")
            raise _bad(str(exc), code, **(getattr(exc, "context", None) or {})) from None
    return list(dict.fromkeys(threads))


def _bad(reason: str, code: str, **params: Any) -> ValidationFailed:
    return ValidationFailed("Please correct the fields listed.", {"thread": reason}, key="invalid",
                            codes={"thread": code}, field_params={"thread": params})


def widget_config(policy: PolicySettings) -> dict[str, Any]:
    """What the widget needs to know of the site: language, threading, and the form's rules."""
    return {
        "language": policy.language, "thread_depth": policy.thread_depth, "comment_order": policy.comment_order,
        "comments_per_page": policy.comments_per_page, "require_name_email": policy.require_name_email,
        "max_body_chars": policy.max_body_chars, "edit_window_minutes": policy.edit_window_minutes,
        "max_name": schemas.MAX_NAME, "max_email": schemas.MAX_EMAIL, "max_url": schemas.MAX_URL,
    }
