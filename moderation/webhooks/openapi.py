"""The webhooks part of the OpenAPI document: the `webhooks` section (payloads) and the admin API paths."""
from __future__ import annotations

from typing import Any

from moderation.webhooks import payloads


def merge(document: dict[str, Any]) -> dict[str, Any]:
    """Add the webhook payloads and the admin endpoints' paths to an OpenAPI 3.1 document."""
    return payloads.add_to_openapi(document)
