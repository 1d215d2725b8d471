"""`python -m tests.helpers.rotate_slowly`: the real `moderation rotate-keys`, pausing after each batch.

The pause (ROTATE_PAUSE seconds) gives a test time to SIGKILL the process half way.
"""
from __future__ import annotations

import os
import sys
import time
from typing import Any

from moderation.datarights import rotation

_batch = rotation.batch


def _slow_batch(*args: Any, **kwargs: Any) -> int:
    done = _batch(*args, **kwargs)
    time.sleep(float(os.environ.get("ROTATE_PAUSE", "0.05")))
    return done


rotation.batch = _slow_batch  # type: ignore[assignment]

if __name__ == "__main__":
    from moderation.cli import main

    sys.exit(main(["rotate-keys", *sys.argv[1:]]))
