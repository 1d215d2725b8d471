"""Deployments sharing one Redis: spot one that keeps its keys without a namespace (older versions)."""
from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger("moderation.instances")

# Keys an instance without a namespace leaves in Redis: Celery's queue and its binding, the
# rate limiter's counters, form-token nonces.
UNPREFIXED = ("scoring", "_kombu.binding.scoring", "LIMITS:LIMITER/moderation/*", "moderation:form-nonce:*")


def unprefixed_keys(redis: Redis, limit: int = 5) -> list[str]:
    """Up to `limit` keys that an instance without a namespace wrote to this Redis."""
    found: list[str] = []
    for pattern in UNPREFIXED:
        for key in redis.scan_iter(match=pattern, count=1000):
            found.append(key.decode() if isinstance(key, bytes) else str(key))
            if len(found) >= limit:
                return found
    return found


def warn_if_shared(redis: Redis, namespace: str) -> str | None:
    """A warning when another instance uses this Redis without a namespace; None when all is well."""
    try:
        keys = unprefixed_keys(redis)
    except (RedisError, OSError):
        return None  # Redis not reachable yet: the service starts and degrades as usual
    if not keys:
        return None
    message = (f"warning: another instance without a namespace (an older version) uses this Redis (keys such as "
               f"{', '.join(keys[:3])}). This one keeps its keys under '{namespace}:' and takes none of its work; "
               "several such old instances on one Redis do take each other's tasks and share rate limits: "
               "upgrade them, or give each its own Redis database.")
    log.warning(message)
    return message
