"""Make sure a Redis answers at REDIS_URL (make test); start a private redis-server if none does."""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from moderation.localredis import ensure

if __name__ == "__main__":
    target = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    ensure(target, Path("instance/redis"))
