# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 items 6 and 8: outbound credentials stay with their host, a
receiver's answer is kept bounded, escaped and without secrets, and exception
notes never carry live HTML."""

from odoo.tools import mute_logger

from .common import MfgCommon
from .http_server import ScriptedSystem

API_KEY = "k3y-" + "s3cr3t-value-0123456789"
HOSTILE = ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">']
PROCESSING_LOG = "odoo.addons.mfg_integration_base.models.mfg_sync_message_processing"


def changed(name="Acme"):
    return {"model": "res.partner", "external_id": "P-1", "values": {"name": name}}


class TestOutboundSafety(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "outsafe",
            flows=["generic.record.changed"],
            auth_type="api_key",
            api_key_header="X-Api-Key",
            outbound_secret=API_KEY,
            read_timeout=2.0,
            connect_timeout=2.0,
        )
        cls.partner = cls.env["res.partner"].create({"name": "Acme"})

    def _send(self, system):
        self.connector.base_url = system.url
        message = self.connector._emit(
            "generic.record.changed", changed(), record=self.partner
        )
        with mute_logger(PROCESSING_LOG):
            self._mfg_process(self.connector)
        return message

    def test_redirects_never_carry_the_key_elsewhere(self):
        # (label, status, same origin?, expected state, requests at the origin)
        cases = [
            ("307 to another origin", 307, False, "failed", 1),
            ("308 to another origin", 308, False, "failed", 1),
            ("302 to another origin", 302, False, "failed", 1),
            ("302 same origin (would become a GET)", 302, True, "failed", 1),
            ("307 same origin", 307, True, "done", 2),
        ]
        for label, status, same, state, hits in cases:
            with (
                self.subTest(label),
                ScriptedSystem() as origin,
                ScriptedSystem() as elsewhere,
            ):
                target = (origin.url if same else elsewhere.url) + "/moved"
                origin.replies = [(status, {"Location": target}, {})]
                message = self._send(origin)
                self.assertEqual(message.state, state)
                self.assertEqual(
                    elsewhere.received, [], "nothing reached the other host"
                )
                self.assertEqual(len(origin.received), hits)
                if state == "failed":
                    self.assertIn("not followed", message.error_text)
                else:
                    self.assertEqual(origin.received[1]["path"], "/moved")
                    self.assertEqual(
                        origin.received[1]["headers"]["X-Api-Key"], API_KEY
                    )

    def test_answer_kept_is_scrubbed_bounded_and_escaped(self):
        echo = {
            "error": "bad request",
            "echo": {"X-Api-Key": API_KEY},
            "html": " ".join(HOSTILE),
            "padding": "x" * 5000,
        }
        with ScriptedSystem() as system:
            system.replies = [(400, {}, echo)]
            message = self._send(system)
        self.assertEqual(message.state, "failed")
        self.assertNotIn(API_KEY, message.error_text)
        self.assertIn("***", message.error_text)
        self.assertLess(len(message.error_text), 1000)
        note = str(message.exception_activity_id.note)
        self.assertNotIn(API_KEY, note)
        for hostile in HOSTILE:
            self.assertNotIn(hostile[:4], note, "no live tag in the note")
        self.assertIn("&lt;script&gt;", note)


class TestExceptionNoteEscaped(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("noteesc")

    def test_external_text_is_shown_not_run(self):
        for hostile in HOSTILE:
            with self.subTest(hostile):
                message = self._mfg_receive(
                    self.connector,
                    "generic.record.upsert",
                    {
                        "schema_version": "1.0",
                        "external_id": f"N-{len(hostile)}",
                        "values": {"name": "N", hostile: "x"},
                    },
                )
                self._mfg_process(self.connector)
                self.assertEqual(message.state, "failed")
                note = str(message.exception_activity_id.note)
                self.assertNotIn(hostile[:4], note)
                self.assertIn(hostile[:4].replace("<", "&lt;"), note)
