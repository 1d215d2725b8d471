"""The OpenAPI 3.1 document for /api/v1 (hand-written; a test checks it covers every route)."""
from __future__ import annotations

from typing import Any

from moderation.schemas import HONEYPOT_FIELD, MAX_NAME
from moderation.webhooks import payloads

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


SITE = {"name": "site", "in": "query", "schema": {"type": "string"},
        "description": "Site id; may be omitted when the Origin matches one site or only one site exists."}
THREAD = {"name": "thread", "in": "query", "required": True, "schema": {"type": "string"},
          "description": "Page URL (its origin must belong to the site) or a site-given page id."}
COMMENT_ID = {"name": "comment_id", "in": "path", "required": True, "schema": {"type": "integer"}}
EDIT_TOKEN = {"name": "X-Edit-Token", "in": "header", "schema": {"type": "string"},
              "description": "The edit_token returned when the comment was posted."}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object", "required": ["error", "message"],
        "properties": {"error": {"type": "string"}, "message": {"type": "string"},
                       "fields": {"type": "object", "additionalProperties": {"type": "string"},
                                  "description": "Per-field reasons (422)."}},
    },
    "CommentIn": {
        "type": "object", "required": ["thread", "body"],
        "description": "Unknown fields are ignored. name and email are required unless the site's "
                       "policy sets require_name_email = false.",
        "properties": {
            "site": {"type": "string"}, "thread": {"type": "string", "maxLength": 2048},
            "title": {"type": "string", "maxLength": 500},
            "parent": {"type": ["integer", "null"], "description": "A published comment on the same thread."},
            "name": {"type": "string", "maxLength": MAX_NAME},
            "email": {"type": "string", "format": "email", "description": "Never published."},
            "website": {"type": "string", "format": "uri", "description": "http(s) only."},
            "body": {"type": "string", "minLength": 1, "description": "Up to policy.max_body_chars (5000)."},
            "form_token": {"type": "string", "description": "From GET /api/v1/form-token."},
            HONEYPOT_FIELD: {"type": "string", "description": "Honeypot: leave empty."},
            "notify_replies": {"type": "boolean", "default": False,
                               "description": "Mail the author when the comment is published and when someone "
                                              "replies (if the service has SMTP configured); needs an email."},
        },
    },
    "Accepted": {
        "type": "object", "required": ["id", "status", "edit_token"],
        "properties": {"id": {"type": "integer"}, "status": {"const": "pending"},
                       "edit_token": {"type": "string"}},
    },
    "Comment": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "parent": {"type": ["integer", "null"]}, "name": {"type": "string"},
            "website": {"type": "string", "description": "Render with rel=\"nofollow ugc\"."},
            "body_html": {"type": "string", "description": "Sanitised HTML."},
            "created": {"type": "string", "format": "date-time"}, "avatar_seed": {"type": "string"},
            "replies": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}},
            "status": {"type": "string", "description": "Only with a valid X-Edit-Token."},
            "reasons": {"type": "array", "items": {"type": "string"}, "description": "Only with X-Edit-Token."},
        },
    },
    "CommentList": {
        "type": "object",
        "properties": {"site": {"type": "string"}, "thread": {"type": "string"}, "count": {"type": "integer"},
                       "comments": {"type": "array", "items": {"$ref": "#/components/schemas/Comment"}}},
    },
    "StatusOut": {"type": "object", "properties": {"id": {"type": "integer"}, "status": {"type": "string"}}},
}

OWNER_ERRORS = {"403": _error("Missing or wrong X-Edit-Token, or the edit window has closed."),
                "404": _error("No such comment.")}


def document() -> dict[str, Any]:
    """The whole OpenAPI document, with the webhook payloads in its `webhooks` section."""
    return payloads.add_to_openapi(_paths_document())


def _paths_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Comment moderation public API", "version": "1"},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/comments": {
                "post": {
                    "summary": "Submit a comment (scored asynchronously).",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/CommentIn"}}}},
                    "responses": {
                        "202": _json({"$ref": "#/components/schemas/Accepted"}, "Stored and queued."),
                        "400": _error("Malformed JSON."), "403": _error("Origin not registered for the site."),
                        "409": _error("Duplicate comment on this thread."),
                        "413": _error("Request too large."), "415": _error("Not JSON."),
                        "422": _error("Invalid fields, with per-field reasons."),
                        "429": _error("Rate limited or posting too quickly (Retry-After)."),
                    },
                },
                "get": {
                    "summary": "Published comments of a thread as a tree.",
                    "parameters": [SITE, THREAD],
                    "responses": {"200": _json({"$ref": "#/components/schemas/CommentList"}, "The tree."),
                                  "422": _error("Unknown site or bad thread.")},
                },
            },
            "/api/v1/comments/{comment_id}": {
                "get": {"summary": "One comment; authors also see status and reasons.",
                        "parameters": [COMMENT_ID, EDIT_TOKEN],
                        "responses": {"200": _json({"$ref": "#/components/schemas/Comment"}, "The comment."),
                                      "404": _error("Not found or not published.")}},
                "patch": {"summary": "Edit the body inside the edit window; re-scored.",
                          "parameters": [COMMENT_ID, EDIT_TOKEN],
                          "requestBody": {"required": True, "content": {"application/json": {"schema": {
                              "type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}}}},
                          "responses": {"200": _json({"$ref": "#/components/schemas/StatusOut"}, "Back to pending."),
                                        "422": _error("Invalid body."), **OWNER_ERRORS}},
                "delete": {"summary": "Delete one's own comment inside the edit window.",
                           "parameters": [COMMENT_ID, EDIT_TOKEN],
                           "responses": {"200": _json({"$ref": "#/components/schemas/StatusOut"}, "Deleted."),
                                         **OWNER_ERRORS}},
            },
            "/api/v1/form-token": {
                "get": {"summary": "A signed single-use form token for one page.", "parameters": [SITE, THREAD],
                        "responses": {"200": _json({"type": "object", "properties": {
                            "form_token": {"type": "string"}, "site": {"type": "string"},
                            "thread": {"type": "string"}}}, "The token."),
                            "422": _error("Unknown site or bad thread.")}},
            },
            "/api/v1/openapi.json": {
                "get": {"summary": "This document.", "responses": {"200": {"description": "OpenAPI 3.1 JSON."}}},
            },
        },
        "components": {"schemas": dict(SCHEMAS)},
    }
