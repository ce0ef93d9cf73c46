# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QualityCommon

ALERT = "maintenance.alert"


@tagged("post_install", "-at_install")
class TestMaintenanceAlert(QualityCommon):
    def _alert(self, **vals):
        payload = {
            "alert_id": "ALRT-7",
            "equipment": "QB Press 1",
            "summary": "Spindle vibration",
            "description": "RMS 9 mm/s over 5 min",
            "priority": "high",
            "source": "iot",
            "raised_at": "2026-03-04T06:00:00Z",
        }
        payload.update(vals)
        return self._send(ALERT, payload)

    def _requests(self):
        return self.env["maintenance.request"].search(
            [("equipment_id", "=", self.equipment.id)]
        )

    def _mo_on_press(self):
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.other_product.product_tmpl_id.id,
                "product_qty": 1,
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Press",
                            "workcenter_id": self.workcenter.id,
                            "time_cycle_manual": 10,
                        }
                    )
                ],
            }
        )
        mo = self.env["mrp.production"].create(
            {
                "product_id": self.other_product.id,
                "bom_id": bom.id,
                "product_qty": 2,
            }
        )
        mo.action_confirm()
        self.assertTrue(mo.workorder_ids)
        return mo

    def test_one_request_per_alert_id(self):
        msg = self._alert()
        self.assertEqual(msg.state, "done", msg.error_text)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertRecordValues(
            request,
            [
                {
                    "name": "Spindle vibration",
                    "priority": "3",
                    "maintenance_type": "corrective",
                    "mfg_alert_ref": "ALRT-7",
                    "mfg_alert_source": "iot",
                }
            ],
        )
        self.assertEqual(str(request.request_date), "2026-03-04")
        self.assertEqual(
            self.connector._mfg_resolve("maintenance.request", "ALRT-7"), request
        )
        msg2 = self._alert(summary="Spindle vibration (repeat)")
        self.assertEqual(msg2.state, "done", msg2.error_text)
        self.assertEqual(self._requests(), request)
        self.assertEqual((msg2.res_model, msg2.res_id), (request._name, request.id))
        self.assertEqual(self.workcenter.working_state, "normal")

    def test_equipment_by_serial_number(self):
        msg = self._alert(equipment="QB-SN-PRESS-1")
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(len(self._requests()), 1)

    def test_blocking_alert_blocks_the_work_center_until_done(self):
        mo = self._mo_on_press()
        msg = self._alert(block_workcenter=True)
        self.assertEqual(msg.state, "done", msg.error_text)
        request = self._requests()
        self.workcenter.invalidate_recordset()
        self.assertEqual(self.workcenter.working_state, "blocked")
        self.assertEqual(self.workcenter.mfg_blocking_request_ids, request)
        with self.assertRaisesRegex(UserError, "is blocked by maintenance request"):
            mo.button_plan()
        with self.assertRaisesRegex(UserError, "unblock the work center"):
            mo.workorder_ids[0].button_start()
        self.assertFalse(self._outbound("maintenance.request.done"))

        request.stage_id = self.env.ref("maintenance.stage_3")
        self.workcenter.invalidate_recordset()
        self.assertEqual(self.workcenter.working_state, "normal")
        self.assertFalse(self.workcenter.mfg_blocking_request_ids)
        mo.button_plan()
        self.assertTrue(mo.is_planned)
        done = self._outbound("maintenance.request.done", request)
        self.assertEqual(len(done), 1)
        self.assertEqual(done[0]["alert_id"], "ALRT-7")
        self.assertEqual(done[0]["equipment"], "QB Press 1")

    def test_planner_is_told_which_request_blocks(self):
        mo = self._mo_on_press()
        self._alert(block_workcenter=True)
        planner_mo = mo.with_user(self.planner)
        # the planner follows no maintenance request: Odoo would hide them from him
        self.assertFalse(
            self.env["maintenance.request"].with_user(self.planner).search([])
        )
        with self.assertRaisesRegex(
            UserError, "blocked by maintenance request Spindle"
        ):
            planner_mo.button_plan()
        self.assertEqual(
            self.workcenter.with_user(self.planner).mfg_block_reason,
            "Spindle vibration",
        )

    def test_done_carries_a_unique_reference_and_the_name_as_a_label(self):
        # two alerts, two requests with the same title
        self.assertEqual(self._alert(alert_id="ALRT-A").state, "done")
        self.assertEqual(self._alert(alert_id="ALRT-B").state, "done")
        requests = self._requests()
        self.assertEqual(set(requests.mapped("name")), {"Spindle vibration"})
        requests.stage_id = self.env.ref("maintenance.stage_3")
        payloads = [self._outbound("maintenance.request.done", r)[0] for r in requests]
        references = {p["request"] for p in payloads}
        self.assertEqual(len(references), 2, "one reference per request")
        self.assertEqual(references, set(requests.mapped("mfg_reference")))
        self.assertTrue(all(ref.startswith("MR/") for ref in references))
        self.assertEqual(
            [p["request_name"] for p in payloads], ["Spindle vibration"] * 2
        )

    def test_request_not_from_an_alert_sends_nothing_when_done(self):
        request = self.env["maintenance.request"].create(
            {"name": "Oil change", "equipment_id": self.equipment.id}
        )
        request.stage_id = self.env.ref("maintenance.stage_3")
        self.assertFalse(self._outbound("maintenance.request.done"))

    def test_bad_unknown_equipment(self):
        msg = self._alert(equipment="Press 99", block_workcenter=True)
        self.assertEqual(msg.state, "failed")
        self.assertEqual(msg.error_kind, "validation")
        self.assertIn("Unknown equipment Press 99", msg.error_text)
        self.assertFalse(
            self.env["maintenance.request"].search([("mfg_alert_ref", "=", "ALRT-7")])
        )
        self.assertEqual(self.workcenter.working_state, "normal")
        self._assert_quantities(stock=10, quarantine=0)
