# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A planner resolves an integration exception on an MO, in a real browser."""

import os
from unittest.mock import patch

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import MesHttpCommon


@tagged("post_install", "-at_install")
class TestPlannerTour(MesHttpCommon):
    def test_planner_fixes_the_lot_and_replays_the_event(self):
        planner = new_test_user(
            self.env,
            login="tour_planner",
            groups="mrp.group_mrp_user,stock.group_stock_user,"
            "stock.group_production_lot,"
            "mfg_integration_base.mfg_integration_base_group_user",
        )
        production = self._mes_create_mo(qty=2.0, user_id=planner.id)
        message = self._mfg_receive(
            self.connector,
            "mes.material.consumed",
            self._mes_payload(
                production, 1, product="C-BOARD", quantity=2, lot="BOARD-9"
            ),
        )
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        activity = self._mfg_exception_activities(production)
        self.assertEqual(activity.user_id, planner)
        self.assertIn("BOARD-9", activity.note)
        # the replay runs its job at once (no job runner in tests)
        with (
            patch.dict(os.environ, {"QUEUE_JOB__NO_DELAY": "1"}),
            mute_logger("odoo.addons.queue_job.utils"),
        ):
            self.start_tour(
                f"/odoo/action-mrp.mrp_production_action/{production.id}",
                "mfg_exception_fix_and_replay",
                login="tour_planner",
            )
        message.invalidate_recordset()
        self.assertEqual(message.state, "done", message.error_text)
        self.assertFalse(self._mfg_exception_activities(production))
        lot = self.env["stock.lot"].search([("name", "=", "BOARD-9")])
        self.assertEqual(lot.product_id, self.comp_lot)
        consumed = production.move_raw_ids.filtered(
            lambda m: m.product_id == self.comp_lot
        )
        self.assertEqual(consumed.move_line_ids.lot_id, lot)
