"""The OpenAPI 3.1 document for /api/v1, generated from the pydantic models that validate requests.

Request bodies come from `moderation.schemas` (the models the views validate with); responses from
the models below, which the views' JSON follows (schemathesis checks every response against them in
the test suite). Each operation lists every status code it can answer.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from moderation.queries import ListQuery
from moderation.schemas import ONE_LINE, CommentIn, EditIn
from moderation.services.threads import CURSOR
from moderation.webhooks import openapi as webhooks_openapi

MAX_ID = 2**63 - 1
REF = "#/components/schemas/{model}"


class Error(BaseModel):
    """Every error: a code, a message for people, and per-field reasons where fields were at fault."""

    error: str = Field(description="Stable code of the error (invalid, not_found, forbidden, conflict, flood, ...).")
    message: str = Field(description="For people, in the language asked for (`lang`, else Accept-Language; English "
                                     "by default).")
    fields: dict[str, str] = Field(default_factory=dict, description="Per-field reasons for people, in the same "
                                                                     "language (absent when empty).")
    codes: dict[str, str] = Field(default_factory=dict, description=(
        "Per-field stable codes for programs, beside `fields` (absent when empty): required, too_long, too_many, "
        "control_chars, invisible_chars, email_invalid, url_scheme, url_invalid, parent_invalid, parent_not_found, "
        "site_unknown, thread_foreign, origin_forbidden, duplicate, cursor_invalid, invalid_type, invalid_choice, "
        "not_object, invalid."))


class Accepted(BaseModel):
    """A stored comment, queued for scoring."""

    id: int
    status: Literal["pending"]
    edit_token: str = Field(description="Keep it: it lets the author see, edit and delete the comment.")
    author_token: str = Field(description="Send it back as `author_token` with later comments if the reader asked "
                                          "to be remembered; empty when the comment has no email.")


class PublicComment(BaseModel):
    """A published comment as anyone may see it (never email, IP or index)."""

    id: int
    parent: int | None
    name: str
    website: str = Field(description='Render with rel="nofollow ugc".')
    body_html: str = Field(description="Sanitised HTML.")
    created: datetime
    avatar_seed: str
    replies: list[PublicComment] = Field(default_factory=list, description="In the thread listing only.")
    status: str | None = Field(None, description="Only for the author (X-Edit-Token or moderation-hash).")
    reasons: list[str] | None = Field(None, description="Only for the author.")
    body: str | None = Field(None, description="The text as typed; only for the author.")
    editable_until: datetime | None = Field(None, description="End of the edit window; only for the author.")


class WidgetConfig(BaseModel):
    """The site's settings the widget needs: language, threading, and the form's limits."""

    language: str
    thread_depth: int
    comment_order: Literal["oldest", "newest"]
    comments_per_page: int
    require_name_email: bool
    max_body_chars: int
    edit_window_minutes: int
    max_name: int
    max_email: int
    max_url: int


class CommentList(BaseModel):
    """A page of a thread's published comments as a tree."""

    site: str
    thread: str
    count: int = Field(description="Published comments on the page, in all pages.")
    comments: list[PublicComment] = Field(description="Top-level comments of this page with all their replies.")
    next: str | None = Field(description="Pass as `after` for the next page; null on the last.")
    form_token: str | None = Field(description="A form token (first page only), saving a request.")
    config: WidgetConfig


class Counts(BaseModel):
    """Published comments per page, keyed by the thread as asked."""

    site: str
    counts: dict[str, int]


class StatusOut(BaseModel):
    """A comment's id and status after a change."""

    id: int
    status: str


class FormToken(BaseModel):
    """A signed, single-use token for one comment form on one page."""

    form_token: str
    site: str
    thread: str


MODELS: list[type[BaseModel]] = [CommentIn, EditIn, Error, Accepted, PublicComment, WidgetConfig, CommentList,
                                  Counts, StatusOut, FormToken]

SITE = {"name": "site", "in": "query", "schema": {"type": "string", "maxLength": 64, "pattern": ONE_LINE},
        "description": "Site id; may be omitted when the Origin matches one site or only one site exists."}
THREAD = {"name": "thread", "in": "query", "required": True,
          "schema": CommentIn.model_json_schema()["properties"]["thread"],
          "description": "Page URL (on one of the site's origins) or a site-given page id."}
COMMENT_ID = {"name": "comment_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}
EDIT_TOKEN = {"name": "X-Edit-Token", "in": "header", "schema": {"type": "string"},
              "description": "The edit_token returned when the comment was posted."}
MODERATION_HASH = {"name": "moderation-hash", "in": "query", "schema": {"type": "string"},
                   "description": "From the WordPress-form route's return link: shows the author their own "
                                  "pending comment (read only)."}
# Any value is accepted: an unknown language falls back to Accept-Language, then English.
LANG = {"name": "lang", "in": "query", "schema": {"type": "string"},
        "description": "Language of messages: id or en (else Accept-Language decides; English by default)."}
_LIST = ListQuery.model_json_schema()["properties"]
LIST_PARAMS = [
    {"name": "sort", "in": "query", "schema": {"enum": ["oldest", "newest"]}, "description": _LIST["sort"]["description"]},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200},
     "description": _LIST["limit"]["description"]},
    {"name": "after", "in": "query", "schema": {"type": "string", "pattern": CURSOR},
     "description": _LIST["after"]["description"]},
]
COUNT_THREADS = {"name": "thread", "in": "query", "required": True, "style": "form", "explode": True,
                 "schema": {"type": "array", "minItems": 1, "maxItems": 100, "items": THREAD["schema"]},
                 "description": "Repeat for each page (1 to 100): page URL or page id."}

ERRORS = {
    "400": "Malformed JSON.",
    "403": "Not allowed: the page's origin or URL is not registered for the site, or a missing or wrong "
           "X-Edit-Token, or the edit window has closed.",
    "404": "No such comment, site or parent comment.",
    "405": "Method not allowed (see the Allow header).",
    "409": "Duplicate comment on this page.",
    "413": "Request too large.",
    "414": "The URL is too long (the web server's limit; ask for fewer threads at a time).",
    "415": "Not JSON.",
    "422": "Invalid fields, with per-field reasons.",
    "429": "Rate limited or posting too quickly (see Retry-After).",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _operation(summary: str, ok: tuple[str, type[BaseModel], str], errors: tuple[str, ...],
               parameters: list[dict[str, Any]] | None = None, body: type[BaseModel] | None = None) -> dict[str, Any]:
    code, model, description = ok
    responses: dict[str, Any] = {code: {"description": description,
                                        "content": {"application/json": {"schema": _ref(model)}}}}
    for error in errors:
        responses[error] = {"description": ERRORS[error], "content": {"application/json": {"schema": _ref(Error)}}}
    if "414" in responses:  # answered by the HTTP server before the app sees the request, in its own format
        del responses["414"]["content"]
    operation: dict[str, Any] = {"summary": summary, "responses": responses, "parameters": [*(parameters or []), LANG]}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return operation


# What a client can do next with the comment it just posted (its id and edit token).
AUTHOR_LINKS = {
    name: {"operationId": operation_id,
           "parameters": {"comment_id": "$response.body#/id", "header.X-Edit-Token": "$response.body#/edit_token"}}
    for name, operation_id in (("ViewOwnComment", "getComment"), ("EditOwnComment", "editComment"),
                               ("DeleteOwnComment", "deleteComment"))
}


def paths() -> dict[str, Any]:
    """Every public /api/v1 operation with every status code it can answer."""
    submit = _operation("Submit a comment (scored asynchronously).", ("202", Accepted, "Stored and queued."),
                        ("400", "403", "404", "409", "413", "415", "422", "429"), body=CommentIn)
    submit["responses"]["202"]["links"] = AUTHOR_LINKS
    return {
        "/api/v1/comments": {
            "post": submit,
            "get": _operation("A page of a thread's published comments as a tree, with the site's widget settings.",
                              ("200", CommentList, "The tree."), ("403", "404", "422"), [SITE, THREAD, *LIST_PARAMS]),
        },
        "/api/v1/counts": {
            "get": _operation("Published comments per page, for article lists (one request for many pages).",
                              ("200", Counts, "The counts."), ("403", "404", "414", "422"), [SITE, COUNT_THREADS]),
        },
        "/api/v1/comments/{comment_id}": {
            "get": _operation("One published comment; its author also sees status and reasons.",
                              ("200", PublicComment, "The comment."), ("404",), [COMMENT_ID, EDIT_TOKEN, MODERATION_HASH])
            | {"operationId": "getComment"},
            "patch": _operation("Edit the body inside the edit window; it is scored again.",
                                ("200", StatusOut, "Back to pending."), ("400", "403", "404", "413", "415", "422"),
                                [COMMENT_ID, EDIT_TOKEN], body=EditIn) | {"operationId": "editComment"},
            "delete": _operation("Delete one's own comment inside the edit window.", ("200", StatusOut, "Deleted."),
                                 ("403", "404"), [COMMENT_ID, EDIT_TOKEN]) | {"operationId": "deleteComment"},
        },
        "/api/v1/form-token": {
            "get": _operation("A signed single-use form token for one page.", ("200", FormToken, "The token."),
                              ("403", "404", "422"), [SITE, THREAD]),
        },
        "/api/v1/openapi.json": {
            "get": {"summary": "This document.", "responses": {"200": {"description": "OpenAPI 3.1 JSON.",
                                                                       "content": {"application/json": {}}}}},
        },
    }


def components() -> dict[str, Any]:
    """JSON Schemas of every model, request bodies in validation mode and responses in serialization mode."""
    modes = [(m, "validation" if m in (CommentIn, EditIn) else "serialization") for m in MODELS]
    _, top = models_json_schema(modes, ref_template=REF)  # type: ignore[arg-type]
    schemas: dict[str, Any] = top.get("$defs", {})
    return {"schemas": schemas}


def document() -> dict[str, Any]:
    """The whole OpenAPI document (the moderation API's part comes from moderation.moderator.openapi, the
    admin webhook API and the `webhooks` section from moderation.webhooks.openapi)."""
    return webhooks_openapi.merge(merge_moderation({
        "openapi": "3.1.0",
        "info": {"title": "Comment moderation public API", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": paths(),
        "components": components(),
    }
    ))


def merge_moderation(doc: dict[str, Any]) -> dict[str, Any]:
    """Add the moderation API's and the model registry's paths and schemas."""
    from moderation.datarights.openapi import document as privacy_document
    from moderation.moderator.openapi import document as moderation_document
    from moderation.registry.openapi import document as registry_document

    for extra in (moderation_document(), registry_document(), privacy_document()):
        clash = set(extra["components"]["schemas"]) & set(doc["components"]["schemas"])
        assert not clash, f"schema names used twice: {clash}"
        doc["paths"].update(extra["paths"])
        doc["components"]["schemas"].update(extra["components"]["schemas"])
    return doc
