# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import socket

from odoo import fields

from ..core import signatures
from .common import MfgCommon
from .http_server import ScriptedSystem

OUT_SECRET = "whsec_b3V0Ym91bmQtc2lnbmluZy1zZWNyZXQtMzItYnl0ZXM="


def changed(name="Acme"):
    return {"model": "res.partner", "external_id": "P-1", "values": {"name": name}}


class TestOutbound(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "out1",
            flows=["generic.record.changed"],
            outbound_secret=OUT_SECRET,
            read_timeout=1.0,
            connect_timeout=1.0,
        )
        cls.partner = cls.env["res.partner"].create({"name": "Acme"})

    def emit(self):
        return self.connector._emit(
            "generic.record.changed", changed(), record=self.partner
        )

    def test_emit_writes_outbox_message_in_same_transaction(self):
        message = self.emit()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.direction, "outbound")
        self.assertEqual(message.record_ref, self.partner)
        self.assertEqual(json.loads(message.payload_canonical)["schema_version"], "1.0")

    def test_2xx_done_with_signature_and_idempotency_key(self):
        with ScriptedSystem() as system:
            self.connector.base_url = system.url
            message = self.emit()
            self._mfg_process(self.connector)
        self.assertEqual(message.state, "done")
        self.assertEqual(message.http_status, 200)
        request = system.received[0]
        self.assertEqual(request["path"], "/generic.record.changed")
        self.assertEqual(request["headers"]["Idempotency-Key"], message.idempotency_key)
        self.assertTrue(
            signatures.verify(
                [OUT_SECRET],
                request["headers"]["webhook-id"],
                request["headers"]["webhook-timestamp"],
                request["headers"]["webhook-signature"],
                request["body"],
            )
        )
        self.assertEqual(json.loads(request["body"])["values"]["name"], "Acme")
        self.assertTrue(self.connector.last_success_at)

    def test_429_honours_retry_after(self):
        with ScriptedSystem() as system:
            system.replies = [(429, {"Retry-After": "120"}, {"error": "slow down"})]
            self.connector.base_url = system.url
            message = self.emit()
            self.connector.flow_ids._mfg_drain()
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.error_kind, "transient")
        wait = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreaterEqual(wait, 119)

    def test_500_retried_then_done(self):
        with ScriptedSystem() as system:
            system.replies = [(500, {}, {"error": "boom"})]
            self.connector.base_url = system.url
            message = self.emit()
            self.connector.flow_ids._mfg_drain()
            self.assertEqual(message.state, "queued")
            self.assertEqual(message.http_status, 500)
            message.next_attempt_at = fields.Datetime.now()
            self._mfg_process(self.connector)
        self.assertEqual(message.state, "done")
        self.assertEqual(len(system.received), 2)
        self.assertEqual(
            system.received[0]["headers"]["Idempotency-Key"],
            system.received[1]["headers"]["Idempotency-Key"],
            "a retry carries the same idempotency key",
        )

    def test_4xx_failed_with_activity_on_record(self):
        with ScriptedSystem() as system:
            system.replies = [(400, {}, {"error": "bad field"})]
            self.connector.base_url = system.url
            message = self.emit()
            self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        self.assertIn("HTTP 400", message.error_text)
        activity = self._mfg_exception_activities(self.partner)
        self.assertEqual(activity.user_id, self.mfg_responsible)

    def test_timeout_is_transient(self):
        with ScriptedSystem() as system:
            system.replies = [("sleep", 2.5)]
            self.connector.base_url = system.url
            message = self.emit()
            self.connector.flow_ids._mfg_drain()
        self.assertEqual(message.state, "queued")
        self.assertIn("Timeout", message.error_text)

    def test_connection_refused_waits_for_the_endpoint(self):
        """An endpoint down for every attempt is an outage: the message keeps
        waiting at the schedule's last step instead of going dead."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        self.connector.write(
            {"base_url": f"http://127.0.0.1:{port}", "retry_schedule": "0, 1s"}
        )
        message = self.emit()
        for _attempt in range(3):
            self.connector.flow_ids._mfg_drain()
            self.assertEqual(message.state, "queued")
            self.assertIn("Cannot connect", message.error_text)
            message.next_attempt_at = fields.Datetime.now()
        self.assertEqual(message.attempts, 3)
        self.assertFalse(self._mfg_exception_activities(self.partner))
        self.assertEqual(self.connector.consecutive_failures, 3)
        self.assertTrue(self.connector.flow_ids.endpoint_failing_since)

    def test_test_connection_button(self):
        with ScriptedSystem() as system:
            self.connector.base_url = system.url
            action = self.connector.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.connector.base_url = "http://127.0.0.1:9"
        action = self.connector.action_test_connection()
        self.assertEqual(action["params"]["type"], "danger")
