"""W2: the retry schedule as a pure function (jitter bounds, Retry-After, exhaustion)."""
from __future__ import annotations

import random

from moderation.settings import load_settings
from moderation.webhooks import delivery


def test_next_delay_schedule_jitter_and_retry_after() -> None:
    settings = load_settings(test_config={"webhook_retry_jitter": 0.1, "webhook_max_retry_after_seconds": 60})
    rng = random.Random(1)
    default = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    assert settings.webhook_retry_schedule == default
    for failed, base in enumerate(default[1:], start=1):
        delay = delivery.next_delay(settings, failed, None, rng)
        assert delay is not None and base * 0.9 <= delay <= base * 1.1
    assert delivery.next_delay(settings, 8, None, rng) is None  # eight attempts, then failed
    assert delivery.next_delay(settings, 1, 30, rng) == 30  # Retry-After beats 5 s
    assert delivery.next_delay(settings, 1, 10_000, rng) == 60  # ... up to the cap
    assert 270 <= delivery.next_delay(settings, 2, 30, rng) <= 330  # and never shortens the schedule
