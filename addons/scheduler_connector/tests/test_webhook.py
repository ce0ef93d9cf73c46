# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Published schedules through Odoo's HTTP server (signed webhooks)."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from ..core import flows as scheduler_flows
from .common import SchedulerHttpCommon

FLOW = scheduler_flows.FLOW_SCHEDULE_PUBLISHED


@tagged("post_install", "-at_install")
class TestScheduleWebhook(SchedulerHttpCommon):
    def setUp(self):
        super().setUp()
        now = fields.Datetime.now().replace(microsecond=0)
        self.start = now + timedelta(days=3)
        self.mo = self._create_mo(date_start=now + timedelta(days=2))
        self.cut = self._wo(self.mo, "Cut")
        self._plan(self.cut, now + timedelta(days=2))

    def _payload_for(self, start, **kw):
        kw.setdefault("generated_at", self._fresh_generated_at(self.mo, self.cut))
        return self._schedule_payload([self._line(self.mo, "Cut", start)], **kw)

    def test_signed_schedule_accepted_then_applied(self):
        response = self._mfg_post(self.connector, FLOW, self._payload_for(self.start))
        self.assertEqual(response.status_code, 202, response.text)
        body = response.json()
        self.assertEqual(body["status"], "queued")
        message = self.env["mfg.sync.message"].sudo().browse(body["message_id"])
        self.assertFalse(self._schedule_of(message), "no business work in the request")
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        schedule = self._schedule_of(message)
        self.assertEqual(schedule.applied_count, 1)
        self.assertEqual(self.cut.date_start, self.start)

    def test_same_webhook_id_not_applied_twice(self):
        payload = self._payload_for(self.start)
        first = self._mfg_post(self.connector, FLOW, payload, webhook_id="sched-1")
        again = self._mfg_post(self.connector, FLOW, payload, webhook_id="sched-1")
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()["message_id"], first.json()["message_id"])
        self._mfg_process(self.connector)
        schedules = self.env["mfg.scheduler.schedule"].search(
            [("connector_id", "=", self.connector.id)]
        )
        self.assertEqual(len(schedules), 1)

    def test_schema_violation_answers_422_pointing_at_the_field(self):
        payload = self._payload_for(self.start)
        del payload["assignments"][0]["end"]
        response = self._mfg_post(self.connector, FLOW, payload)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("end", response.text)
        self.assertNotEqual(self.cut.date_start, self.start)

    def test_unknown_major_version_answers_422(self):
        payload = self._payload_for(self.start)
        payload["schema_version"] = "2.0"
        response = self._mfg_post(self.connector, FLOW, payload)
        self.assertEqual(response.status_code, 422, response.text)

    def test_bad_signature_answers_401(self):
        response = self._mfg_post(
            self.connector, FLOW, self._payload_for(self.start), secret="whsec_d3Jvbmc="
        )
        self.assertEqual(response.status_code, 401, response.text)
        self._mfg_process(self.connector)
        self.assertNotEqual(self.cut.date_start, self.start)

    def test_openapi_document_lists_the_schedule_flow(self):
        doc = self.url_open("/mfg/v1/openapi.json").json()
        self.assertIn(f"/mfg/v1/{{connector_code}}/{FLOW}", doc["paths"])
        schema = doc["components"]["schemas"]["scheduler_schedule_published"]
        self.assertEqual(
            set(schema["required"]),
            {"schema_version", "schedule_id", "version", "generated_at", "assignments"},
        )
