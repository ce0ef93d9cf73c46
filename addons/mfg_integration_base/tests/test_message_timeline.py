# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A message as a person reads it: timeline of attempts, formatted payloads."""

from freezegun import freeze_time

from .common import MfgCommon
from .http_server import ScriptedSystem


class TestMessageTimeline(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "tml1",
            flows=["generic.record.changed"],
            auth_type="none",
            read_timeout=2.0,
            retry_schedule="0, 5s, 5s",
        )

    def test_attempts_with_statuses_and_errors_then_done(self):
        with ScriptedSystem() as system, freeze_time("2026-03-02 08:00:00") as clock:
            system.replies = [
                (503, {}, {"error": "<b>maintenance</b>"}),
                (429, {}, {"error": "slow down"}),
            ]
            self.connector.base_url = system.url
            message = self.connector._emit(
                "generic.record.changed",
                {"model": "res.partner", "external_id": "T1", "values": {"name": "T"}},
            )
            for _attempt in range(3):
                clock.move_to(message.next_attempt_at or "2026-03-02 08:00:00")
                self.connector.flow_ids._mfg_drain()
        self.assertEqual(message.state, "done")
        self.assertEqual(message.attempt_ids.mapped("http_status"), [503, 429])
        self.assertEqual(message.attempt_ids.mapped("number"), [1, 2])
        self.assertEqual(message.attempt_ids.mapped("state_after"), ["queued"] * 2)
        timeline = str(message.timeline_html)
        for text in ("Received", "HTTP 503", "HTTP 429", "Done after 3 attempt(s)"):
            self.assertIn(text, timeline)
        self.assertLess(timeline.index("HTTP 503"), timeline.index("HTTP 429"))
        # The receiver's answer is shown as text, never as markup.
        self.assertNotIn("<b>maintenance</b>", timeline)
        self.assertIn("&lt;b&gt;maintenance&lt;/b&gt;", timeline)

    def test_payloads_indented_and_other_formats_untouched(self):
        message = self.connector._emit(
            "generic.record.changed",
            {"model": "res.partner", "external_id": "T2", "values": {"name": "Né"}},
        )
        pretty = message.payload_canonical_pretty
        self.assertIn('\n  "values": {\n    "name": "Né"\n  }', pretty)
        xml = self._mfg_receive(self.connector, "generic.record.changed", {})
        xml.sudo().write({"payload_raw": "<Part id='1'/>"})
        self.assertEqual(xml.payload_raw_pretty, "<Part id='1'/>")
