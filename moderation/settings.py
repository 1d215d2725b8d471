"""The one settings loader: code defaults, then TOML files, then MODERATION_* environment, then test overrides."""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import secrets as _secrets
import tomllib
import warnings
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "MODERATION_"
# Plain names that deployment tooling commonly sets; they map onto settings keys.
ENV_ALIASES = {"DATABASE_URL": "database_url", "REDIS_URL": "redis_url", "PORT": "port"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreRule(_Strict):
    """A site's rule for one score; thresholds left unset come from the model's operating points."""

    hold: float | None = Field(None, ge=0, le=1, description="hold from this score (unset: the model's hold point)")
    action_at: float | None = Field(None, ge=0, le=1,
                                    description="apply `action` from this score (unset: the model's reject point)")
    action: Literal["held", "spam", "rejected"] = "held"


class PolicySettings(_Strict):
    """Per-site moderation policy; WordPress discussion settings people already know."""

    # Thresholds come from the model artifact (chosen when it was trained, see
    # classifiers/MODEL_CARD.md) unless set here; only what happens above them is policy.
    toxicity: ScoreRule = ScoreRule(action="held")
    # identity_hate is too imprecise for an automatic action: it only ever holds by default.
    identity_hate: ScoreRule = ScoreRule(action="held")
    spam: ScoreRule = ScoreRule(action="spam")
    gambling_promo: ScoreRule = ScoreRule(action="spam")
    link_limit: int = Field(2, ge=0, description="hold a comment with at least this many links (0 = off)")
    moderation_words: list[str] = []
    blocked_words: list[str] = []
    hold_first_time_authors: bool = False
    require_name_email: bool = True
    max_body_chars: int = Field(5000, ge=1, le=100_000)
    edit_window_minutes: int = Field(15, ge=0)
    banned_ip_ranges: list[str] = []
    reports_threshold: int = Field(3, ge=1, description="reader reports that send a published comment back to held")
    # What readers see in the widget (WordPress's discussion settings, plus the site's language).
    language: Literal["id", "en"] = "id"
    thread_depth: int = Field(3, ge=1, le=10, description="replies nest this deep; deeper ones are shown flat")
    comment_order: Literal["oldest", "newest"] = "oldest"
    comments_per_page: int = Field(50, ge=1, le=200, description="top-level comments per page")
    # Erasure on request (moderation.datarights): keep the text without the person, or remove it.
    erase_mode: Literal["anonymise", "delete"] = "anonymise"
    erased_label_text: bool = Field(True, description="delete mode: keep the text of labelled comments for training")

    @field_validator("banned_ip_ranges")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"not an IP address or network: {entry!r}") from None
        return value


class SiteSettings(_Strict):
    """A site allowed to post comments, defined in TOML (sites may also live in the database)."""

    name: str = ""
    origins: list[str] = []
    policy: dict[str, Any] = {}


class ModeratorSettings(_Strict):
    """The moderator queue: sessions, login throttle, undo, paging."""

    session_idle_minutes: int = Field(60, ge=1)
    login_max_failures: int = Field(5, ge=1)
    login_lock_minutes: int = Field(15, ge=1)
    undo_seconds: int = Field(15, ge=1)
    page_size: int = Field(50, ge=1, le=500)
    bulk_max: int = Field(5000, ge=1)
    rate_limit_reports: str = "10 per minute"


class LearningSettings(_Strict):
    """Learning from the site's moderators: imports, training with feedback, the model registry."""

    data_dir: str = Field("", description="base training datasets ('' = the classifiers' default folder)")
    import_max_file_mb: int = Field(1024, ge=1)
    model_check_seconds: float = Field(5.0, gt=0, le=3600)
    worker_models: int = Field(4, ge=1, le=64)
    eval_fraction: float = Field(0.2, gt=0, lt=1)
    threshold_fraction: float = Field(0.2, ge=0, lt=1)
    site_share: float = Field(0.1, gt=0, lt=1)
    n_features: int = Field(0, ge=0, description="hashed features of a trained model (0: the classifiers' default)")
    encoder: bool = Field(True, description="trained models get the sentence-encoder stage when it is installed")
    continuous_sites: list[str] = []
    min_new_labels: int = Field(500, ge=1)
    margin: float = Field(0.01, ge=0, le=1)
    tolerance: float = Field(0.01, ge=0, le=1)
    check_minutes: float = Field(60.0, gt=0)
    train_time_limit: int = Field(4 * 3600, ge=60)


class PrivacySettings(_Strict):
    """Export and erasure on request, key rotation batches, and how long privacy-related rows live."""

    link_ttl_hours: float = Field(24.0, gt=0, le=24 * 30, description="export and erasure links expire after this")
    request_retention_days: int = Field(7, ge=1, description="export/erasure requests (their links) are deleted after")
    report_retention_days: int = Field(180, ge=1, description="resolved reader reports are deleted after")
    erasure_log_file: str = Field("", description="erased-index log outside the database ('' = instance/erasures.jsonl)")
    rotation_batch: int = Field(500, ge=1, le=100_000, description="authors re-encrypted per transaction")


class SecretSettings(_Strict):
    """Keys; never committed. Development keys are generated under instance/."""

    secret_key: str = ""
    email_keys: dict[str, str] = {}
    active_email_key: str = ""
    blind_index_key: str = ""
    # Set while the blind-index key is rotated: lookups read both indexes until rotate-keys is done.
    previous_blind_index_key: str = ""
    smtp_password: str = ""


NotifyEvent = Literal["comment.published", "comment.rejected", "comment.replied"]


class NotificationSettings(_Strict):
    """Mail to authors who ticked "notify me"; off while smtp_host is empty."""

    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_username: str = ""
    from_address: str = ""
    events: list[NotifyEvent] = ["comment.published", "comment.replied"]
    timeout_seconds: float = Field(15.0, gt=0)


class Settings(_Strict):
    """Every setting, with its default."""

    env: Literal["development", "production", "testing"] = "development"
    database_url: str = "sqlite:///instance/moderation.sqlite"
    redis_url: str = "redis://127.0.0.1:6379/0"
    broker_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    instance_path: str = "instance"
    trusted_proxies: int = Field(0, ge=0, description="exact number of reverse proxies in front")
    max_request_bytes: int = 64 * 1024
    form_token_min_seconds: float = 3.0
    form_token_max_seconds: float = 7200.0
    flood_seconds: float = 15.0
    rate_limit_enabled: bool = True
    rate_limit_comments: str = "5 per minute"
    rate_limit_site: str = "200 per minute"
    outbox_sweep_seconds: float = 30.0
    pending_requeue_seconds: float = 60.0
    max_score_attempts: int = 3
    score_batch_size: int = Field(32, ge=1, le=500, description="comments a worker scores at once when the queue is deep")
    task_time_limit: int = 60
    visibility_timeout: int = 90
    raw_data_retention_days: int = 30
    log_level: str = "INFO"
    namespace: str = Field("", pattern=r"^[A-Za-z0-9_.-]{0,40}$",
                           description="prefix of every key this deployment keeps in Redis (unset: from the database)")
    webhook_allow_networks: list[str] = []
    webhook_allow_http: bool = False
    webhook_allowed_ports: list[int] = [80, 443, 8080, 8443]
    webhook_timeout_seconds: float = Field(15.0, gt=0)
    webhook_retry_schedule: list[float] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    webhook_retry_jitter: float = Field(0.1, ge=0, lt=1)
    webhook_max_retry_after_seconds: float = Field(86400.0, ge=0)
    webhook_disable_after_hours: float = Field(120.0, gt=0)
    webhook_rotation_overlap_hours: float = Field(24.0, ge=0)
    webhook_sweep_seconds: float = Field(5.0, gt=0)
    webhook_log_retention_days: int = Field(30, ge=1)
    notifications: NotificationSettings = NotificationSettings()
    policy: PolicySettings = PolicySettings()
    moderator: ModeratorSettings = ModeratorSettings()
    learning: LearningSettings = LearningSettings()
    privacy: PrivacySettings = PrivacySettings()
    sites: dict[str, SiteSettings] = {}
    secrets: SecretSettings = SecretSettings()

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 named explicitly.
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix):]
        return value

    @field_validator("webhook_allow_networks")
    @classmethod
    def _cidrs(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise ValueError(f"webhook_allow_networks: {cidr!r} is not a CIDR network ({exc})") from None
        return value

    @field_validator("webhook_retry_schedule")
    @classmethod
    def _schedule(cls, value: list[float]) -> list[float]:
        if not value or any(delay < 0 for delay in value):
            raise ValueError("webhook_retry_schedule needs at least one delay, none negative")
        return value

    @property
    def redis_namespace(self) -> str:
        """This deployment's prefix in a shared Redis: `namespace`, else derived from the database.

        Every process of one deployment shares one database, so they agree; two deployments on one
        Redis (two copies on one machine, staging beside production) never share queues, rate-limit
        counters or form-token nonces.
        """
        if self.namespace:
            return self.namespace
        url = self.database_url
        if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
            url = "sqlite:///" + os.path.abspath(url[len("sqlite:///"):])
        return "m-" + hashlib.sha256(url.encode()).hexdigest()[:10]

    @property
    def redis_key_prefix(self) -> str:
        """What every Redis key of this deployment starts with."""
        return self.redis_namespace + ":"

    @property
    def effective_broker_url(self) -> str:
        """The Celery broker: `broker_url` if set, else Redis."""
        return self.broker_url or self.redis_url


class SettingsError(RuntimeError):
    """Configuration is invalid or incomplete."""


def deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """`extra` over `base`, merging nested tables key by key."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_layer(environ: dict[str, str]) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    for name, key in ENV_ALIASES.items():
        if name in environ:
            layer[key] = environ[name]
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        path = name[len(ENV_PREFIX):].lower().split("__")
        try:
            value: Any = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # not a TOML literal: take it as a plain string
        node = layer
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return layer


def config_files(environ: dict[str, str], root: Path) -> list[Path]:
    """TOML files read in order: config/*.toml (sorted) or MODERATION_CONFIG, then instance/secrets.toml."""
    if ENV_PREFIX + "CONFIG" in environ:
        files = [Path(p) for p in environ[ENV_PREFIX + "CONFIG"].split(os.pathsep) if p]
    else:
        files = sorted(p for p in (root / "config").glob("*.toml") if not p.name.endswith(".example.toml"))
    return files


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read config file {path}: {exc}") from exc


def _warn_unknown(layer: dict[str, Any], source: str) -> dict[str, Any]:
    known = set(Settings.model_fields)
    for key in list(layer):
        if key not in known:
            warnings.warn(f"{source}: unknown setting {key!r} ignored", UserWarning, stacklevel=3)
            layer.pop(key)
    return layer


def load_settings(
    test_config: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
    root: Path | None = None,
) -> Settings:
    """Build validated Settings from defaults, TOML files, environment and test overrides."""
    environ = dict(os.environ if environ is None else environ)
    root = Path.cwd() if root is None else root
    data: dict[str, Any] = {}
    if test_config is None:
        for path in config_files(environ, root):
            data = deep_merge(data, _warn_unknown(_read_toml(path), str(path)))
        data = deep_merge(data, _warn_unknown(_env_layer(environ), "environment"))
        instance = Path(data.get("instance_path", "instance"))
        secrets_file = (root / instance) / "secrets.toml" if not instance.is_absolute() else instance / "secrets.toml"
        if secrets_file.exists():
            data = deep_merge({"secrets": _read_toml(secrets_file)}, data)
    else:
        data = deep_merge(data, test_config)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"invalid settings: {exc}") from exc
    return settings


def generate_secrets() -> dict[str, Any]:
    """Fresh random keys for a development instance."""

    def key() -> str:
        return base64.urlsafe_b64encode(_secrets.token_bytes(32)).decode()

    return {
        "secret_key": key(),
        "email_keys": {"k1": key()},
        "active_email_key": "k1",
        "blind_index_key": key(),
    }


def check_secrets(settings: Settings) -> None:
    """Refuse to run without usable, distinct keys."""
    s = settings.secrets
    missing = [n for n in ("secret_key", "active_email_key", "blind_index_key") if not getattr(s, n)]
    if missing or not s.email_keys:
        raise SettingsError(
            "missing secrets: " + ", ".join(missing or ["email_keys"])
            + " (set them in a TOML file under [secrets] or MODERATION_SECRETS__* variables;"
            " `moderation init-secrets` writes development keys)"
        )
    if s.active_email_key not in s.email_keys:
        raise SettingsError(f"active_email_key {s.active_email_key!r} is not in email_keys")
    for kid, value in s.email_keys.items():
        try:
            if len(base64.urlsafe_b64decode(value)) != 32:
                raise ValueError
        except ValueError:
            raise SettingsError(f"email key {kid!r} must be 32 bytes, url-safe base64") from None
    if s.blind_index_key in s.email_keys.values():
        raise SettingsError("blind_index_key must differ from every email key")
