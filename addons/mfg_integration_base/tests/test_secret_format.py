# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Signing secrets are Standard Webhooks secrets (issue 12, item 6): base64 of
24-64 bytes, optionally prefixed ``whsec_``, decoded before use. Signatures in
these tests are computed here, from the specification, not with the engine."""

import base64
import hashlib
import hmac
import json
import time
import uuid

from odoo.exceptions import ValidationError

from ..core import crypto
from ..models.mfg_connector import secrets_box
from .common import MfgCommon, MfgHttpCommon
from .http_server import ScriptedSystem

KEY = b"a 32-byte key shared by sender!!"
BASE64_SECRET = base64.b64encode(KEY).decode()  # the form without prefix


def reference_signature(secret, msg_id, timestamp, body):
    """Standard Webhooks, section "Signature scheme": HMAC-SHA256 of
    "{id}.{timestamp}.{body}" keyed with the base64-decoded secret (without
    its whsec_ prefix), base64-encoded, after "v1,"."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def upsert(ref):
    return {
        "schema_version": "1.0",
        "external_id": ref,
        "values": {"name": f"Partner {ref}"},
    }


class TestInboundSecretFormat(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("secfmt")

    def post_signed_per_spec(self, secret, ref):
        body = json.dumps(upsert(ref)).encode()
        msg_id, timestamp = f"msg_{uuid.uuid4().hex}", int(time.time())
        headers = {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": reference_signature(secret, msg_id, timestamp, body),
        }
        return self.url_open(
            f"/mfg/v1/{self.connector.code}/generic.record.upsert",
            data=body,
            headers=headers,
        )

    def test_both_secret_forms_verify_a_signature_made_per_specification(self):
        for secret in (BASE64_SECRET, "whsec_" + BASE64_SECRET):
            with self.subTest(secret=secret[:6]):
                self.connector.inbound_secret = secret
                response = self.post_signed_per_spec(secret, f"S-{secret[:2]}")
                self.assertEqual(response.status_code, 202, response.text)

    def test_a_stored_secret_that_is_not_base64_is_a_clear_401(self):
        # Stored before secrets were checked on save (not base64 at all).
        self.connector.sudo().inbound_secret_enc = crypto.encrypt(
            secrets_box(), "whsec_not base64!"
        )
        with self.assertLogs(
            "odoo.addons.mfg_integration_base.models.mfg_webhook_intake", "WARNING"
        ) as logs:
            response = self.post_signed_per_spec("whsec_" + BASE64_SECRET, "S-bad")
        self.assertEqual(response.status_code, 401)
        self.assertIn("not a Standard Webhooks secret", response.json()["message"])
        self.assertNotIn("not base64!", " ".join(logs.output), "no secret in a log")


class TestSecretFormatOnSave(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "secsave", flows=["generic.record.changed"]
        )

    def test_secret_refused_unless_base64_of_24_to_64_bytes(self):
        refused = {
            "my shared secret": "not valid base64",
            "whsec_" + base64.b64encode(b"x" * 16).decode(): "decodes to 16 bytes",
            base64.b64encode(b"x" * 65).decode(): "decodes to 65 bytes",
        }
        for secret, reason in refused.items():
            with self.subTest(reason=reason):
                with self.assertRaisesRegex(ValidationError, reason) as caught:
                    self.connector.inbound_secret = secret
                self.assertIn("24 to 64", str(caught.exception))
                with self.assertRaisesRegex(ValidationError, reason):
                    self.connector.outbound_secret = secret
        for size in (24, 64):
            secret = base64.b64encode(b"k" * size).decode()
            self.connector.inbound_secret = secret
            self.connector.outbound_secret = f"  whsec_{secret}\n"
            self.assertEqual(
                self.connector._get_secret("outbound_secret"), f"whsec_{secret}"
            )

    def test_other_outbound_credentials_are_not_signing_secrets(self):
        self.connector.write({"auth_type": "bearer", "outbound_secret": "tok-123"})
        self.assertEqual(self.connector._get_secret("outbound_secret"), "tok-123")
        with self.assertRaisesRegex(ValidationError, "not valid base64"):
            self.connector.auth_type = "signature"

    def test_outbound_signature_per_specification(self):
        self.connector.outbound_secret = BASE64_SECRET
        partner = self.env["res.partner"].create({"name": "Acme"})
        with ScriptedSystem() as system:
            self.connector.base_url = system.url
            message = self.connector._emit(
                "generic.record.changed",
                {"model": "res.partner", "external_id": "P1", "values": {}},
                record=partner,
            )
            self._mfg_process(self.connector)
        self.assertEqual(message.state, "done")
        request = system.received[0]
        headers = request["headers"]
        self.assertEqual(
            headers["webhook-signature"],
            reference_signature(
                BASE64_SECRET,
                headers["webhook-id"],
                headers["webhook-timestamp"],
                request["body"],
            ),
        )

    def test_raw_secrets_stored_before_are_rewritten_with_the_same_key(self):
        raw = "legacy-raw-secret"
        self.connector.sudo().inbound_secret_enc = crypto.encrypt(secrets_box(), raw)
        self.connector._mfg_upgrade_raw_secrets()
        stored = self.connector._get_secret("inbound_secret")
        self.assertEqual(stored, "whsec_" + base64.b64encode(raw.encode()).decode())
        body, msg_id, timestamp = b"{}", "msg_1", 1_700_000_000
        legacy = hmac.new(
            raw.encode(), f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256
        ).digest()
        self.assertEqual(
            reference_signature(stored, msg_id, timestamp, body),
            "v1," + base64.b64encode(legacy).decode(),
            "a sender that signed with the raw secret keeps working",
        )
        self.assertIn("whsec_", self.connector.message_ids[0].body)
        self.connector._mfg_upgrade_raw_secrets()  # nothing left to rewrite
        self.assertEqual(self.connector._get_secret("inbound_secret"), stored)
