"""The webhooks part of the OpenAPI document: the `webhooks` section (payloads) and the admin API paths."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from moderation.webhooks import payloads
from moderation.webhooks import schemas as inputs

PREFIX = "/api/v1/admin/webhooks"
ERROR = {"$ref": "#/components/schemas/Error"}
AUTH = {"401": "No session and no valid Bearer token.",
        "403": "Not an admin of the endpoint's site; or, with a browser session, a missing or wrong X-CSRFToken "
               "or a cross-site Origin / Sec-Fetch-Site."}
JSON_IN = {"400": "Malformed JSON.", "415": "Not JSON.",
           "422": "Invalid fields, with per-field reasons (url, events, secret, site, ...)."}


class WebhookEndpointOut(BaseModel):
    """An endpoint as admins see it (never its secret)."""

    id: int
    site: str
    url: str
    description: str
    events: list[str]
    author_contact: bool
    enabled: bool
    disabled_reason: str | None
    disabled_at: str | None
    failing_since: str | None = Field(description="First failure since the last success.")
    last_success_at: str | None
    rotation_overlap_until: str | None = Field(description="The previous secret also signs until then.")
    created_at: str | None
    deliveries: dict[str, int] = Field(description="Counts by status: pending, delivered, failed.")


class WebhookSecretOut(BaseModel):
    """A secret, shown in this answer only."""

    id: int
    secret: str = Field(description="whsec_ + base64 of 32 random bytes.")
    endpoint: WebhookEndpointOut | None = None
    old_secret_until: str | None = None


class WebhookAttemptOut(BaseModel):
    """One attempt in the delivery log."""

    event: str
    message: str = Field(description="The webhook-id.")
    comment: int | None
    attempt: int
    started_at: str | None
    outcome: str = Field(description="sending, succeeded, failed or interrupted.")
    response_status: int | None
    response_body: str = Field(description="The first 1 KB of the answer.")
    duration_ms: int | None
    error: str
    delivery_status: str


class WebhookTestOut(BaseModel):
    """What the receiver answered to a test ping."""

    delivered: bool
    message: str
    status: int | None
    body: str
    duration_ms: int | None
    error: str


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(codes: dict[str, str]) -> dict[str, Any]:
    return {code: {"description": text, "content": {"application/json": {"schema": ERROR}}}
            for code, text in {**AUTH, **codes}.items()}


def _body(name: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(name)}}}


def _paths() -> dict[str, Any]:
    eid = {"name": "endpoint_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    missing = {"404": "No such endpoint."}
    endpoint = _ok(_ref("WebhookEndpointOut"), "The endpoint.")
    return {
        PREFIX: {
            "get": {"summary": "Endpoints of the sites you administer.",
                    "parameters": [{"name": "site", "in": "query", "schema": {"type": "string"}}],
                    "responses": {"200": _ok({"type": "object", "properties": {"endpoints": {
                        "type": "array", "items": _ref("WebhookEndpointOut")}}}, "The list."), **_errors({})}},
            "post": {"summary": "Add an endpoint; the answer shows its secret once.", "requestBody": _body("EndpointIn"),
                     "responses": {"201": _ok(_ref("WebhookSecretOut"), "Added."), **_errors(JSON_IN)}}},
        f"{PREFIX}/{{endpoint_id}}": {
            "get": {"summary": "One endpoint.", "parameters": [eid],
                    "responses": {"200": endpoint, **_errors(missing)}},
            "patch": {"summary": "Change URL, events, author_contact, description; disable or enable.",
                      "parameters": [eid], "requestBody": _body("EndpointPatch"),
                      "responses": {"200": endpoint, **_errors({**JSON_IN, **missing})}}},
        f"{PREFIX}/{{endpoint_id}}/rotate": {"post": {
            "summary": "A new secret (shown once); the old one also signs during the overlap.", "parameters": [eid],
            "requestBody": _body("RotateIn", required=False),
            "responses": {"200": _ok(_ref("WebhookSecretOut"), "The new secret."), **_errors({**JSON_IN, **missing})}}},
        f"{PREFIX}/{{endpoint_id}}/test": {"post": {
            "summary": "Send a signed webhook.test ping now.", "parameters": [eid],
            "responses": {"200": _ok(_ref("WebhookTestOut"), "The receiver's answer."), **_errors(missing)}}},
        f"{PREFIX}/{{endpoint_id}}/redeliver": {"post": {
            "summary": "Send one message (by webhook-id) or every failed one again.", "parameters": [eid],
            "requestBody": _body("RedeliverIn"),
            "responses": {"200": _ok({"type": "object", "properties": {"queued": {"type": "integer"}}}, "Queued."),
                          **_errors({**JSON_IN, **missing})}}},
        f"{PREFIX}/{{endpoint_id}}/attempts": {"get": {
            "summary": "The delivery log, newest first.",
            "parameters": [eid, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                          "maximum": 500}}],
            "responses": {"200": _ok({"type": "object", "properties": {"attempts": {
                "type": "array", "items": _ref("WebhookAttemptOut")}}}, "The log."),
                **_errors({"422": "Bad limit.", **missing})}}},
    }


def merge(document: dict[str, Any]) -> dict[str, Any]:
    """Add the webhook payloads and the admin endpoints' paths to an OpenAPI 3.1 document."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (inputs.EndpointIn, inputs.EndpointPatch, inputs.RotateIn, inputs.RedeliverIn,
                  WebhookEndpointOut, WebhookSecretOut, WebhookAttemptOut, WebhookTestOut):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    document.setdefault("paths", {}).update(_paths())
    return payloads.add_to_openapi(document)
