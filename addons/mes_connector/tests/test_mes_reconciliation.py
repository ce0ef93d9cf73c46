# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation of MES snapshots with Odoo, and the connector's site."""

from odoo.tests import tagged

from .common import MesCommon


@tagged("post_install", "-at_install")
class TestMesReconciliation(MesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("inventory.snapshot", "mes.order.snapshot"):
            cls.env["mfg.flow"].create(
                {
                    "connector_id": cls.connector.id,
                    "code": code,
                    "reconcile_tolerance": 1.0,
                }
            )

    def _inventory(self, board_1=30.0, plain=200.0):
        return {
            "schema_version": "1.0",
            "lines": [
                {
                    "product": "C-SCREW",
                    "location": self.stock.complete_name,
                    "quantity": plain,
                },
                {
                    "product": "C-BOARD",
                    "lot": "BOARD-1",
                    "location": "SHELF-MES",
                    "quantity": board_1,
                },
                {
                    "product": "C-BOARD",
                    "lot": "BOARD-2",
                    "location": "SHELF-MES",
                    "quantity": 30.0,
                },
            ],
        }

    def _run(self, code, snapshot):
        message = self._mfg_receive(self.connector, code, snapshot)
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        return message.record_ref

    def test_agreeing_stock_finds_nothing(self):
        self.assertEqual(self.comp_plain.default_code, "C-SCREW")
        run = self._run("inventory.snapshot", self._inventory())
        self.assertEqual(run.state, "agreed")
        self.assertFalse(run.line_ids)
        self.assertFalse(self._mfg_exception_activities(run))

    def test_planted_stock_difference_is_found_and_stock_untouched(self):
        before = self._mes_quants()
        run = self._run(
            "inventory.snapshot", self._inventory(board_1=27.0, plain=200.5)
        )
        self.assertEqual(run.state, "differences")
        above = run.line_ids.filtered("above_tolerance")
        self.assertEqual(len(above), 1)
        self.assertIn("BOARD-1", above.key)
        self.assertEqual(
            (above.external_value, above.odoo_value, above.difference),
            ("27.0", "30.0", -3.0),
        )
        within = run.line_ids - above
        self.assertIn(
            "C-SCREW", within.key, "a difference within tolerance is listed, not raised"
        )
        activity = self._mfg_exception_activities(run)
        self.assertEqual(len(activity), 1, "one activity per run")
        self.assertEqual(activity.user_id, self.mfg_responsible)
        self.assertEqual(self._mes_quants(), before, "a run never changes stock")

    def test_location_outside_the_site_is_reported(self):
        other = self.env["stock.warehouse"].create({"name": "Plant B", "code": "PLB"})
        self.connector.mes_warehouse_id = other
        run = self._run("inventory.snapshot", self._inventory())
        self.assertEqual(run.state, "differences")
        self.assertIn("SHELF-MES", run.line_ids.mapped("key"))

    def test_mo_status_and_quantity_mismatch(self):
        mo = self._mes_create_mo(qty=5.0)
        agreeing = {
            "schema_version": "1.0",
            "orders": [{"mo": mo.name, "status": "released", "produced": 0}],
        }
        self.assertEqual(self._run("mes.order.snapshot", agreeing).state, "agreed")
        mismatch = {
            "schema_version": "1.0",
            "orders": [
                {
                    "mo": mo.name,
                    "status": "in_progress",
                    "produced": 3,
                    "consumed": [{"product": "C-SCREW", "quantity": 4}],
                },
                {"mo": "WH/MO/NOPE", "status": "completed"},
            ],
        }
        run = self._run("mes.order.snapshot", mismatch)
        labels = sorted(run.line_ids.filtered("above_tolerance").mapped("label"))
        self.assertEqual(
            labels,
            [
                "Consumed quantity",
                "MO status",
                "MO unknown to Odoo",
                "Produced quantity",
            ],
        )
        status = run.line_ids.filtered(lambda line: line.label == "MO status")
        self.assertEqual(
            (status.odoo_value, status.external_value), ("released", "in_progress")
        )
        self.assertEqual(mo.state, "confirmed", "a run changes nothing in Odoo")

    def test_event_for_an_mo_of_another_site_is_refused(self):
        mo = self._mes_create_mo()
        self.connector.mes_warehouse_id = self.env["stock.warehouse"].create(
            {"name": "Plant C", "code": "PLC"}
        )
        before = self._mes_quants()
        (message,) = self._mes_send(
            [
                (
                    "mes.operation.event",
                    self._mes_payload(
                        mo,
                        1,
                        workorder={"operation": "Cutting"},
                        event="started",
                        timestamp="2026-01-05T08:00:00Z",
                    ),
                )
            ]
        )
        self.assertEqual((message.state, message.error_kind), ("failed", "conflict"))
        self.assertIn("site", message.error_text)
        activity = self._mfg_exception_activities(mo)
        self.assertEqual(activity.user_id, self.planner)
        self.assertEqual(self._mes_quants(), before)
