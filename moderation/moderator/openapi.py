"""OpenAPI paths of the moderation API (and the public report endpoint), generated from the pydantic models."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from moderation.moderator import schemas as s

ERROR = {"$ref": "#/components/schemas/Error"}
PREFIX = "/api/v1/moderation"
AUTH = {"401": "No session and no valid Bearer token.",
        "403": "Your role or site scope does not allow this; or, with a browser session, a missing or "
               "wrong X-CSRFToken or a cross-site Origin / Sec-Fetch-Site."}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _ok(model: type[BaseModel] | dict[str, Any], description: str) -> dict[str, Any]:
    schema = _ref(model) if isinstance(model, type) else model
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(codes: dict[str, str], auth: bool = True) -> dict[str, Any]:
    merged = {**(AUTH if auth else {}), **codes}
    return {code: {"description": text, "content": {"application/json": {"schema": ERROR}}} for code, text in merged.items()}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _ref(model)}}}


def _query(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    return [{"name": name, "in": "query", "required": False, "schema": prop, "description": prop.get("description", "")}
            for name, prop in schema["properties"].items()]


def _id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


JSON_IN = {"400": "Malformed JSON.", "415": "Not JSON.", "422": "Invalid fields, with per-field reasons."}
GENERIC = {"type": "object"}


def document() -> dict[str, Any]:
    """{"paths": ..., "components": {"schemas": ...}} to merge into the public document."""
    models: list[type[BaseModel]] = [s.QueueFilter, s.DecisionIn, s.BulkDecisionIn, s.UndoIn,
                                     s.ModeratorEditIn, s.BanIn, s.RevealIn, s.ReportIn,
              s.TokenIn, s.Score, s.ModComment, s.QueueOut, s.DecisionOut, s.BulkOut, s.EmailOut, s.TokenOut]
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    cid = _id("comment_id")
    paths: dict[str, Any] = {
        f"{PREFIX}/me": {"get": {"summary": "Who is acting.", "responses": {"200": _ok(GENERIC, "Name, role, sites."), **_errors({})}}},
        f"{PREFIX}/comments": {"get": {
            "summary": "A queue page by priority (highest score, then oldest); keyset cursor in `next`.",
            "parameters": _query(s.QueueQuery),
            "responses": {"200": _ok(s.QueueOut, "The page."), **_errors({"422": "Bad filter or cursor."})}}},
        f"{PREFIX}/comments/{{comment_id}}": {
            "get": {"summary": "One comment as the queue shows it.", "parameters": [cid],
                    "responses": {"200": _ok(s.ModComment, "The comment."), **_errors({"404": "No such comment."})}},
            "patch": {"summary": "Edit the text: back to pending, re-scored, audited.", "parameters": [cid],
                      "requestBody": _body(s.ModeratorEditIn),
                      "responses": {"200": _ok(GENERIC, "id, status (pending), version."),
                                    **_errors({**JSON_IN, "404": "No such comment.", "409": "Stale version or deleted."})}}},
        f"{PREFIX}/comments/{{comment_id}}/decision": {"post": {
            "summary": "Publish, reject, mark spam or hold one comment; public at once.", "parameters": [cid],
            "requestBody": _body(s.DecisionIn),
            "responses": {"200": _ok(s.DecisionOut, "Changed."), **_errors({
                **JSON_IN, "404": "No such comment.",
                "409": "Already in that status, or changed since `version` (someone else decided first)."})}}},
        f"{PREFIX}/decisions": {"post": {
            "summary": "Bulk: the listed ids or every comment matching a filter, in one transaction.",
            "requestBody": _body(s.BulkDecisionIn),
            "responses": {"200": _ok(s.BulkOut, "What changed and, per comment, what did not and why."),
                          **_errors({**JSON_IN, "404": "Unknown ids (nothing applied).",
                                     "403": "Some ids are on sites outside your scope (nothing applied); " + AUTH["403"]})}}},
        f"{PREFIX}/undo": {"post": {
            "summary": "Undo an action within the undo window, unless the comments changed since.",
            "requestBody": _body(s.UndoIn),
            "responses": {"200": _ok(s.BulkOut, "Put back."), **_errors({**JSON_IN, "409": "Too late to undo."})}}},
        f"{PREFIX}/comments/{{comment_id}}/ban": {"post": {
            "summary": "Ban the author (keyed email index) or an address range, optionally for some hours.",
            "parameters": [cid], "requestBody": _body(s.BanIn),
            "responses": {"201": _ok(GENERIC, "The ban."), **_errors({**JSON_IN, "404": "No such comment."})}}},
        f"{PREFIX}/bans": {"get": {"summary": "Bans in force on your sites.",
                                   "responses": {"200": _ok(GENERIC, "{bans: [...]}"), **_errors({})}}},
        f"{PREFIX}/bans/{{ban_id}}": {"delete": {"summary": "Lift a ban.", "parameters": [_id("ban_id")],
                                                 "responses": {"200": _ok(GENERIC, "The lifted ban."),
                                                               **_errors({"404": "No such ban."})}}},
        f"{PREFIX}/comments/{{comment_id}}/reveal-email": {"post": {
            "summary": "Admins: the author's full email; the reason is audited.", "parameters": [cid],
            "requestBody": _body(s.RevealIn),
            "responses": {"200": _ok(s.EmailOut, "The address."),
                          **_errors({**JSON_IN, "404": "No such comment or no email.",
                                     "403": "Only admins may reveal emails; " + AUTH["403"]})}}},
        f"{PREFIX}/audit": {"get": {"summary": "Audit rows, newest first.", "parameters": _query(s.AuditQuery),
                                    "responses": {"200": _ok(GENERIC, "{entries, next}"), **_errors({"422": "Bad filter."})}}},
        f"{PREFIX}/dashboard": {"get": {"summary": "The numbers behind the dashboard charts.",
                                        "responses": {"200": _ok(GENERIC, "Per day, overruled, histograms, queue, waits."),
                                                      **_errors({})}}},
        f"{PREFIX}/tokens": {
            "get": {"summary": "Admins: API tokens (never the secret).", "responses": {"200": _ok(GENERIC, "{tokens}"), **_errors({})}},
            "post": {"summary": "Admins: create a token; shown in this answer only.", "requestBody": _body(s.TokenIn),
                     "responses": {"201": _ok(s.TokenOut, "The token."), **_errors(JSON_IN)}}},
        f"{PREFIX}/tokens/{{token_id}}": {"delete": {"summary": "Admins: revoke a token.", "parameters": [_id("token_id")],
                                                     "responses": {"200": _ok(s.TokenOut, "Revoked."),
                                                                   **_errors({"404": "No such token."})}}},
        "/api/v1/comments/{comment_id}/report": {"post": {
            "summary": "A reader reports a published comment; after the site's threshold it is held.",
            "parameters": [cid], "requestBody": _body(s.ReportIn),
            "responses": {"201": _ok(GENERIC, "{id, received}"), **_errors({
                **JSON_IN, "404": "No such published comment.", "409": "You already reported this comment.",
                "429": "Too many reports from your network."}, auth=False)}}},
    }
    return {"paths": paths, "components": {"schemas": schemas}}
