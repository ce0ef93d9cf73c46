# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Real-time ``scheduler.order.changed`` events in the outbox."""

from datetime import timedelta

from freezegun import freeze_time

from ..core import flows as scheduler_flows
from .common import NOW, SchedulerCommon, iso

FLOW = scheduler_flows.FLOW_ORDER_CHANGED


class TestOrderChanged(SchedulerCommon):
    def setUp(self):
        super().setUp()
        patcher = freeze_time(NOW)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.order_changed_flow.active = True

    def _events(self, production):
        return [self._payload(m)["event"] for m in self._outbound(FLOW, production)]

    def test_created(self):
        production = self._create_mo(confirm=False)
        messages = self._outbound(FLOW, production)
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages.state, "queued")
        self.assertEqual(messages.ordering_key, production.name)
        payload = self._payload(messages)
        self.assertEqual(payload["event"], "created")
        self.assertEqual(payload["mo"], production.name)
        self.assertEqual(payload["state"], "draft")
        self.assertEqual(payload["product"]["code"], "SCH-TABLE")
        self.assertEqual(payload["changed_at"], iso(NOW))

    def test_confirmed(self):
        production = self._create_mo()
        self.assertEqual(self._events(production), ["created", "confirmed"])
        confirmed = self._payload(self._outbound(FLOW, production)[-1])
        self.assertEqual(confirmed["state"], "confirmed")

    def test_cancelled(self):
        production = self._create_mo()
        production.action_cancel()
        self.assertEqual(
            self._events(production), ["created", "confirmed", "cancelled"]
        )
        self.assertEqual(
            self._payload(self._outbound(FLOW, production)[-1])["state"], "cancel"
        )

    def test_quantity_changed_through_the_wizard(self):
        production = self._create_mo(qty=1.0)
        wizard = self.env["change.production.qty"].create(
            {"mo_id": production.id, "product_qty": 3.0}
        )
        wizard.change_prod_qty()
        self.assertEqual(
            self._events(production), ["created", "confirmed", "quantity_changed"]
        )
        payload = self._payload(self._outbound(FLOW, production)[-1])
        self.assertEqual(payload["quantity"], 3.0)
        self.assertEqual(payload["previous"], {"quantity": 1.0})

    def test_deadline_changed(self):
        production = self._create_mo()
        deadline = NOW + timedelta(days=9)
        production.date_deadline = deadline
        self.assertEqual(
            self._events(production), ["created", "confirmed", "deadline_changed"]
        )
        payload = self._payload(self._outbound(FLOW, production)[-1])
        self.assertEqual(payload["deadline"], iso(deadline))
        self.assertIn("deadline", payload["previous"])

    def test_planner_without_integration_rights_emits(self):
        """A planner who cannot read connectors still feeds the outbox."""
        production = (
            self.env["mrp.production"]
            .with_user(self.planner)
            .create({"product_id": self.table.id, "bom_id": self.bom.id})
        )
        production.action_confirm()
        self.assertEqual(self._events(production), ["created", "confirmed"])

    def test_other_changes_emit_nothing(self):
        production = self._create_mo()
        production.origin = "SO042"
        production.date_deadline = production.date_deadline  # same value
        self.assertEqual(self._events(production), ["created", "confirmed"])

    def test_applying_a_schedule_emits_nothing(self):
        production = self._create_mo()
        cut = self._wo(production, "Cut")
        message = self._publish(
            self._schedule_payload(
                [self._line(production, "Cut", NOW + timedelta(days=3))],
                generated_at=self._fresh_generated_at(production, cut),
            )
        )
        self.assertEqual(self._schedule_of(message).applied_count, 1)
        self.assertEqual(self._events(production), ["created", "confirmed"])

    def test_inactive_flow_emits_nothing(self):
        self.order_changed_flow.active = False
        production = self._create_mo()
        self.assertFalse(self._outbound(FLOW, production))

    def test_paused_connector_emits_nothing(self):
        self.connector.action_pause()
        production = self._create_mo()
        self.assertFalse(self._outbound(FLOW, production))
