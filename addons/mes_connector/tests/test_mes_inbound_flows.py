# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each inbound MES flow through the queue, applied to a real MO."""

from datetime import datetime

from odoo.tests import tagged

from .common import MesCommon


@tagged("post_install", "-at_install")
class TestMesInboundFlows(MesCommon):
    def setUp(self):
        super().setUp()
        self.mo = self._mes_create_mo()
        self.cutting = self.mo.workorder_ids.filtered(lambda w: w.name == "Cutting")
        self.assembly = self.mo.workorder_ids.filtered(lambda w: w.name == "Assembly")

    def _op(self, seq, event, ts, **kw):
        return (
            "mes.operation.event",
            self._mes_payload(
                self.mo,
                seq,
                workorder={"operation": "Cutting"},
                event=event,
                timestamp=ts,
                **kw,
            ),
        )

    def test_operation_events_use_the_events_own_times(self):
        messages = self._mes_send(
            [
                self._op(1, "started", "2026-01-05T08:00:00Z", operator="ann"),
                self._op(2, "paused", "2026-01-05T08:10:00Z"),
                self._op(3, "resumed", "2026-01-05T08:20:00+00:00"),
                self._op(4, "finished", "2026-01-05T09:35:00+01:00"),
            ]
        )
        self.assertEqual(
            messages.mapped("state"), ["done"] * 4, messages.mapped("error_text")
        )
        cutting = self.cutting
        self.assertEqual(cutting.state, "done")
        self.assertEqual(cutting.mes_operation_state, "finished")
        self.assertEqual(cutting.date_start, datetime(2026, 1, 5, 8, 0))
        self.assertEqual(cutting.date_finished, datetime(2026, 1, 5, 8, 35))
        times = cutting.time_ids.sorted("date_start")
        self.assertEqual(
            [(t.date_start, t.date_end) for t in times],
            [
                (datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 5, 8, 10)),
                (datetime(2026, 1, 5, 8, 20), datetime(2026, 1, 5, 8, 35)),
            ],
        )
        self.assertEqual(cutting.duration, 25.0)
        self.assertTrue(all(t.mes_tracked for t in times))
        self.assertIn("ann", times[0].description)
        self.assertEqual(self.assembly.state, "ready")
        self.assertEqual(self.mo.mes_release_state, "in_progress")
        self.assertEqual(messages[0].res_id, self.mo.id)

    def test_time_beyond_expected_becomes_performance_loss(self):
        # Cutting: 6 min per unit x 5 = 30 min expected; the MES ran it 45 min
        self.assertEqual(self.cutting.duration_expected, 30.0)
        messages = self._mes_send(
            [
                self._op(1, "started", "2026-01-05T08:00:00Z"),
                self._op(2, "finished", "2026-01-05T08:45:00Z"),
            ]
        )
        self.assertEqual(messages.mapped("state"), ["done", "done"])
        times = self.cutting.time_ids.sorted("date_start")
        self.assertEqual(
            [(t.date_start, t.date_end, t.loss_type) for t in times],
            [
                (datetime(2026, 1, 5, 8, 0), datetime(2026, 1, 5, 8, 30), "productive"),
                (
                    datetime(2026, 1, 5, 8, 30),
                    datetime(2026, 1, 5, 8, 45),
                    "performance",
                ),
            ],
        )
        self.assertEqual(self.cutting.duration, 45.0)

    def test_operation_on_alternative_work_center(self):
        wc_alt = self.env["mrp.workcenter"].create(
            {"name": "MES Cutting 2", "code": "CUT2"}
        )
        self.wc_cut.alternative_workcenter_ids = wc_alt
        messages = self._mes_send(
            [self._op(1, "started", "2026-01-05T08:00:00Z", workcenter="CUT2")]
        )
        self.assertEqual(messages.state, "done", messages.error_text)
        self.assertEqual(self.cutting.workcenter_id, wc_alt)
        self.assertEqual(self.cutting.time_ids.workcenter_id, wc_alt)

    def _consume(self, seq, product, qty, **kw):
        return (
            "mes.material.consumed",
            self._mes_payload(self.mo, seq, product=product, quantity=qty, **kw),
        )

    def _move(self, product):
        return self.mo.move_raw_ids.filtered(lambda m: m.product_id == product)

    def test_consumption_of_lots_replaces_the_reservation(self):
        messages = self._mes_send(
            [
                self._consume(1, "C-BOARD", 3, lot="BOARD-2", location="SHELF-MES"),
                self._consume(2, "C-BOARD", 1, lot="BOARD-2"),
                self._consume(
                    3, "C-BOARD", 1, lot="BOARD-1", location="WH/Stock/Shelf MES"
                ),
            ]
        )
        self.assertEqual(
            messages.mapped("state"), ["done"] * 3, messages.mapped("error_text")
        )
        move = self._move(self.comp_lot)
        self.assertTrue(move.picked)
        self.assertEqual(move.quantity, 5.0)
        self.assertEqual(move.mes_consumed_qty, 5.0)
        self.assertEqual(
            sorted(
                (ml.lot_id.name, ml.location_id, ml.quantity, ml.picked)
                for ml in move.move_line_ids
            ),
            [("BOARD-1", self.shelf, 1.0, True), ("BOARD-2", self.shelf, 4.0, True)],
        )
        # untouched component keeps Odoo's reservation
        self.assertFalse(self._move(self.comp_plain).picked)
        # stock moves only when the MO is done
        self.assertEqual(
            self._mes_quants()[("C-BOARD", "BOARD-2", self.shelf.complete_name)], 30
        )

    def test_consumption_unit_conversion_and_over_consumption_note(self):
        # 4 screws per table x 5 = 20 planned; the MES reports 2 dozens = 24
        messages = self._mes_send([self._consume(1, "C-SCREW", 2, uom="Dozens")])
        self.assertEqual(messages.state, "done", messages.error_text)
        move = self._move(self.comp_plain)
        self.assertEqual(move.quantity, 24.0)
        self.assertEqual(move.move_line_ids.location_id, self.stock)
        notes = self.mo.message_ids.filtered(
            lambda m: "over-consumption" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn(
            "MES Screw: 24.0 consumed, 20.0 planned (over)",
            self.mo.mes_consumption_deviation,
        )

    def test_consumption_of_a_component_off_the_bom(self):
        self.env["stock.quant"]._update_available_quantity(
            self.other, self.stock, 5, lot_id=self.lot_paint
        )
        messages = self._mes_send([self._consume(1, "C-PAINT", 2, lot="PAINT-1")])
        self.assertEqual(messages.state, "done", messages.error_text)
        move = self._move(self.other)
        self.assertEqual(
            (move.product_uom_qty, move.quantity, move.state), (0.0, 2.0, "assigned")
        )
        self.assertTrue(
            self.mo.message_ids.filtered(lambda m: "did not plan" in m.body)
        )

    def test_scrap_reported_becomes_a_done_scrap(self):
        messages = self._mes_send(
            [
                (
                    "mes.scrap.reported",
                    self._mes_payload(
                        self.mo,
                        1,
                        product="C-BOARD",
                        quantity=2,
                        lot="BOARD-1",
                        reason="Cracked",
                        workorder={"sequence": self.cutting.sequence},
                    ),
                )
            ]
        )
        self.assertEqual(messages.state, "done", messages.error_text)
        scrap = self.mo.scrap_ids
        self.assertEqual(
            (scrap.state, scrap.scrap_qty, scrap.lot_id), ("done", 2.0, self.lot_board)
        )
        self.assertEqual(scrap.workorder_id, self.cutting)
        self.assertIn("Cracked", scrap.origin)
        quants = self._mes_quants()
        self.assertEqual(quants[("C-BOARD", "BOARD-1", self.shelf.complete_name)], 28)
        self.assertEqual(
            quants[("C-BOARD", "BOARD-1", scrap.scrap_location_id.complete_name)], 2
        )

    def _complete(self, seq, qty, **kw):
        kw.setdefault("timestamp", "2026-01-05T11:00:00Z")
        return (
            "mes.production.completed",
            self._mes_payload(self.mo, seq, quantity=qty, **kw),
        )

    def test_completion_records_production_without_closing(self):
        messages = self._mes_send(
            [self._complete(1, 2, lot="TABLE-1"), self._complete(2, 3)]
        )
        self.assertEqual(
            messages.mapped("state"), ["done", "done"], messages.mapped("error_text")
        )
        self.assertEqual(self.mo.qty_producing, 5.0)
        self.assertEqual(self.mo.lot_producing_id, self.lot_table)
        self.assertEqual(self.mo.state, "progress")
        # components not reported by the MES follow the BoM
        self.assertEqual(self._move(self.comp_plain).quantity, 20.0)
        self.assertNotIn(
            ("FG-TABLE", "TABLE-1", self.stock.complete_name), self._mes_quants()
        )

    def test_completion_closes_the_order_when_the_connector_says_so(self):
        self.connector.mes_auto_done = True
        messages = self._mes_send(
            [
                self._consume(1, "C-BOARD", 5, lot="BOARD-1"),
                self._complete(2, 5, lot="TABLE-1", timestamp="2026-01-05T12:30:00Z"),
            ]
        )
        self.assertEqual(
            messages.mapped("state"), ["done", "done"], messages.mapped("error_text")
        )
        self.assertEqual(self.mo.state, "done")
        self.assertEqual(self.mo.mes_release_state, "done")
        self.assertEqual(self.mo.date_finished, datetime(2026, 1, 5, 12, 30))
        quants = self._mes_quants()
        self.assertEqual(quants[("FG-TABLE", "TABLE-1", self.stock.complete_name)], 5)
        self.assertEqual(quants[("C-BOARD", "BOARD-1", self.shelf.complete_name)], 25)
        self.assertEqual(quants[("C-SCREW", "", self.stock.complete_name)], 180)

    def test_short_final_completion_creates_a_backorder(self):
        self.connector.mes_auto_done = True
        self.mo.picking_type_id.create_backorder = "ask"
        messages = self._mes_send([self._complete(1, 3, lot="TABLE-1", final=True)])
        self.assertEqual(messages.state, "done", messages.error_text)
        self.assertEqual((self.mo.state, self.mo.qty_produced), ("done", 3.0))
        backorder = self.mo.procurement_group_id.mrp_production_ids - self.mo
        self.assertEqual(len(backorder), 1)
        self.assertEqual((backorder.product_qty, backorder.state), (2.0, "confirmed"))
        self.assertEqual(
            self._mes_quants()[("FG-TABLE", "TABLE-1", self.stock.complete_name)], 3
        )

    def test_short_final_completion_closes_without_backorder_when_told(self):
        self.connector.write({"mes_auto_done": True, "mes_backorder_policy": "close"})
        self.mo.picking_type_id.create_backorder = "ask"
        messages = self._mes_send([self._complete(1, 3, lot="TABLE-1", final=True)])
        self.assertEqual(messages.state, "done", messages.error_text)
        self.assertEqual(self.mo.state, "done")
        self.assertFalse(self.mo.procurement_group_id.mrp_production_ids - self.mo)

    def test_strict_consumption_keeps_the_order_open_for_the_planner(self):
        self.connector.mes_auto_done = True
        self.mo.consumption = "strict"
        messages = self._mes_send(
            [self._consume(1, "C-SCREW", 30), self._complete(2, 5, lot="TABLE-1")]
        )
        self.assertEqual(
            messages.mapped("state"), ["done", "done"], messages.mapped("error_text")
        )
        self.assertEqual(self.mo.state, "progress")
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn("strict", activity.note)

    def test_downtime_becomes_a_productivity_loss(self):
        messages = self._mes_send(
            [
                (
                    "mes.downtime.reported",
                    self._mes_payload(
                        self.mo,
                        1,
                        workcenter="MES-ASM",
                        start="2026-01-05T09:00:00Z",
                        end="2026-01-05T09:40:00Z",
                        reason="EQUIPMENT_FAILURE",
                        operator="bob",
                        workorder={"operation": "Assembly"},
                    ),
                )
            ]
        )
        self.assertEqual(messages.state, "done", messages.error_text)
        loss = self.env["mrp.workcenter.productivity"].search(
            [("workcenter_id", "=", self.wc_asm.id)]
        )
        self.assertEqual(len(loss), 1)
        self.assertEqual(loss.loss_id, self.env.ref("mrp.block_reason1"))
        self.assertEqual(
            (loss.date_start, loss.date_end),
            (datetime(2026, 1, 5, 9, 0), datetime(2026, 1, 5, 9, 40)),
        )
        self.assertEqual(loss.loss_type, "availability")
        self.assertIn("bob", loss.description)
        # downtime is not working time of the work order
        self.assertFalse(self.assembly.time_ids)
