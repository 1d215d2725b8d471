"""The OpenAPI document describes every /api/v1 route and method."""
from __future__ import annotations

import re


def test_every_api_rule_is_documented(app, client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1")]
    assert rules
    for rule in rules:
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in doc["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][path][method.lower()]
            assert operation["responses"], (path, method)


def test_error_responses_use_the_error_schema(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").json
    post = doc["paths"]["/api/v1/comments"]["post"]["responses"]
    for code in ("400", "413", "415", "422", "429"):
        assert post[code]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(doc["components"]["schemas"]["Error"]["required"]) == {"error", "message"}
