"""W1: our signer against the Standard Webhooks test vector and the `standardwebhooks` package."""
from __future__ import annotations

import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from moderation.webhooks import signing

# Published in the specification's reference tests (see reliability-security.md, section 0).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID, VECTOR_TS, VECTOR_BODY = "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_spec_test_vector() -> None:
    key = signing.secret_key(VECTOR_SECRET)
    assert signing.sign(key, VECTOR_ID, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE


def test_generated_secret_and_id_shape() -> None:
    secret = signing.generate_secret()
    assert secret.startswith("whsec_") and len(signing.secret_key(secret)) == 32
    assert signing.generate_secret() != secret
    msg_id = signing.new_message_id()
    assert msg_id.startswith("msg_") and "." not in msg_id and len(msg_id) == 30


def test_headers_verify_with_the_reference_library() -> None:
    secret = signing.generate_secret()
    body = '{"type":"comment.published","data":{"comment":{"name":"Budi Śantoso"}}}'.encode()
    headers = signing.headers([signing.secret_key(secret)], signing.new_message_id(), int(time.time()), body)
    assert Webhook(secret).verify(body, headers)["type"] == "comment.published"


@pytest.mark.parametrize("part", ["body", "id", "timestamp"])
def test_any_changed_byte_fails_verification(part: str) -> None:
    secret = signing.generate_secret()
    body, msg_id, ts = b'{"type":"comment.held","n":1}', signing.new_message_id(), int(time.time())
    headers = signing.headers([signing.secret_key(secret)], msg_id, ts, body)
    if part == "body":
        body = body.replace(b"1", b"2")
    elif part == "id":
        headers["webhook-id"] = msg_id[:-1] + ("a" if msg_id[-1] != "a" else "b")
    else:
        headers["webhook-timestamp"] = str(ts - 1)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers)


def test_two_keys_give_two_signatures_each_verifiable() -> None:
    old, new = signing.generate_secret(), signing.generate_secret()
    body, ts = b"{}", int(time.time())
    headers = signing.headers([signing.secret_key(new), signing.secret_key(old)], "msg_x", ts, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.generate_secret()).verify(body, headers)


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'"),
        ("whsec_not base64!", "standard base64"),
        ("whsec_c2hvcnQ=", "24 to 64 random bytes, not 5"),
        ("whsec_" + "QUFB" * 30, "24 to 64 random bytes, not 90"),
    ],
)
def test_malformed_secrets_are_refused_with_a_reason(secret: str, reason: str) -> None:
    with pytest.raises(signing.BadSecret, match=reason):
        signing.secret_key(secret)
