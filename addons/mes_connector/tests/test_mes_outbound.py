# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""MOs to the MES: release triggers, changes, and what the MES answered."""

import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mfg_integration_base.tests.http_server import ScriptedSystem

from ..core import flows as mes_flows
from .common import TECH_GROUPS, MesCommon


@tagged("post_install", "-at_install")
class TestMesOutbound(MesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = cls._mfg_create_connector(
            "mesout",
            kind="mes",
            flows=mes_flows.OUTBOUND_FLOWS + mes_flows.INBOUND_FLOWS,
            tech_groups=TECH_GROUPS,
            base_url="http://127.0.0.1:9",
            connect_timeout=1.0,
            read_timeout=1.0,
        )

    def _outbox(self, production, flow_code):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.out.id),
                    ("flow_id.code", "=", flow_code),
                    ("res_model", "=", "mrp.production"),
                    ("res_id", "=", production.id),
                ],
                order="id",
            )
        )

    def test_release_on_confirmation(self):
        production = self._mes_create_mo()
        self.assertEqual(production.mes_release_state, "released")
        message = self._outbox(production, "mes.order.released")
        self.assertEqual(
            (message.state, message.ordering_key), ("queued", production.name)
        )
        payload = self._mes_canonical(message)
        self.assertEqual(payload["production_order"], production.name)
        self.assertEqual(
            (payload["product"]["code"], payload["quantity"], payload["uom"]),
            ("FG-TABLE", 5.0, "Units"),
        )
        self.assertEqual(payload["tracking"], "lot")
        components = {c["product"]["code"]: c for c in payload["components"]}
        self.assertEqual(components["C-SCREW"]["quantity"], 20.0)
        self.assertEqual(
            sum(lot["quantity"] for lot in components["C-BOARD"]["reserved_lots"]), 5.0
        )
        self.assertEqual(
            [
                (w["operation"], w["workcenter"], w["expected_duration_minutes"])
                for w in payload["work_orders"]
            ],
            [("Cutting", "MES-CUT", 30.0), ("Assembly", "MES-ASM", 60.0)],
        )

    def test_release_when_components_are_ready(self):
        self.out.mes_release_trigger = "components_ready"
        production = self._mes_create_mo(qty=100)  # 100 boards needed, 60 in stock
        self.assertEqual(production.reservation_state, "confirmed")
        self.assertEqual(production.mes_release_state, "not_released")
        self.assertFalse(self._outbox(production, "mes.order.released"))
        self.env["stock.quant"]._update_available_quantity(
            self.comp_lot, self.shelf, 40, lot_id=self.lot_board
        )
        self.env["stock.quant"]._update_available_quantity(
            self.comp_plain, self.stock, 300
        )
        production.action_assign()
        self.assertEqual(production.reservation_state, "assigned")
        self.assertEqual(production.mes_release_state, "released")
        self.assertEqual(len(self._outbox(production, "mes.order.released")), 1)

    def test_release_at_confirmation_when_components_are_there(self):
        self.out.mes_release_trigger = "components_ready"
        production = self._mes_create_mo(qty=5)
        self.assertEqual(production.reservation_state, "assigned")
        self.assertEqual(production.mes_release_state, "released")
        self.assertEqual(len(self._outbox(production, "mes.order.released")), 1)

    def test_manual_release_button(self):
        self.out.mes_release_trigger = "manual"
        production = self._mes_create_mo()
        self.assertEqual(production.mes_release_state, "not_released")
        production.with_user(self.planner).action_mes_release()
        self.assertEqual(production.mes_release_state, "released")
        self.assertEqual(len(self._outbox(production, "mes.order.released")), 1)

    def test_release_button_without_an_mes_flow(self):
        self.out.flow_ids.filtered(
            lambda f: f.code == "mes.order.released"
        ).active = False
        production = self._mes_create_mo()
        with self.assertRaisesRegex(UserError, "No active MES connector"):
            production.action_mes_release()
        self.assertEqual(production.mes_release_state, "not_released")

    def test_release_of_a_component_without_reference(self):
        self.comp_plain.default_code = False
        production = self._mes_create_mo()
        # confirmation itself is not blocked: the planner gets the problem
        self.assertEqual(production.state, "confirmed")
        self.assertEqual(production.mes_release_state, "error")
        self.assertFalse(self._outbox(production, "mes.order.released"))
        activity = self._mfg_exception_activities(production)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn("MES Screw has no internal reference", activity.note)
        with self.assertRaisesRegex(UserError, "has no internal reference"):
            production.action_mes_release()
        # fixed: the button releases it and closes the exception
        self.comp_plain.default_code = "C-SCREW"
        production.action_mes_release()
        self.assertEqual(production.mes_release_state, "released")
        self.assertFalse(self._mfg_exception_activities(production))

    def test_release_error_on_an_mo_without_responsible(self):
        """The one rule: no responsible on the MO, the connector's gets it (the
        confirmation is not blocked)."""
        lead = new_test_user(self.env, login="mes_integration_lead")
        self.out.responsible_user_id = lead
        self.comp_plain.default_code = False
        production = self._mes_create_mo(user_id=False)
        self.assertEqual(
            (production.state, production.mes_release_state), ("confirmed", "error")
        )
        activity = self._mfg_exception_activities(production)
        self.assertEqual(activity.user_id, lead)
        self.assertIn("MES Screw has no internal reference", activity.note)

    def test_quantity_change_is_sent(self):
        production = self._mes_create_mo()
        wizard = Form(
            self.env["change.production.qty"].with_context(default_mo_id=production.id)
        )
        wizard.product_qty = 8
        wizard.save().change_prod_qty()
        message = self._outbox(production, "mes.order.changed")
        self.assertEqual(len(message), 1)
        payload = self._mes_canonical(message)
        # a new quantity moves the planned end too: one message says both
        self.assertEqual(
            (payload["changes"], payload["quantity"]), (["dates", "quantity"], 8.0)
        )
        self.assertEqual(
            payload["date_finished"][:19], production.date_finished.isoformat()
        )
        self.assertEqual(message.ordering_key, production.name)

    def test_cancellation_is_sent(self):
        production = self._mes_create_mo()
        production.action_cancel()
        payload = self._mes_canonical(self._outbox(production, "mes.order.changed"))
        self.assertEqual(
            (payload["changes"], payload["cancelled"]), (["cancelled"], True)
        )

    def test_hold_and_resume_are_sent(self):
        production = self._mes_create_mo()
        production.action_mes_hold()
        production.action_mes_unhold()
        changes = [
            self._mes_canonical(m)["changes"]
            for m in self._outbox(production, "mes.order.changed")
        ]
        self.assertEqual(changes, [["hold"], ["released_from_hold"]])

    def test_no_change_sent_for_an_order_the_mes_does_not_know(self):
        self.out.mes_release_trigger = "manual"
        production = self._mes_create_mo()
        production.action_cancel()
        self.assertFalse(self._outbox(production, "mes.order.changed"))
        with self.assertRaisesRegex(UserError, "not with the MES"):
            production.action_mes_hold()

    def test_mes_acknowledges_the_release(self):
        with ScriptedSystem() as system:
            self.out.base_url = system.url
            production = self._mes_create_mo()
            self._mfg_process(self.out)
        self.assertEqual(self._outbox(production, "mes.order.released").state, "done")
        self.assertEqual(production.mes_release_state, "acknowledged")
        self.assertEqual(system.received[0]["path"], "/mes.order.released")
        self.assertEqual(
            json.loads(system.received[0]["body"])["production_order"], production.name
        )

    def test_release_dead_after_the_retry_limit(self):
        """A release the MES never takes (503 until the delivery schedule ends)
        is dead-lettered: the MO's MES status is error, for its planner; another
        MO's release delivered meanwhile is acknowledged."""
        self.out.retry_schedule = "0, 1s"
        with ScriptedSystem() as system, freeze_time(datetime(2026, 3, 2, 8)) as now:
            self.out.base_url = system.url
            system.replies = [(503, {}, {"error": "maintenance"})]
            unlucky = self._mes_create_mo()
            self._mfg_process(self.out)
            release = self._outbox(unlucky, "mes.order.released")
            self.assertEqual((release.state, release.attempts), ("queued", 1))
            self.assertEqual(unlucky.mes_release_state, "released")
            # the endpoint answers again (no outage): the retry limit applies
            lucky = self._mes_create_mo()
            self._mfg_process(self.out)
            self.assertEqual(lucky.mes_release_state, "acknowledged")
            system.replies = [(503, {}, {"error": "maintenance"})]
            now.move_to(release.next_attempt_at + timedelta(seconds=1))
            self._mfg_process(self.out)
        self.assertEqual((release.state, release.attempts), ("dead", 2))
        self.assertEqual(unlucky.mes_release_state, "error")
        self.assertEqual(lucky.mes_release_state, "acknowledged")
        self.assertEqual(self._mfg_exception_activities(unlucky).user_id, self.planner)
        self.assertEqual(
            [r["path"] for r in system.received], ["/mes.order.released"] * 3
        )

    def test_mes_refuses_the_release(self):
        with ScriptedSystem() as system:
            system.replies = [(400, {}, {"error": "unknown product"})]
            self.out.base_url = system.url
            production = self._mes_create_mo()
            self._mfg_process(self.out)
        self.assertEqual(self._outbox(production, "mes.order.released").state, "failed")
        self.assertEqual(production.mes_release_state, "error")
        self.assertEqual(
            self._mfg_exception_activities(production).user_id, self.planner
        )

    def test_events_from_the_mes_are_not_echoed_and_backorders_are_released(self):
        self.out.mes_auto_done = True
        production = self._mes_create_mo()
        messages = self._mes_send(
            [
                (
                    "mes.production.completed",
                    self._mes_payload(
                        production,
                        1,
                        quantity=3,
                        lot="TABLE-1",
                        final=True,
                        timestamp="2026-01-05T11:00:00Z",
                    ),
                )
            ],
            connector=self.out,
        )
        self.assertEqual(messages.state, "done", messages.error_text)
        self.assertEqual(
            (production.state, production.mes_release_state), ("done", "done")
        )
        self.assertFalse(self._outbox(production, "mes.order.changed"))
        backorder = production.procurement_group_id.mrp_production_ids - production
        self.assertEqual(backorder.product_qty, 2.0)
        self.assertEqual(backorder.mes_release_state, "released")
        payload = self._mes_canonical(self._outbox(backorder, "mes.order.released"))
        self.assertEqual(payload["quantity"], 2.0)
