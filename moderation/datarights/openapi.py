"""OpenAPI paths of the guest's privacy requests and links (merged into /api/v1/openapi.json)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from moderation.datarights import schemas as s
from moderation.moderator.openapi import _body, _errors, _ok

BASE = "/api/v1/privacy"
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 200},
         "description": "The token of the link the site mailed (`<id>.<expiry>.<HMAC>`)."}
LINK_ERRORS = {"403": "The link is not valid (changed or made up).",
               "404": "Not found.",
               "410": "The link has expired, was used, or its request was purged; ask for a new one."}


def document() -> dict[str, Any]:
    """{"paths": ..., "components": {"schemas": ...}}."""
    models: list[type[BaseModel]] = [s.PrivacyRequestIn, s.PrivacyRequestAccepted, s.PrivacyExport, s.ErasureLink,
                                     s.ErasureDone]
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    paths: dict[str, Any] = {
        f"{BASE}/requests": {"post": {
            "summary": "A guest asks for an export or an erasure with only their email; the link goes as a "
                       "privacy.export_requested / privacy.erasure_requested event to the site's author_contact "
                       "endpoints, which mail it. The answer is the same whether or not the email commented.",
            "requestBody": _body(s.PrivacyRequestIn),
            "responses": {"202": _ok(s.PrivacyRequestAccepted, "Accepted."),
                          **_errors({"400": "Malformed JSON.", "404": "No such site.", "413": "Request too large.",
                                     "415": "Not JSON.",
                                     "422": "Invalid fields (site, email, kind), with per-field reasons.",
                                     "429": "Rate limited (see Retry-After)."}, auth=False)}}},
        f"{BASE}/export/{{token}}": {"get": {
            "summary": "The export JSON of the link's email and site (a file download).", "parameters": [TOKEN],
            "responses": {"200": _ok(s.PrivacyExport, "Everything stored about that email on that site."),
                          **_errors(LINK_ERRORS, auth=False)}}},
        f"{BASE}/erase/{{token}}": {
            "get": {"summary": "What a POST to this erasure link will do (nothing is changed).", "parameters": [TOKEN],
                    "responses": {"200": _ok(s.ErasureLink, "The site and the erasure mode."),
                                  **_errors(LINK_ERRORS, auth=False)}},
            "post": {"summary": "Erase, in the site's erase_mode; the link works once.", "parameters": [TOKEN],
                     "responses": {"200": _ok(s.ErasureDone, "What changed."), **_errors(LINK_ERRORS, auth=False)}}},
    }
    return {"paths": paths, "components": {"schemas": schemas}}
