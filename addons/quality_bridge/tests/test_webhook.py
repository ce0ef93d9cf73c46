# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The same flows end to end through Odoo's HTTP server: signed webhook,
stored message, queue job, stock quantities."""

from odoo.tests import tagged

from .common import QualityHttpCommon

RESULT = "quality.inspection.result"
DISPOSITION = "quality.disposition.decided"
ALERT = "maintenance.alert"


@tagged("post_install", "-at_install")
class TestQualityWebhook(QualityHttpCommon):
    def _post(self, flow_code, payload):
        response = self._mfg_post(
            self.connector, flow_code, dict(payload, schema_version="1.0")
        )
        return response

    def _accepted(self, flow_code, payload):
        response = self._post(flow_code, payload)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertEqual(response.json()["status"], "queued")
        message = (
            self.env["mfg.sync.message"].sudo().browse(response.json()["message_id"])
        )
        self._quality_drain()
        message.invalidate_recordset()
        return message

    def test_fail_then_release_then_scrap_over_http(self):
        msg = self._accepted(RESULT, self._fail_payload())
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        nc = self._nc_of_lot()
        self.assertEqual(nc.state, "contained")

        msg = self._accepted(
            DISPOSITION,
            {
                "nonconformance": nc.name,
                "disposition": "release",
                "quantity": 7,
                "disposition_id": "D-1",
            },
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=7, quarantine=3)

        msg = self._accepted(
            DISPOSITION,
            {
                "nonconformance": nc.name,
                "disposition": "scrap",
                "quantity": 3,
                "disposition_id": "D-2",
            },
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=7, quarantine=0, scrapped=3)
        self.assertEqual(nc.state, "closed")
        self.assertFalse(self.lot.mfg_quality_hold)

    def test_pass_releases_held_lot_over_http(self):
        self._accepted(RESULT, self._fail_payload(quantity=4))
        self._assert_quantities(stock=6, quarantine=4)
        msg = self._accepted(
            RESULT, self._fail_payload(inspection_id="INSP-2", verdict="pass")
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)

    def test_schema_violation_is_refused_at_the_door(self):
        response = self._post(RESULT, self._fail_payload(quantity=-2))
        self.assertEqual(response.status_code, 422, response.text)
        body = response.json()
        self.assertEqual(body["error"], "schema_violation")
        self.assertIn("quantity", str(body.get("details")))
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self._nc_of_lot())

    def test_unknown_lot_over_http_fails_the_message(self):
        msg = self._accepted(RESULT, self._fail_payload(lot="LOT-NOPE"))
        self.assertEqual(msg.state, "failed")
        self.assertIn("Unknown lot LOT-NOPE", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)

    def test_alert_over_http_twice_opens_one_request(self):
        alert = {
            "alert_id": "A-1",
            "equipment": "QB Press 1",
            "summary": "Overheat",
            "block_workcenter": True,
        }
        self.assertEqual(self._accepted(ALERT, alert).state, "done")
        self.assertEqual(self._accepted(ALERT, alert).state, "done")
        requests = self.env["maintenance.request"].search(
            [("mfg_alert_ref", "=", "A-1")]
        )
        self.assertEqual(len(requests), 1)
        self.workcenter.invalidate_recordset()
        self.assertEqual(self.workcenter.working_state, "blocked")

    def test_openapi_document_lists_the_quality_flows(self):
        doc = self.url_open("/mfg/v1/openapi.json").json()
        for flow_code in (RESULT, DISPOSITION, ALERT):
            self.assertIn(f"/mfg/v1/{{connector_code}}/{flow_code}", doc["paths"])
        schema = doc["components"]["schemas"]["quality_inspection_result"]
        # the intake requires schema_version: so does the document (#13 item 10)
        self.assertEqual(
            set(schema["required"]),
            {"schema_version", "inspection_id", "verdict", "product", "lot"},
        )
        # the document and the webhook agree: what the schema forbids is refused
        self.assertFalse(schema["additionalProperties"])
        response = self._post(RESULT, self._fail_payload(quantiy=3))
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("quantiy", response.text)
        self._assert_quantities(stock=10, quarantine=0)

    def test_every_bad_input_over_http_leaves_stock_untouched(self):
        """The issue's bad inputs, each through the signed webhook and the
        queue, with the quantities per location checked after each."""
        refused = [
            ("unknown lot", self._fail_payload(lot="LOT-NOPE"), "Unknown lot LOT-NOPE"),
            (
                "lot of another product",
                self._fail_payload(inspection_id="I-2", lot="LOT-H"),
                "Lot LOT-H belongs to product",
            ),
            (
                "more than on hand",
                self._fail_payload(inspection_id="I-3", quantity=12),
                "12.0 requested but only 10.0 on hand",
            ),
            (
                "unknown equipment",
                self._fail_payload(
                    inspection_id="I-4", cause={"equipment": "Press 99"}
                ),
                "Unknown equipment Press 99",
            ),
        ]
        for label, payload, error in refused:
            with self.subTest(label):
                msg = self._accepted(RESULT, payload)
                self.assertEqual(msg.state, "failed")
                self.assertIn(error, msg.error_text)
                self._assert_quantities(stock=10, quarantine=0)
                self.assertFalse(self.lot.mfg_quality_hold)
        self.assertEqual(self._qty(self.stock, self.other_lot), 5)

        with self.subTest("pass for a lot not on hold"):
            msg = self._accepted(
                RESULT, self._fail_payload(inspection_id="I-5", verdict="pass")
            )
            self.assertEqual(msg.state, "done", msg.error_text)
            self._assert_quantities(stock=10, quarantine=0)
            self.assertFalse(
                self.env["stock.picking"].search([("origin", "ilike", "I-5")])
            )

        msg = self._accepted(RESULT, self._fail_payload(inspection_id="I-6"))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        nc = self._nc_of_lot()
        msg = self._accepted(
            DISPOSITION,
            {"nonconformance": nc.name, "disposition": "release", "quantity": 6},
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4)

        with self.subTest("second disposition beyond the quantity"):
            msg = self._accepted(
                DISPOSITION,
                {"nonconformance": nc.name, "disposition": "scrap", "quantity": 5},
            )
            self.assertEqual(msg.state, "failed")
            self.assertIn("exceeds the 4.0 left to disposition", msg.error_text)
            self._assert_quantities(stock=6, quarantine=4, scrapped=0)

        msg = self._accepted(
            DISPOSITION,
            {"nonconformance": nc.name, "disposition": "scrap", "quantity": 4},
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=6, quarantine=0, scrapped=4)
        self.assertEqual(nc.state, "closed")

        with self.subTest("disposition for a closed nonconformance"):
            msg = self._accepted(
                DISPOSITION,
                {"nonconformance": nc.name, "disposition": "release", "quantity": 1},
            )
            self.assertEqual(msg.state, "failed")
            self.assertEqual(msg.error_kind, "conflict")
            self.assertIn("is closed", msg.error_text)
            self._assert_quantities(stock=6, quarantine=0, scrapped=4)
