"""`python -m tests.helpers.rotate_slowly`: the real `moderation rotate-keys`, pausing after each batch.

The pause (ROTATE_PAUSE seconds) gives a test time to SIGKILL the process half way.
"""
from __future__ import annotations

import os
import signal
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

    # Ctrl-C as in a terminal: a test run started in the background of a shell ignores SIGINT,
    # this process would inherit that, and Python would never raise KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    sys.exit(main(["rotate-keys", *sys.argv[1:]]))
