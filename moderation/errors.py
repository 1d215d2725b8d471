"""One JSON error shape for every failure: {"error", "message", "fields", "codes"}; never an HTML 500 page.

`fields` holds a reason per bad field for people, `codes` a stable code per field for programs
(e.g. `required`, `too_long`, `email_invalid`); the message and the reasons are in the language the
client asked for (`?lang=` or Accept-Language; moderation.catalog), English by default.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from moderation import catalog

log = logging.getLogger("moderation.errors")


class APIError(Exception):
    """An error the client can act on.

    `key` names the message in the language files (moderation.catalog); without one the message is
    never translated. `codes` gives each field's stable code (default: `key`, else "invalid"), and
    `params` / `field_params` fill the placeholders of the translated texts.
    """

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, status: int | None = None, *,
                 key: str | None = None, codes: Mapping[str, str] | None = None,
                 params: Mapping[str, Any] | None = None,
                 field_params: Mapping[str, Mapping[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status
        self.key = key
        self.codes = {name: (codes or {}).get(name) or key or "invalid" for name in self.fields}
        self.params = dict(params or {})
        self.field_params = {name: dict(value) for name, value in (field_params or {}).items()}

    def body(self, lang: str = catalog.DEFAULT) -> dict[str, object]:
        """The JSON error in `lang` (texts the language file lacks stay as raised)."""
        text = (catalog.message(lang, self.key, self.params) if self.key else None) or self.message
        fields = {name: catalog.field_message(lang, name, self.codes[name], self.field_params.get(name)) or reason
                  for name, reason in self.fields.items()}
        return _body(self.code, text, fields, self.codes)


def request_language(fallback: str = catalog.DEFAULT, requested: str | None = None) -> str:
    """The language this request asked for: `requested`, else `?lang=`, else Accept-Language, else `fallback`."""
    # Never reads the body: this also runs for a 413, where touching the form raises again.
    return catalog.negotiate(requested or request.args.get("lang"), request.accept_languages, fallback)


class ValidationFailed(APIError):
    """Input failed validation; `fields` names each field and the reason."""

    status = 422
    code = "invalid"


class NotFound(APIError):
    status = 404
    code = "not_found"


class Forbidden(APIError):
    status = 403
    code = "forbidden"


class Conflict(APIError):
    status = 409
    code = "conflict"


def _body(code: str, message: str, fields: dict[str, str] | None = None,
          codes: dict[str, str] | None = None) -> dict[str, object]:
    out: dict[str, object] = {"error": code, "message": message}
    if fields:
        out["fields"] = fields
        out["codes"] = codes or dict.fromkeys(fields, "invalid")
    return out


def register(app: Flask) -> None:
    """Install handlers so errors are JSON for the API and plain text elsewhere."""

    @app.errorhandler(APIError)
    def _api_error(exc: APIError):  # type: ignore[no-untyped-def]
        return jsonify(exc.body(request_language())), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = (exc.name or "error").lower().replace(" ", "_")
        lang = request_language()
        # English keeps the specific text (e.g. which rate limit); other languages get the catalog's.
        text = (catalog.message(lang, code) if lang != catalog.DEFAULT else None) or exc.description or exc.name
        response = jsonify(_body(code, text))
        response.status_code = exc.code or 500
        if exc.code == 405:  # tell the client what the resource does accept
            response.headers.update((k, v) for k, v in exc.get_headers() if k == "Allow")
        if exc.code == 429 and exc.response is not None:
            for header in ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
                if header in exc.response.headers:
                    response.headers[header] = exc.response.headers[header]
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # type: ignore[no-untyped-def]
        # The traceback goes to the log (emails masked by logsafe); the client sees no internals.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(_body("internal_error", "Something went wrong; the error was logged.")), 500
