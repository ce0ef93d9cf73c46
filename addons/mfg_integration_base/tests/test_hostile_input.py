# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 2: hostile input gets a 4xx, never a 500, and a signed
request always leaves a message."""

import json
import uuid

from odoo.tests import tagged

from .common import MfgHttpCommon


def upsert(**extra):
    payload = {
        "schema_version": "1.0",
        "external_id": f"H-{uuid.uuid4().hex[:8]}",
        "values": {"name": "Hostile"},
    }
    payload.update(extra)
    return json.dumps(payload).encode()


def nested(levels):
    return ("[" * levels + "]" * levels).encode()


# (label, body, content type, batch, status, error, path)
CASES = [
    (
        "raw NUL byte in the body",
        b'{"schema_version": "1.0", "external_id": "N\x00", "values": {"name": "x"}}',
        "application/json",
        False,
        400,
        "malformed_json",
        None,
    ),
    (
        "\\u0000 in ordering_key",
        upsert(ordering_key="K\\u0000", sequence=1).replace(b"\\\\u", b"\\u"),
        "application/json",
        False,
        422,
        "invalid_value",
        "ordering_key",
    ),
    (
        "lone surrogate in a value",
        upsert(values={"name": "a\ud800b"}),
        "application/json",
        False,
        422,
        "invalid_value",
        "values.name",
    ),
    (
        "sequence of 2**31",
        upsert(ordering_key="K", sequence=2**31),
        "application/json",
        False,
        422,
        "invalid_value",
        "sequence",
    ),
    (
        "sequence of 3000000000.0",
        upsert(ordering_key="K", sequence=3000000000.0),
        "application/json",
        False,
        422,
        "invalid_value",
        "sequence",
    ),
    (
        "integer of 31 digits",
        upsert(values={"name": "x", "color": 10**30}),
        "application/json",
        False,
        422,
        "invalid_value",
        "values.color",
    ),
    (
        "schema_version ².0",
        upsert(schema_version="².0"),
        "application/json",
        False,
        422,
        "schema_violation",
        "schema_version",
    ),
    (
        "schema_version of 5,000 digits",
        upsert(schema_version="1" * 5000 + ".0"),
        "application/json",
        False,
        422,
        "schema_violation",
        "schema_version",
    ),
    (
        "NaN",
        upsert().replace(b'"Hostile"', b"NaN"),
        "application/json",
        False,
        422,
        "invalid_value",
        "$",
    ),
    (
        "Infinity",
        upsert().replace(b'"Hostile"', b"-Infinity"),
        "application/json",
        False,
        422,
        "invalid_value",
        "$",
    ),
    (
        "JSON nested 100,000 levels",
        nested(100_000),
        "application/json",
        False,
        400,
        "malformed_json",
        "$",
    ),
    (
        "batch nested 100,000 levels",
        nested(100_000),
        "application/json",
        True,
        400,
        "malformed_json",
        "$",
    ),
    (
        "unknown charset",
        upsert(),
        "application/json; charset=x-nothing",
        False,
        415,
        "unsupported_media_type",
        "$",
    ),
]


@tagged("post_install", "-at_install")
class TestHostileInput(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "hostile1", fields=("name", "color")
        )

    def _stored(self, webhook_id):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.connector.id),
                    ("idempotency_key", "=like", f"{webhook_id}%"),
                ]
            )
        )

    def test_hostile_input_gets_a_4xx_and_leaves_a_message(self):
        for label, body, content_type, batch, status, error, path in CASES:
            with self.subTest(label):
                webhook_id = uuid.uuid4().hex
                response = self._mfg_post(
                    self.connector,
                    "generic.record.upsert",
                    body=body,
                    content_type=content_type,
                    batch=batch,
                    webhook_id=webhook_id,
                )
                self.assertEqual(response.status_code, status, response.text)
                answer = response.json()
                self.assertEqual(answer["error"], error)
                if path:
                    self.assertIn(path, [d["path"] for d in answer.get("details", [])])
                stored = self._stored(webhook_id)
                self.assertEqual(stored.mapped("state"), ["rejected"])
                self.assertEqual(stored.http_status, status)

    def test_declared_charset_is_decoded(self):
        for charset in ("utf-16", "utf-16-le", "iso-8859-1", "utf-8"):
            with self.subTest(charset):
                name = f"Müller {charset}"
                body = json.dumps(
                    {
                        "schema_version": "1.0",
                        "external_id": f"CS-{charset}",
                        "values": {"name": name},
                    },
                    ensure_ascii=False,
                ).encode(charset)
                response = self._mfg_post(
                    self.connector,
                    "generic.record.upsert",
                    body=body,
                    content_type=f"application/json; charset={charset}",
                )
                self.assertEqual(response.status_code, 202, response.text)
                self._mfg_process(self.connector)
                message = (
                    self.env["mfg.sync.message"]
                    .sudo()
                    .browse(response.json()["message_id"])
                )
                self.assertEqual(message.state, "done", message.error_text)
                self.assertEqual(message.record_ref.name, name)
