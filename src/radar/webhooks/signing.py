"""Signatures per the Standard Webhooks specification: HMAC-SHA256 over `id.timestamp.body`
with the secret's bytes, sent as `v1,<base64>` (several, space-separated, during a rotation)."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

PREFIX = "whsec_"


def new_secret(length: int = 32) -> str:
    """A new signing secret: `whsec_` and the base64 of 24–64 random bytes."""
    if not 24 <= length <= 64:
        raise ValueError("a secret has 24 to 64 random bytes")
    return PREFIX + base64.b64encode(secrets.token_bytes(length)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of one message with one secret."""
    key = base64.b64decode(secret.removeprefix(PREFIX))
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_: Sequence[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers of a message."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(s, msg_id, timestamp, body) for s in secrets_),
    }
