# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The simulators' Standard Webhooks code agrees with the engine's."""

import json
import time

import pytest
from mfg_integration_base_core import signatures

from simulators import signing

BODY = json.dumps({"schema_version": "1.0", "part_number": "PLANT-PUMP"}).encode()


@pytest.mark.parametrize(
    "secret", [signing.new_secret(), signing.new_secret().removeprefix("whsec_")]
)
def test_both_sign_the_same_bytes_the_same_way(secret):
    assert signing.sign(secret, "msg_1", 1_700_000_000, BODY) == signatures.sign(
        secret, "msg_1", 1_700_000_000, BODY
    )


def test_the_engine_accepts_what_a_simulator_signs():
    secret = signing.new_secret()
    headers = signing.headers(secret, "msg_2", BODY)
    assert signatures.verify(
        [secret],
        headers["webhook-id"],
        headers["webhook-timestamp"],
        headers["webhook-signature"],
        BODY,
    )


def test_a_simulator_accepts_what_the_engine_signs_and_nothing_else():
    secret = signing.new_secret()
    headers = signatures.sign_headers(secret, "msg_3", BODY)
    assert signing.verify(secret, headers, BODY) == "msg_3"
    with pytest.raises(signing.SignatureError):
        signing.verify(signing.new_secret(), headers, BODY)
    with pytest.raises(signing.SignatureError):
        signing.verify(secret, headers, BODY + b" ")
    stale = signatures.sign_headers(secret, "msg_4", BODY, time.time() - 3600)
    with pytest.raises(signing.SignatureError, match="tolerance"):
        signing.verify(secret, stale, BODY)
    with pytest.raises(signing.SignatureError, match="missing"):
        signing.verify(secret, {}, BODY)


def test_rotation_header_with_several_signatures_is_accepted():
    old, new = signing.new_secret(), signing.new_secret()
    now = int(time.time())
    header = " ".join(
        [signatures.sign(old, "m", now, BODY), signatures.sign(new, "m", now, BODY)]
    )
    headers = {
        "webhook-id": "m",
        "webhook-timestamp": str(now),
        "webhook-signature": header,
    }
    assert signing.verify(new, headers, BODY) == "m"
    assert signing.verify(old, headers, BODY) == "m"
