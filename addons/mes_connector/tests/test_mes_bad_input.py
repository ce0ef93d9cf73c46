# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Events Odoo must refuse: the message fails, the planner gets an activity on
the MO, and stock and work orders stay as they were."""

from odoo.tests import tagged

from .common import MesCommon


@tagged("post_install", "-at_install")
class TestMesBadInput(MesCommon):
    def setUp(self):
        super().setUp()
        self.mo = self._mes_create_mo()

    def _assert_refused(self, flow_code, kind, text, **payload):
        before = self._mes_snapshot(self.mo)
        message = self._mes_send(
            [(flow_code, self._mes_payload(self.mo, 1, **payload))]
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_kind, kind)
        self.assertIn(text, message.error_text)
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn(text, activity.note)
        after = self._mes_snapshot(self.mo)
        self.assertEqual(after, before)
        return message

    def test_event_for_a_done_order(self):
        self.mo.button_mark_done()
        self.assertEqual(self.mo.state, "done")
        self._assert_refused(
            "mes.material.consumed",
            "conflict",
            "is done",
            product="C-SCREW",
            quantity=2,
        )

    def test_event_for_a_cancelled_order(self):
        self.mo.action_cancel()
        self._assert_refused(
            "mes.operation.event",
            "conflict",
            "is cancel",
            workorder={"sequence": 1},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
        )

    def test_unknown_work_order(self):
        self._assert_refused(
            "mes.operation.event",
            "validation",
            "no work order with operation 'Painting'",
            workorder={"operation": "Painting"},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
        )

    def test_work_order_sequence_and_name_that_disagree(self):
        cutting = self.mo.workorder_ids.filtered(lambda w: w.name == "Cutting")
        self._assert_refused(
            "mes.operation.event",
            "validation",
            "no work order with sequence",
            workorder={"sequence": cutting.sequence, "operation": "Assembly"},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
        )

    def test_operation_paused_before_started(self):
        self._assert_refused(
            "mes.operation.event",
            "conflict",
            "not allowed on a work order that is 'idle'",
            workorder={"operation": "Cutting"},
            event="paused",
            timestamp="2026-01-05T08:00:00Z",
        )

    def test_operation_on_a_foreign_work_center(self):
        self._assert_refused(
            "mes.operation.event",
            "conflict",
            "not an alternative work center",
            workorder={"operation": "Cutting"},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
            workcenter="MES-ASM",
        )

    def test_operation_event_before_the_running_interval(self):
        self._mes_send(
            [
                (
                    "mes.operation.event",
                    self._mes_payload(
                        self.mo,
                        1,
                        workorder={"operation": "Cutting"},
                        event="started",
                        timestamp="2026-01-05T08:00:00Z",
                    ),
                )
            ]
        )
        before = self._mes_snapshot(self.mo)
        message = self._mes_send(
            [
                (
                    "mes.operation.event",
                    self._mes_payload(
                        self.mo,
                        2,
                        workorder={"operation": "Cutting"},
                        event="paused",
                        timestamp="2026-01-05T07:00:00Z",
                    ),
                )
            ]
        )
        self.assertEqual((message.state, message.error_kind), ("failed", "validation"))
        self.assertIn("before the start of the running time record", message.error_text)
        self.assertEqual(self._mes_snapshot(self.mo), before)

    def test_consumed_lot_that_does_not_exist(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "Lot BOARD-404 of [C-BOARD] MES Board does not exist",
            product="C-BOARD",
            quantity=2,
            lot="BOARD-404",
        )

    def test_consumed_lot_of_another_product(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "Lot PAINT-1 belongs to [C-PAINT] MES Paint",
            product="C-BOARD",
            quantity=2,
            lot="PAINT-1",
        )

    def test_tracked_component_consumed_without_lot(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "tracked by lot or serial number",
            product="C-BOARD",
            quantity=2,
        )

    def test_unknown_component(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "No single product has the reference C-404",
            product="C-404",
            quantity=2,
        )

    def test_consumption_from_a_location_outside_the_order(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "not within WH/Stock",
            product="C-SCREW",
            quantity=2,
            location="Partners/Customers",
        )

    def test_consumption_in_a_foreign_unit(self):
        self._assert_refused(
            "mes.material.consumed",
            "validation",
            "Unit kg is unknown or not convertible",
            product="C-SCREW",
            quantity=2,
            uom="kg",
        )

    def test_scrapped_lot_of_another_product(self):
        self._assert_refused(
            "mes.scrap.reported",
            "validation",
            "belongs to [C-PAINT] MES Paint",
            product="C-BOARD",
            quantity=1,
            lot="PAINT-1",
        )

    def test_scrap_of_a_product_foreign_to_the_order(self):
        self._assert_refused(
            "mes.scrap.reported",
            "validation",
            "neither a component nor the product",
            product="C-PAINT",
            quantity=1,
            lot="PAINT-1",
        )

    def test_finished_lot_that_does_not_exist(self):
        self._assert_refused(
            "mes.production.completed",
            "validation",
            "Lot TABLE-404 of [FG-TABLE] MES Table does not exist",
            quantity=2,
            lot="TABLE-404",
            timestamp="2026-01-05T11:00:00Z",
        )

    def test_finished_lot_of_another_product(self):
        self._assert_refused(
            "mes.production.completed",
            "validation",
            "Lot BOARD-1 belongs to [C-BOARD] MES Board",
            quantity=2,
            lot="BOARD-1",
            timestamp="2026-01-05T11:00:00Z",
        )

    def test_tracked_completion_without_lot(self):
        self._assert_refused(
            "mes.production.completed",
            "validation",
            "must name the finished lot",
            quantity=2,
            timestamp="2026-01-05T11:00:00Z",
        )

    def test_second_finished_lot_on_one_order(self):
        lot_2 = self.env["stock.lot"].create(
            {"name": "TABLE-2", "product_id": self.finished.id}
        )
        self._mes_send(
            [
                (
                    "mes.production.completed",
                    self._mes_payload(
                        self.mo,
                        1,
                        quantity=2,
                        lot="TABLE-1",
                        timestamp="2026-01-05T11:00:00Z",
                    ),
                )
            ]
        )
        message = self._mes_send(
            [
                (
                    "mes.production.completed",
                    self._mes_payload(
                        self.mo,
                        2,
                        quantity=2,
                        lot=lot_2.name,
                        timestamp="2026-01-05T11:00:00Z",
                    ),
                )
            ]
        )
        self.assertEqual((message.state, message.error_kind), ("failed", "conflict"))
        self.assertEqual(
            (self.mo.qty_producing, self.mo.lot_producing_id.name), (2.0, "TABLE-1")
        )

    def test_downtime_on_an_unknown_work_center(self):
        self._assert_refused(
            "mes.downtime.reported",
            "validation",
            "No single work center has the code PRESS",
            workcenter="PRESS",
            start="2026-01-05T09:00:00Z",
            end="2026-01-05T09:30:00Z",
            reason="EQUIPMENT_FAILURE",
        )

    def test_downtime_with_an_unknown_reason(self):
        self._assert_refused(
            "mes.downtime.reported",
            "validation",
            "No loss reason has the MES code ALIENS",
            workcenter="MES-CUT",
            start="2026-01-05T09:00:00Z",
            end="2026-01-05T09:30:00Z",
            reason="ALIENS",
        )

    def test_downtime_that_ends_before_it_starts(self):
        self._assert_refused(
            "mes.downtime.reported",
            "validation",
            "before it starts",
            workcenter="MES-CUT",
            start="2026-01-05T09:00:00Z",
            end="2026-01-05T08:30:00Z",
            reason="SETUP",
        )

    def test_event_for_an_unknown_order(self):
        message = self._mes_send(
            [
                (
                    "mes.material.consumed",
                    {
                        "schema_version": "1.0",
                        "ordering_key": "WH/MO/NOPE",
                        "sequence": 1,
                        "product": "C-SCREW",
                        "quantity": 1,
                    },
                )
            ]
        )
        self.assertEqual((message.state, message.error_kind), ("failed", "validation"))
        self.assertIn(
            "No single manufacturing order is named WH/MO/NOPE", message.error_text
        )
        # no MO to hang it on: the activity goes on the message, for the responsible
        activity = self._mfg_exception_activities(message)
        self.assertEqual(activity.user_id, self.mfg_responsible)

    def test_payload_against_the_schema(self):
        message = self._mes_send(
            [
                (
                    "mes.operation.event",
                    self._mes_payload(
                        self.mo,
                        1,
                        workorder={"operation": "Cutting"},
                        event="exploded",
                        timestamp="2026-01-05T08:00:00Z",
                    ),
                )
            ]
        )
        self.assertEqual((message.state, message.error_kind), ("failed", "validation"))
        self.assertIn("exploded", message.error_text)
        self.assertFalse(self.mo.workorder_ids.time_ids)
