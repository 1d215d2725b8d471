"""One JSON error shape for every failure: {"error", "message", "fields"}; never an HTML 500 page."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("moderation.errors")


class APIError(Exception):
    """An error the client can act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


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


def _body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, object]:
    out: dict[str, object] = {"error": code, "message": message}
    if fields:
        out["fields"] = fields
    return out


def register(app: Flask) -> None:
    """Install handlers so errors are JSON for the API and plain text elsewhere."""

    @app.errorhandler(APIError)
    def _api_error(exc: APIError):  # type: ignore[no-untyped-def]
        return jsonify(_body(exc.code, exc.message, exc.fields)), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        code = (exc.name or "error").lower().replace(" ", "_")
        response = jsonify(_body(code, exc.description or exc.name))
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
