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

from moderation.schemas import ONE_LINE, CommentIn, EditIn

MAX_ID = 2**63 - 1
REF = "#/components/schemas/{model}"


class Error(BaseModel):
    """Every error: a code, a message for people, and per-field reasons where fields were at fault."""

    error: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict, description="Per-field reasons (absent when empty).")


class Accepted(BaseModel):
    """A stored comment, queued for scoring."""

    id: int
    status: Literal["pending"]
    edit_token: str = Field(description="Keep it: it lets the author see, edit and delete the comment.")


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
    status: str | None = Field(None, description="Only with a valid X-Edit-Token.")
    reasons: list[str] | None = Field(None, description="Only with a valid X-Edit-Token.")


class CommentList(BaseModel):
    """The published comments of a page as a tree."""

    site: str
    thread: str
    count: int
    comments: list[PublicComment]


class StatusOut(BaseModel):
    """A comment's id and status after a change."""

    id: int
    status: str


class FormToken(BaseModel):
    """A signed, single-use token for one comment form on one page."""

    form_token: str
    site: str
    thread: str


MODELS: list[type[BaseModel]] = [CommentIn, EditIn, Error, Accepted, PublicComment, CommentList, StatusOut, FormToken]

SITE = {"name": "site", "in": "query", "schema": {"type": "string", "maxLength": 64, "pattern": ONE_LINE},
        "description": "Site id; may be omitted when the Origin matches one site or only one site exists."}
THREAD = {"name": "thread", "in": "query", "required": True,
          "schema": CommentIn.model_json_schema()["properties"]["thread"],
          "description": "Page URL (on one of the site's origins) or a site-given page id."}
COMMENT_ID = {"name": "comment_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}
EDIT_TOKEN = {"name": "X-Edit-Token", "in": "header", "schema": {"type": "string"},
              "description": "The edit_token returned when the comment was posted."}

ERRORS = {
    "400": "Malformed JSON.",
    "403": "Not allowed: the page's origin or URL is not registered for the site, or a missing or wrong "
           "X-Edit-Token, or the edit window has closed.",
    "404": "No such comment, site or parent comment.",
    "405": "Method not allowed (see the Allow header).",
    "409": "Duplicate comment on this page.",
    "413": "Request too large.",
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
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = parameters
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
            "get": _operation("Published comments of a page as a tree.", ("200", CommentList, "The tree."),
                              ("403", "404", "422"), [SITE, THREAD]),
        },
        "/api/v1/comments/{comment_id}": {
            "get": _operation("One published comment; its author also sees status and reasons.",
                              ("200", PublicComment, "The comment."), ("404",), [COMMENT_ID, EDIT_TOKEN])
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
    """The whole OpenAPI document (the moderation API's part comes from moderation.moderator.openapi)."""
    return merge_moderation({
        "openapi": "3.1.0",
        "info": {"title": "Comment moderation public API", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": paths(),
        "components": components(),
    }
    )


def merge_moderation(doc: dict[str, Any]) -> dict[str, Any]:
    """Add the moderation API's and the model registry's paths and schemas."""
    from moderation.moderator.openapi import document as moderation_document
    from moderation.registry.openapi import document as registry_document

    for extra in (moderation_document(), registry_document()):
        clash = set(extra["components"]["schemas"]) & set(doc["components"]["schemas"])
        assert not clash, f"schema names used twice: {clash}"
        doc["paths"].update(extra["paths"])
        doc["components"]["schemas"].update(extra["components"]["schemas"])
    return doc
