"""`python -m tests.helpers.crash_submit`: submit one comment, then die between commit and publish.

The web process commits the comment and its outbox row, and is killed (`os._exit(1)`,
no cleanup, no exception handlers) before it hands the task to the broker. The settings come from
MODERATION_CONFIG, as for a real web node. The committed comment id is printed before dying.
"""
from __future__ import annotations

import os
import sys

from moderation import create_app, dispatch
from tests.helpers.stack import SITE_ORIGIN, THREAD


def _die_before_publish(_self: object, comment_id: int, nonce: str = "") -> str:
    sys.stdout.write(f"{comment_id}\n")
    sys.stdout.flush()
    os._exit(1)


def main() -> None:
    """Post one comment through the public API with the broker send replaced by a crash."""
    dispatch.RedisDispatcher.send = _die_before_publish  # type: ignore[method-assign]  # runs after the commit
    client = create_app().test_client()
    headers = {"Origin": SITE_ORIGIN}
    token = client.get("/api/v1/form-token", query_string={"thread": THREAD}, headers=headers).get_json()
    client.post("/api/v1/comments", headers=headers, json={
        "thread": THREAD, "name": "Budi", "email": "crash@example.org",
        "body": "Komentar yang tersimpan sebelum prosesnya mati.", "form_token": token["form_token"],
    })
    sys.stderr.write("the crash hook did not run\n")
    sys.exit(3)


if __name__ == "__main__":
    main()
