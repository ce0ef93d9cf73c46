import base64
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mfg_integration_base_core import signatures

SECRET = "whsec_" + base64.b64encode(b"unit-test-secret").decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.binary(max_size=2048),
    msg_id=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126),
        min_size=1,
        max_size=40,
    ),
    secret=st.binary(min_size=1, max_size=64),
)
def test_sign_verify_round_trip(body, msg_id, secret):
    key = "whsec_" + base64.b64encode(secret).decode()
    now = 1_700_000_000
    headers = signatures.sign_headers(key, msg_id, body, timestamp=now)
    assert signatures.verify(
        [key],
        headers["webhook-id"],
        headers["webhook-timestamp"],
        headers["webhook-signature"],
        body,
        now=now,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.binary(min_size=1, max_size=256),
    flip=st.integers(min_value=0, max_value=255),
)
def test_any_changed_byte_is_rejected(body, flip):
    headers = signatures.sign_headers(SECRET, "id-1", body, timestamp=1000)
    tampered = bytearray(body)
    tampered[flip % len(body)] ^= 0x01
    with pytest.raises(signatures.SignatureError):
        signatures.verify(
            [SECRET],
            "id-1",
            "1000",
            headers["webhook-signature"],
            bytes(tampered),
            now=1000,
        )


def test_rotation_accepts_either_secret_and_several_signatures():
    old, new = SECRET, "whsec_" + base64.b64encode(b"new").decode()
    body = b'{"a": 1}'
    sig_old = signatures.sign(old, "m", 10, body)
    sig_new = signatures.sign(new, "m", 10, body)
    assert signatures.verify([new, old], "m", "10", sig_old, body, now=10)
    assert signatures.verify([new], "m", "10", f"{sig_old} {sig_new}", body, now=10)
    with pytest.raises(signatures.SignatureError, match="no signature matches"):
        signatures.verify([new], "m", "10", sig_old, body, now=10)


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamp_outside_tolerance(skew):
    now = time.time()
    headers = signatures.sign_headers(SECRET, "m", b"x", timestamp=now + skew)
    with pytest.raises(signatures.SignatureError, match="tolerance"):
        signatures.verify(
            [SECRET],
            "m",
            headers["webhook-timestamp"],
            headers["webhook-signature"],
            b"x",
            now=now,
        )


@pytest.mark.parametrize(
    "msg_id,ts,sig",
    [(None, "1", "v1,x"), ("m", None, "v1,x"), ("m", "1", None), ("m", "abc", "v1,x")],
)
def test_missing_or_malformed_headers(msg_id, ts, sig):
    with pytest.raises(signatures.SignatureError):
        signatures.verify([SECRET], msg_id, ts, sig, b"", now=1)


def test_secret_is_base64_with_or_without_whsec_prefix():
    # Standard Webhooks: the reference libraries decode both forms alike.
    key = b"k" * 32
    text = base64.b64encode(key).decode()
    assert signatures.secret_bytes(text) == key
    assert signatures.secret_bytes("whsec_" + text) == key
    assert signatures.sign(text, "m", 5, b"b") == signatures.sign(
        "whsec_" + text, "m", 5, b"b"
    )


@pytest.mark.parametrize(
    "secret,reason",
    [
        ("plain text", "not valid base64"),
        ("whsec_abc", "not valid base64"),  # bad padding
        ("whsec_é", "not valid base64"),
        (base64.b64encode(b"x" * 23).decode(), "decodes to 23 bytes"),
        (base64.b64encode(b"x" * 65).decode(), "decodes to 65 bytes"),
        ("", "decodes to 0 bytes"),
    ],
)
def test_check_secret_refuses(secret, reason):
    with pytest.raises(signatures.SecretFormatError, match=reason):
        signatures.check_secret(secret)


@pytest.mark.parametrize("size", [24, 32, 64])
def test_check_secret_accepts(size):
    key = bytes(range(size))
    assert signatures.check_secret(base64.b64encode(key).decode()) == key
