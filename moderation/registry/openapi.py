"""OpenAPI paths of the model-registry API, generated from its pydantic models (merged with the moderation API's)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from moderation.moderator.openapi import JSON_IN, PREFIX, _body, _errors, _id, _ok, _query
from moderation.registry import schemas as s

ADMIN = {"403": "Admins only (and the global model only for admins of every site); or, with a browser session, a "
                "missing or wrong X-CSRFToken or a cross-site Origin / Sec-Fetch-Site."}
CHANGE = {**JSON_IN, **ADMIN, "404": "No such version, or no such site."}


def document() -> dict[str, Any]:
    """{"paths": ..., "components": {"schemas": ...}}."""
    models: list[type[BaseModel]] = [s.ScopeIn, s.ModelVersionOut, s.ModelListOut, s.ActivationOut, s.RunsOut]
    schemas: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    mid = _id("model_id")
    base = f"{PREFIX}/models"
    paths: dict[str, Any] = {
        base: {"get": {"summary": "Admins: stored model versions (newest first) and the active one per site.",
                       "parameters": _query(s.ModelsQuery),
                       "responses": {"200": _ok(s.ModelListOut, "Versions and active ones."),
                                     **_errors({**ADMIN, "422": "Bad filter."})}}},
        f"{base}/runs": {"get": {"summary": "Admins: training runs with their figures (quality per version over time).",
                                 "parameters": _query(s.ModelsQuery),
                                 "responses": {"200": _ok(s.RunsOut, "Runs, newest first."),
                                               **_errors({**ADMIN, "422": "Bad filter."})}}},
        f"{base}/{{model_id}}": {"get": {"summary": "Admins: one version with its training facts and evaluation.",
                                         "parameters": [mid],
                                         "responses": {"200": _ok(s.ModelVersionOut, "The version."),
                                                       **_errors({**ADMIN, "404": "No such version."})}}},
        f"{base}/{{model_id}}/activate": {"post": {
            "summary": "Admins: make the version active for a site, or (no site) for every site without its own; "
                       "workers switch within seconds.",
            "parameters": [mid], "requestBody": _body(s.ScopeIn),
            "responses": {"200": _ok(s.ActivationOut, "Activated."), **_errors({**CHANGE, "409": "Already active there."})}}},
        f"{base}/deactivate": {"post": {
            "summary": "Admins: the site (or the global scope) drops its own model and falls back.",
            "requestBody": _body(s.ScopeIn),
            "responses": {"200": _ok(s.ActivationOut, "Falls back now."),
                          **_errors({**CHANGE, "409": "It has no own model."})}}},
        f"{base}/rollback": {"post": {
            "summary": "Admins: back to the version active before the current one.",
            "requestBody": _body(s.ScopeIn),
            "responses": {"200": _ok(s.ActivationOut, "Rolled back."),
                          **_errors({**CHANGE, "409": "Nothing to roll back to."})}}},
    }
    return {"paths": paths, "components": {"schemas": schemas}}
