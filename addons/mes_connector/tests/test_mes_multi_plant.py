# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two plants (companies), one MES connector each: planners who work with both
selected (#12 item 10), lots shared between companies (#12 item 9)."""

from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs

from ..core import flows as mes_flows
from .common import TECH_GROUPS, MesCommon


@tagged("post_install", "-at_install")
class TestMesMultiPlant(MesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.plant1 = env.company
        cls.plant2 = env["res.company"].create({"name": "MES Plant 2"})
        cls.warehouse2 = env["stock.warehouse"].search(
            [("company_id", "=", cls.plant2.id)], limit=1
        )
        cls.mes2 = cls._mfg_create_connector(
            "mes-plant2",
            kind="mes",
            flows=mes_flows.OUTBOUND_FLOWS + mes_flows.INBOUND_FLOWS,
            tech_groups=TECH_GROUPS,
            base_url="http://127.0.0.1:9",
            company_id=cls.plant2.id,
            mes_warehouse_id=cls.warehouse2.id,
            mes_release_trigger="confirm",
        )
        cls.tech2 = cls.mes2.technical_user_id
        cls.tech2.write(
            {"company_ids": [(6, 0, cls.plant2.ids)], "company_id": cls.plant2.id}
        )
        cls.bom2 = env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.finished.product_tmpl_id.id,
                "company_id": cls.plant2.id,
                "bom_line_ids": [(0, 0, {"product_id": cls.comp_lot.id})],
            }
        )
        # works for both plants, both selected in the company switcher
        cls.planner2 = new_test_user(
            env,
            login="mes_planner_two_plants",
            groups="mrp.group_mrp_user,stock.group_stock_user",
            company_id=cls.plant1.id,
            company_ids=[(6, 0, (cls.plant1 | cls.plant2).ids)],
        )

    def _plant2_mo(self):
        return (
            self.env["mrp.production"]
            .with_company(self.plant2)
            .create(
                {
                    "product_id": self.finished.id,
                    "product_qty": 1.0,
                    "bom_id": self.bom2.id,
                    "company_id": self.plant2.id,
                    "user_id": self.planner2.id,
                }
            )
        )

    def _send2(self, production, **fields):
        """A consumption from plant 2's MES, applied (outbound left alone)."""
        payload = self._mes_payload(production, 1, **fields)
        message = self._mfg_receive(self.mes2, "mes.material.consumed", payload)
        self._mfg_process(self.mes2, direction="inbound")
        message.invalidate_recordset()
        return message

    def test_confirming_a_plant2_order_with_both_plants_selected(self):
        production = self._plant2_mo()
        as_planner = production.with_user(self.planner2).with_context(
            allowed_company_ids=[self.plant1.id, self.plant2.id]
        )
        with trap_jobs() as trap:
            as_planner.action_confirm()
            trap.assert_jobs_count(1)
            job = trap.enqueued_jobs[0]
            # the drain runs as plant 2's technical user, in plant 2 only
            self.assertEqual(job.recordset.env.user, self.tech2)
            self.assertEqual(
                job.recordset.env.context["allowed_company_ids"], self.plant2.ids
            )
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(production.mes_release_state, "released")
        release = self.env["mfg.sync.message"].search(
            [("connector_id", "=", self.mes2.id), ("res_id", "=", production.id)]
        )
        self.assertEqual(release.flow_code, mes_flows.ORDER_RELEASED)

    def test_lot_on_hand_only_in_another_company_is_refused(self):
        # BOARD-1 (a lot shared between companies: its product has no company)
        # is on hand in plant 1 only
        self.assertFalse(self.lot_board.company_id)
        production = self._plant2_mo()
        production.action_confirm()
        before = self._mes_quants(self.comp_lot)
        message = self._send2(production, product="C-BOARD", quantity=1, lot="BOARD-1")
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_kind, "validation")
        self.assertIn("on hand only in", message.error_text)
        self.assertFalse(
            production.move_raw_ids.move_line_ids.filtered(
                lambda ml: ml.lot_id == self.lot_board
            ),
            "no move line for a lot plant 2 does not have",
        )
        self.assertEqual(self._mes_quants(self.comp_lot), before)
        activity = self._mfg_exception_activities(production)
        self.assertEqual(activity.user_id, self.planner2)

    def test_lot_on_hand_in_the_connectors_plant_is_consumed(self):
        stock2 = self.warehouse2.lot_stock_id
        self.env["stock.quant"]._update_available_quantity(
            self.comp_lot, stock2, 3, lot_id=self.lot_board_2
        )
        production = self._plant2_mo()
        production.action_confirm()
        message = self._send2(production, product="C-BOARD", quantity=1, lot="BOARD-2")
        self.assertEqual(message.state, "done", message.error_text)
        lines = production.move_raw_ids.move_line_ids
        self.assertEqual(
            {(line.lot_id, line.location_id, line.quantity) for line in lines},
            {(self.lot_board_2, stock2, 1.0)},
        )
