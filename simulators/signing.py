# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Standard Webhooks signatures (https://www.standardwebhooks.com), sender and
receiver side, for the simulators.

A re-implementation of ``mfg_integration_base/core/signatures.py`` (the simulators
play external systems and do not import the addon): ``tests/simulators`` proves
that both sign the same bytes the same way and accept each other's signatures.
"""

import base64
import hashlib
import hmac
import secrets
import time

TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """Unsigned, wrongly signed or stale request."""


def new_secret():
    """A fresh ``whsec_<base64>`` signing secret (32 random bytes; the
    specification allows 24 to 64)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret):
    """The HMAC key: the secret is base64, with or without ``whsec_``."""
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


def sign(secret, msg_id, timestamp, body):
    """``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``."""
    if isinstance(body, str):
        body = body.encode()
    content = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret, msg_id, body, timestamp=None):
    """The three headers a sender adds."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(secret, request_headers, body, now=None, tolerance=TOLERANCE_SECONDS):
    """Raise :class:`SignatureError` unless one ``v1`` signature of the request
    matches ``secret`` and its timestamp is recent. ``request_headers``: any
    mapping with case-insensitive ``get`` (``http.client.HTTPMessage``) or
    lowercase keys."""
    msg_id = request_headers.get("webhook-id")
    timestamp = request_headers.get("webhook-timestamp")
    signature = request_headers.get("webhook-signature")
    if not (msg_id and timestamp and signature):
        raise SignatureError("missing webhook-id, webhook-timestamp or signature")
    try:
        ts = int(timestamp)
    except ValueError as err:
        raise SignatureError("webhook-timestamp is not a unix time") from err
    now = time.time() if now is None else now
    if abs(now - ts) > tolerance:
        raise SignatureError("webhook-timestamp is outside the tolerance")
    expected = sign(secret, msg_id, ts, body).split(",", 1)[1].encode()
    for part in signature.split():
        if part.startswith("v1,") and hmac.compare_digest(
            expected, part.split(",", 1)[1].encode()
        ):
            return msg_id
    raise SignatureError("no signature matches")
