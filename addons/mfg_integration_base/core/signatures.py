"""Standard Webhooks signatures (https://www.standardwebhooks.com).

Signed content is ``"{webhook-id}.{webhook-timestamp}.{body}"``; the header
``webhook-signature`` holds space-separated ``v1,<base64 HMAC-SHA256>`` entries
so that a sender can sign with the old and the new secret during a rotation.
A secret is the base64 text of the HMAC key, optionally prefixed ``whsec_``.
"""

import base64
import binascii
import hashlib
import hmac
import time

DEFAULT_TOLERANCE_SECONDS = 300
# A webhook-id is stored as the idempotency key (indexed); a unix time in
# seconds has 10 digits until 2286.
MAX_ID_LENGTH = 255
MAX_TIMESTAMP_DIGITS = 12


class SignatureError(Exception):
    """The request is not signed by a secret we know, or not recently enough."""


class SecretFormatError(ValueError):
    """A signing secret that is not a Standard Webhooks secret."""


SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
SECRET_FORMAT = (
    "base64 of 24 to 64 random bytes, optionally prefixed with whsec_ "
    "(for example whsec_ followed by the output of: "
    "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"
)


def secret_bytes(secret):
    """The HMAC key of a Standard Webhooks secret: the base64 text, with or
    without the ``whsec_`` prefix, decoded (as the specification's reference
    libraries do: a sender given the same secret signs with the same key).
    Bytes are a key already."""
    if isinstance(secret, bytes):
        return secret
    text = secret[len(SECRET_PREFIX) :] if secret.startswith(SECRET_PREFIX) else secret
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as err:
        raise SecretFormatError(
            f"the signing secret is not valid base64; expected {SECRET_FORMAT}"
        ) from err


def check_secret(secret):
    """Raise :class:`SecretFormatError` unless ``secret`` is valid base64 of
    24 to 64 bytes (optionally ``whsec_``-prefixed); return its key."""
    key = secret_bytes(secret)
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        raise SecretFormatError(
            f"the signing secret decodes to {len(key)} bytes; expected {SECRET_FORMAT}"
        )
    return key


def sign(secret, msg_id, timestamp, body):
    """Return the ``v1,<base64>`` signature of one request."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    signed = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def sign_headers(secret, msg_id, body, timestamp=None):
    """Headers a sender puts on a request (used by outbound sends and tests)."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(
    secrets, msg_id, timestamp, signature_header, body, now=None, tolerance=None
):
    """Raise :class:`SignatureError` unless one signature matches one secret.

    ``secrets`` is a list (current first, then the previous one during a
    rotation). Comparison is constant-time.
    """
    if not msg_id or not timestamp or not signature_header:
        raise SignatureError(
            "missing webhook-id, webhook-timestamp or webhook-signature"
        )
    if len(msg_id) > MAX_ID_LENGTH:
        raise SignatureError(f"webhook-id is longer than {MAX_ID_LENGTH} characters")
    # Bounded before int(): 400 digits overflowed the float comparison below.
    if not (
        isinstance(timestamp, str)
        and timestamp.isascii()
        and timestamp.isdigit()
        and len(timestamp) <= MAX_TIMESTAMP_DIGITS
    ):
        raise SignatureError("webhook-timestamp is not a unix time")
    ts = int(timestamp)
    now = time.time() if now is None else now
    tolerance = DEFAULT_TOLERANCE_SECONDS if tolerance is None else tolerance
    if abs(now - ts) > tolerance:
        raise SignatureError("webhook-timestamp is outside the tolerance")
    candidates = [
        part.split(",", 1)[1]
        for part in signature_header.split()
        if part.startswith("v1,")
    ]
    if not candidates:
        raise SignatureError("no v1 signature in webhook-signature")
    for secret in secrets:
        if not secret:
            continue
        expected = sign(secret, msg_id, ts, body).split(",", 1)[1]
        for candidate in candidates:
            if hmac.compare_digest(expected.encode(), candidate.encode()):
                return True
    raise SignatureError("no signature matches")
