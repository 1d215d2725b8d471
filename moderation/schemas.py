"""Input schemas: every field rule in one place, all failures reported together per field.

Unknown fields are ignored (not refused): WordPress themes and plugins add their own fields
(`submit`, `akismet_comment_nonce`, `wp-comment-cookies-consent`...) and must keep working.
Site-dependent rules (name/email required, body length) come in through the validation context.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from moderation.errors import APIError, ValidationFailed
from moderation.logsafe import mask_emails
from moderation.settings import PolicySettings

HONEYPOT_FIELD = "homepage"
MAX_NAME = 245
MAX_EMAIL = 254
MAX_URL = 2048
MAX_TITLE = 500


def _invalid(message: str, code: str = "invalid", **params: Any) -> PydanticCustomError:
    """A field error with a stable `code` (moderation.catalog translates it); `message` is the English text."""
    return PydanticCustomError(code, message, params or None)


# Codes our validators raise; pydantic's own error types are mapped onto codes in `field_errors`.
CODES = {"required", "too_long", "control_chars", "invisible_chars", "email_invalid", "url_scheme", "url_invalid",
         "parent_invalid", "invalid"}
PYDANTIC_CODES = {"missing": "required", "string_too_long": "too_long", "too_many_items": "too_many",
                  "literal_error": "invalid_choice", "enum": "invalid_choice", "dict_type": "not_object",
                  "model_type": "not_object", "model_attributes_type": "not_object"}

# Characters that reorder or hide text around them: bidirectional embeddings, overrides and
# isolates, and zero-width characters. Kept out of names (a name with U+202E would reverse the
# date shown beside it); bodies are rendered with them stripped (moderation.sanitize).
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = BIDI_CONTROLS + "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u061c\u180e"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


# Unicode's control characters (Cc), surrogates (Cs) and the line/paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_BUT_NEWLINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def check_controls(value: str, allow_newlines: bool = False) -> str:
    """Refuse control characters (and lone surrogates, which no database can store)."""
    found = (_CONTROL_BUT_NEWLINES if allow_newlines else _CONTROL).search(value)
    if found:
        char = f"U+{ord(found.group()):04X}"
        raise _invalid(f"control characters are not allowed (found {char})", "control_chars", char=char)
    return value


def check_invisible(value: str) -> str:
    """Refuse bidirectional controls and zero-width characters (in names)."""
    found = _INVISIBLE.search(value)
    if found:
        char = f"U+{ord(found.group()):04X}"
        raise _invalid(f"invisible or text-direction characters are not allowed in names (found {char})",
                       "invisible_chars", char=char)
    return value


def is_url(value: str) -> bool:
    """True when the value looks like an absolute http(s) URL rather than a site-given id."""
    return value.lower().startswith(("http://", "https://"))


def check_http_url(value: str, what: str) -> str:
    """A valid absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        raise _invalid(f"{what} is not a valid URL", "url_invalid") from exc
    if parts.scheme not in ("http", "https"):
        raise _invalid(f"{what} must start with http:// or https://", "url_scheme")
    if not parts.hostname or any(c.isspace() for c in value):
        raise _invalid(f"{what} is not a valid URL", "url_invalid")
    return value


def normalize_thread(thread: str) -> str:
    """URLs lose their fragment (#comment-12 is the same page); ids are kept as given."""
    return thread.split("#", 1)[0] if is_url(thread) else thread


def clean_thread(value: str) -> str:
    """A page URL (valid http(s), fragment dropped) or a site-given page id; raises on anything else."""
    value = check_controls(value.strip())
    if not value:
        raise _invalid("required: the page URL or the site's id for the page", "required")
    if len(value) > MAX_URL:
        raise _invalid(f"too long: at most {MAX_URL} characters", "too_long", max=MAX_URL)
    return normalize_thread(check_http_url(value, "thread URL") if is_url(value) else value)


def check_body(value: str, info: ValidationInfo) -> str:
    """Body: newlines normalised, stripped, 1..policy.max_body_chars, no control characters."""
    value = check_controls(value.replace("\r\n", "\n").replace("\r", "\n").strip(), allow_newlines=True)
    limit = _policy(info).max_body_chars
    if not value:
        raise _invalid("required: please type a comment", "required")
    if len(value) > limit:
        raise _invalid(f"too long: {len(value)} characters, at most {limit}", "too_long", max=limit, length=len(value))
    return value


def _policy(info: ValidationInfo) -> PolicySettings:
    return (info.context or {}).get("policy") or PolicySettings()


# What the validators below enforce, in JSON Schema terms, for the OpenAPI document: the same
# rules, stated where they are enforced, so the document cannot promise what the API refuses.
ONE_LINE = r"^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
MULTI_LINE = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]*$"
NOT_BLANK = r"\S"
_URL = r"https?://[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:[1-9][0-9]{0,3})?(/[^\s\u0000-\u001f\u007f-\u009f]*)?"
_PAGE_ID = r"(?!https?://)[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*[^\s\u0000-\u001f\u007f-\u009f\u2028\u2029][^\u0000-\u001f\u007f-\u009f\u2028\u2029]*"
HTTP_URL = f"^{_URL}$"
THREAD = f"^(?:{_URL}|{_PAGE_ID})$"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


# email_validator refuses addresses at special-use domains (.test, .local, ...) whatever the syntax.
RESERVED_EMAIL_DOMAIN = r"\.(?:" + "|".join(_any_case(n) for n in SPECIAL_USE_DOMAIN_NAMES) + r")\.?$"


def _doc(*patterns: str, **extra: Any) -> dict[str, Any]:
    """json_schema_extra for a field: each pattern must match (allOf), plus plain keywords."""
    if len(patterns) == 1:
        extra["pattern"] = patterns[0]
    elif patterns:
        extra["allOf"] = [{"pattern": p} for p in patterns]
    return extra


def _required_fields(schema: dict[str, Any]) -> None:
    schema["required"] = ["thread", "name", "email", "body"]


class CommentIn(BaseModel):
    """A new comment. Unknown fields are ignored; name and email may be empty only where the site's policy says so."""

    model_config = ConfigDict(extra="ignore", strict=True, str_strip_whitespace=False,
                              json_schema_extra=_required_fields)

    site: str | None = Field(None, max_length=64, json_schema_extra=_doc(ONE_LINE),
                             description="Site id; may be omitted when the Origin matches one site or only one exists.")
    thread: str = Field(..., max_length=MAX_URL, json_schema_extra={"pattern": THREAD},
                        description="The page URL (on one of the site's origins) or a page id.")
    title: str = Field("", max_length=MAX_TITLE, json_schema_extra=_doc(ONE_LINE))
    parent: int | None = Field(None, description="A published comment on the same page.",
                               json_schema_extra={"minimum": 1})
    name: str = Field("", validate_default=True, json_schema_extra=_doc(ONE_LINE, NOT_BLANK, maxLength=MAX_NAME))
    email: str = Field("", validate_default=True, description="Never published.",
                       json_schema_extra={"format": "email", "maxLength": MAX_EMAIL,
                                          "not": {"pattern": RESERVED_EMAIL_DOMAIN}})
    website: str = Field("", max_length=MAX_URL, description="Empty, or an http(s) URL.",
                         json_schema_extra={"anyOf": [{"const": ""}, {"pattern": HTTP_URL}]})
    body: str = Field("", validate_default=True, description="Up to the site's max_body_chars (5000 by default).",
                      json_schema_extra=_doc(MULTI_LINE, NOT_BLANK, maxLength=5000))
    form_token: str = Field("", max_length=2000, description="From GET /api/v1/form-token.",
                            json_schema_extra=_doc(ONE_LINE))
    author_token: str = Field("", max_length=500, json_schema_extra=_doc(ONE_LINE),
                              description="The `author_token` of an earlier answer, kept by a browser whose reader "
                                          "chose to be remembered (recognises the returning author and their "
                                          "repeated texts, like the cookie the WordPress form sets).")
    homepage: str = Field("", max_length=MAX_URL, description="Honeypot: leave empty.",
                          json_schema_extra=_doc(ONE_LINE))
    notify_replies: bool = Field(False, description="Tell the author when the comment is published and when someone "
                                                    "replies (mail when SMTP is configured, or the site's webhooks); "
                                                    "needs an email.")

    @field_validator("site", "thread", "title", "website", "form_token", "homepage", "author_token", mode="after")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return None if value is None else check_controls(value.strip())

    @field_validator("thread", mode="after")
    @classmethod
    def _thread(cls, value: str) -> str:
        return clean_thread(value)

    @field_validator("parent", mode="before")
    @classmethod
    def _parent(cls, value: Any) -> Any:
        # WordPress sends comment_parent=0 for a top-level comment, and forms send strings.
        if isinstance(value, bool):
            raise _invalid("must be the id of a published comment", "parent_invalid")
        if isinstance(value, float) and value.is_integer():  # JSON's 12.0 is the integer 12
            value = int(value)
        if value in (None, "", "0", 0):
            return None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _invalid("must be the id of a published comment", "parent_invalid")
        return value

    @field_validator("name", mode="after")
    @classmethod
    def _name(cls, value: str, info: ValidationInfo) -> str:
        value = check_invisible(check_controls(value.strip()))
        if not value and _policy(info).require_name_email:
            raise _invalid("required: please type your name", "required")
        if len(value) > MAX_NAME:
            raise _invalid(f"too long: at most {MAX_NAME} characters", "too_long", max=MAX_NAME)
        return value

    @field_validator("email", mode="after")
    @classmethod
    def _email(cls, value: str, info: ValidationInfo) -> str:
        value = check_controls(value.strip())
        if not value:
            if _policy(info).require_name_email:
                raise _invalid("required: please type your email address (it is never published)", "required")
            return ""
        if len(value) > MAX_EMAIL:
            raise _invalid(f"too long: at most {MAX_EMAIL} characters", "too_long", max=MAX_EMAIL)
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            # The reason may quote parts of the input; never echo anything address-shaped.
            detail = mask_emails(str(exc))
            raise _invalid("not a valid email address: " + detail, "email_invalid", detail=detail) from None

    @field_validator("website", mode="after")
    @classmethod
    def _website(cls, value: str) -> str:
        return check_http_url(value, "website") if value else ""

    @field_validator("body", mode="after")
    @classmethod
    def _body(cls, value: str, info: ValidationInfo) -> str:
        return check_body(value, info)


class EditIn(BaseModel):
    """An author's edit: only the body changes."""

    model_config = ConfigDict(extra="ignore", strict=True, json_schema_extra={"required": ["body"]})

    body: str = Field("", validate_default=True, json_schema_extra=_doc(MULTI_LINE, NOT_BLANK, maxLength=5000))

    @field_validator("body", mode="after")
    @classmethod
    def _body(cls, value: str, info: ValidationInfo) -> str:
        return check_body(value, info)


def field_errors(exc: ValidationError) -> tuple[dict[str, str], dict[str, str], dict[str, dict[str, Any]]]:
    """(reason, stable code, message parameters) per field, the first error of each field."""
    fields: dict[str, str] = {}
    codes: dict[str, str] = {}
    params: dict[str, dict[str, Any]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        field = str(error["loc"][0]) if error["loc"] else "body"
        if field in fields:
            continue
        kind, ctx = error["type"], dict(error.get("ctx") or {})
        if kind == "too_long" and "field_type" in ctx:
            kind = "too_many_items"  # pydantic's own error for a list, not our text limit of the same name
        code = kind if kind in CODES else PYDANTIC_CODES.get(kind) or (
            "invalid_type" if kind.endswith(("_type", "_parsing")) else "invalid")
        if "max_length" in ctx:
            ctx["max"] = ctx["max_length"]
        fields[field] = "required" if kind == "missing" else error["msg"]
        codes[field] = code
        params[field] = ctx
    return fields, codes, params


def _fields(exc: ValidationError) -> dict[str, str]:
    return field_errors(exc)[0]


def invalid(exc: ValidationError, extra: APIError | None = None) -> ValidationFailed:
    """One 422 naming every bad field, with codes (plus the fields of `extra`, which win)."""
    fields, codes, params = field_errors(exc)
    if extra is not None:
        fields, codes, params = {**fields, **extra.fields}, {**codes, **extra.codes}, {**params, **extra.field_params}
    return ValidationFailed("Please correct the fields listed.", fields, key="invalid", codes=codes,
                            field_params=params)


def parse(model: type[BaseModel], data: Mapping[str, Any], policy: PolicySettings | None = None,
          extra: APIError | None = None) -> Any:
    """Validate `data`, raising one ValidationFailed that names every bad field (and those of `extra`)."""
    if not isinstance(data, Mapping):
        raise ValidationFailed("The request body must be a JSON object.", {"body": "expected a JSON object"},
                               key="invalid_body", codes={"body": "not_object"})
    try:
        result = model.model_validate(dict(data), context={"policy": policy or PolicySettings()})
    except ValidationError as exc:
        raise invalid(exc, extra) from None
    if extra is not None and extra.fields:
        raise ValidationFailed("Please correct the fields listed.", extra.fields, key="invalid", codes=extra.codes,
                               field_params=extra.field_params)
    return result
