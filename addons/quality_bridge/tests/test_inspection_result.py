# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QualityCommon

RESULT = "quality.inspection.result"


@tagged("post_install", "-at_install")
class TestInspectionResult(QualityCommon):
    def test_fail_quarantines_the_whole_lot(self):
        self._assert_quantities(stock=10, quarantine=0)
        msg = self._send(RESULT, self._fail_payload())
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        self.assertTrue(self.lot.mfg_quality_hold)
        nc = self._nc_of_lot()
        self.assertEqual(len(nc), 1)
        self.assertRecordValues(
            nc,
            [
                {
                    "source": "inspection",
                    "state": "contained",
                    "quantity": 10.0,
                    "product_id": self.product.id,
                    "severity": "major",
                }
            ],
        )
        self.assertEqual((msg.res_model, msg.res_id), (nc._name, nc.id))
        # a validated internal transfer, stock -> quarantine, with the lot
        transfer = nc.quarantine_picking_ids
        self.assertEqual(transfer.state, "done")
        self.assertEqual(transfer.picking_type_id, self.warehouse.int_type_id)
        self.assertEqual(transfer.move_line_ids.lot_id, self.lot)
        self.assertEqual(transfer.location_dest_id, self.quarantine)
        inspection = nc.inspection_id
        self.assertEqual(inspection.outcome, "quarantined")
        self.assertEqual(
            self.connector._mfg_resolve("mfg.quality.inspection", "INSP-1"), inspection
        )
        self.assertEqual(inspection.inspector, "J. Doe")
        self.assertEqual(inspection.line_ids.mapped("verdict"), ["fail", "pass"])
        # the QMS hears the NC open then get contained
        states = [
            p["state"] for p in self._outbound("quality.nonconformance.changed", nc)
        ]
        self.assertEqual(states, ["open", "contained"])

    def test_fail_with_quantity_moves_only_that_quantity(self):
        msg = self._send(RESULT, self._fail_payload(quantity=4))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4)
        self.assertEqual(self._nc_of_lot().quantity, 4)

    def _delivery(self, qty):
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": self.stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "out",
                            "product_id": self.product.id,
                            "product_uom_qty": qty,
                            "product_uom": self.product.uom_id.id,
                            "location_id": self.stock.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        return picking

    def test_fail_takes_back_what_a_delivery_had_reserved(self):
        picking = self._delivery(3)
        self.assertEqual(picking.move_ids.move_line_ids.lot_id, self.lot)
        msg = self._send(RESULT, self._fail_payload())
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        self.assertFalse(
            picking.move_ids.move_line_ids, "the delivery lost its reservation"
        )
        self.assertEqual(picking.move_ids.state, "confirmed")

    def test_held_lot_is_neither_reserved_nor_shipped(self):
        msg = self._send(RESULT, self._fail_payload(quantity=4))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4)
        picking = self._delivery(2)
        self.assertFalse(picking.move_ids.move_line_ids, "a held lot is never reserved")
        # forcing the held lot by hand is refused at validation
        picking.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "lot_id": self.lot.id,
                            "quantity": 2,
                            "location_id": self.stock.id,
                            "picking_id": picking.id,
                            "location_dest_id": picking.location_dest_id.id,
                        }
                    )
                ]
            }
        )
        picking.move_ids.picked = True
        with self.assertRaisesRegex(UserError, "LOT-A of .* is on quality hold"):
            picking.button_validate()
        self._assert_quantities(stock=6, quarantine=4)

    def test_fail_from_vendor_receipt_gives_the_buyer_an_activity(self):
        po = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.buyer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_qty": 6,
                            "price_unit": 2.0,
                        }
                    )
                ],
            }
        )
        po.button_confirm()
        receipt = po.picking_ids
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "lot_name": "LOT-V1",
                            "quantity": 6,
                            "location_id": receipt.location_id.id,
                            "location_dest_id": self.stock.id,
                            "picking_id": receipt.id,
                        }
                    )
                ]
            }
        )
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        lot = self.env["stock.lot"].search([("name", "=", "LOT-V1")])
        self.assertEqual(self._qty(self.stock, lot), 6)
        msg = self._send(
            RESULT, self._fail_payload(inspection_id="INSP-V1", lot="LOT-V1")
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(self._qty(self.stock, lot), 0)
        self.assertEqual(self._qty(self.quarantine, lot), 6)
        nc = self._nc_of_lot(lot)
        self.assertEqual(nc.purchase_id, po)
        self.assertEqual(nc.partner_id, self.vendor)
        self.assertEqual(nc.picking_id, receipt)
        activity = self._activities(po, self.buyer)
        self.assertEqual(len(activity), 1)
        self.assertIn("LOT-V1", activity.summary)

    def test_fail_naming_equipment_opens_a_maintenance_request(self):
        msg = self._send(
            RESULT,
            self._fail_payload(
                cause={"equipment": "QB-SN-PRESS-1", "description": "Worn die"}
            ),
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        nc = self._nc_of_lot()
        request = nc.maintenance_request_id
        self.assertEqual(request.equipment_id, self.equipment)
        self.assertEqual(request.maintenance_type, "corrective")
        self.assertEqual(request.mfg_nonconformance_id, nc)
        self.assertIn("Worn die", request.description)
        self.assertEqual(nc.equipment_id, self.equipment)

    def test_fail_naming_work_center_uses_its_equipment(self):
        msg = self._send(RESULT, self._fail_payload(cause={"workcenter": "WC-PRESS"}))
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(
            self._nc_of_lot().maintenance_request_id.equipment_id, self.equipment
        )

    def test_pass_on_held_lot_releases_it(self):
        self._send(RESULT, self._fail_payload())
        self._assert_quantities(stock=0, quarantine=10)
        msg = self._send(
            RESULT,
            self._fail_payload(
                inspection_id="INSP-2", verdict="pass", characteristics=[]
            ),
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)
        nc = self._nc_of_lot()
        self.assertEqual(nc.state, "closed")
        self.assertEqual(nc.disposition_ids.disposition, "release")
        self.assertEqual(nc.disposition_ids.quantity, 10)
        inspection = self.env["mfg.quality.inspection"].search(
            [("name", "=", "INSP-2")]
        )
        self.assertEqual(inspection.outcome, "released")
        self.assertEqual(inspection.transfer_ids.location_dest_id, self.stock)

    def test_same_inspection_twice_moves_once(self):
        self._send(RESULT, self._fail_payload(quantity=4))
        msg = self._send(RESULT, self._fail_payload(quantity=4))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4)
        self.assertEqual(len(self._nc_of_lot()), 1)

    def test_same_inspection_with_another_verdict_is_a_conflict(self):
        self._send(RESULT, self._fail_payload(quantity=4))
        msg = self._send(RESULT, self._fail_payload(verdict="pass"))
        self.assertEqual(msg.state, "failed")
        self.assertEqual(msg.error_kind, "conflict")
        self.assertIn("already applied with verdict fail", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4)

    def test_declared_pass_out_of_limits_is_noted(self):
        msg = self._send(RESULT, self._fail_payload(verdict="pass"))
        self.assertEqual(msg.state, "done", msg.error_text)
        inspection = self.env["mfg.quality.inspection"].search(
            [("name", "=", "INSP-1")]
        )
        self.assertIn("Bore diameter", inspection.note)

    def test_results_of_one_lot_are_applied_in_sequence(self):
        fail = self._fail_payload(ordering_key="LOT-A", sequence=1)
        release = self._fail_payload(
            inspection_id="INSP-2", verdict="pass", ordering_key="LOT-A", sequence=2
        )
        # the pass arrives first: parked until the fail is applied
        early = self._send(RESULT, release)
        self.assertEqual(early.state, "parked")
        self._assert_quantities(stock=10, quarantine=0)
        msg = self._send(RESULT, fail)
        self.assertEqual(msg.state, "done", msg.error_text)
        early.invalidate_recordset()
        self.assertEqual(early.state, "done", early.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)
        self.assertEqual(self._nc_of_lot().state, "closed")

    def test_fail_with_nothing_on_hand_holds_and_a_pass_frees(self):
        empty = self.env["stock.lot"].create(
            {"name": "LOT-E", "product_id": self.product.id}
        )
        msg = self._send(RESULT, self._fail_payload(lot="LOT-E"))
        self.assertEqual(msg.state, "done", msg.error_text)
        nc = self._nc_of_lot(empty)
        self.assertRecordValues(nc, [{"state": "open", "quantity": 0.0}])
        self.assertTrue(empty.mfg_quality_hold)
        self.assertEqual(nc.inspection_id.outcome, "held")
        msg = self._send(
            RESULT,
            self._fail_payload(inspection_id="INSP-2", lot="LOT-E", verdict="pass"),
        )
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(nc.state, "closed")
        self.assertFalse(empty.mfg_quality_hold)
        self._assert_quantities(stock=10, quarantine=0)

    def test_new_warehouse_gets_a_quarantine_outside_its_stock(self):
        warehouse = self.env["stock.warehouse"].create(
            {"name": "Plant 2", "code": "PL2"}
        )
        quarantine = warehouse.mfg_quarantine_location_id
        self.assertTrue(quarantine.mfg_quarantine)
        self.assertEqual(quarantine.usage, "internal")
        self.assertEqual(quarantine.location_id, warehouse.view_location_id)
        self.assertEqual(quarantine.warehouse_id, warehouse)
        self.assertFalse(
            self.env["stock.location"].search_count(
                [
                    ("id", "=", quarantine.id),
                    ("id", "child_of", warehouse.lot_stock_id.id),
                ]
            )
        )
        self.assertEqual(self.quarantine.location_id, self.warehouse.view_location_id)

    # ------------------------------------------------------------ bad input
    def test_bad_unknown_lot(self):
        msg = self._send(RESULT, self._fail_payload(lot="LOT-NOPE"))
        self.assertEqual(msg.state, "failed")
        self.assertEqual(msg.error_kind, "validation")
        self.assertIn("Unknown lot LOT-NOPE", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.env["mfg.quality.inspection"].search([]))
        self.assertTrue(self._mfg_exception_activities(self.product.product_tmpl_id))

    def test_bad_lot_of_another_product(self):
        msg = self._send(RESULT, self._fail_payload(lot="LOT-H"))
        self.assertEqual(msg.state, "failed")
        self.assertIn("Lot LOT-H belongs to product", msg.error_text)
        self.assertIn("Hinge", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertEqual(self._qty(self.stock, self.other_lot), 5)
        self.assertEqual(self._qty(self.quarantine, self.other_lot), 0)
        self.assertFalse(self.other_lot.mfg_quality_hold)

    def test_bad_quantity_larger_than_on_hand(self):
        msg = self._send(RESULT, self._fail_payload(quantity=12))
        self.assertEqual(msg.state, "failed")
        self.assertIn("12.0 requested but only 10.0 on hand", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)
        self.assertFalse(self._nc_of_lot())
        self.assertFalse(
            self.env["stock.picking"].search(
                [("location_dest_id", "=", self.quarantine.id)]
            )
        )

    def test_bad_quantity_split_over_locations_is_never_half_moved(self):
        shelf = self.env["stock.location"].create(
            {"name": "Shelf", "location_id": self.stock.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, shelf, 3.0, lot_id=self.lot
        )
        msg = self._send(RESULT, self._fail_payload(quantity=14))
        self.assertEqual(msg.state, "failed")
        self.assertIn("14.0 requested but only 13.0 on hand", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertEqual(self._qty(shelf), 3)
        # with 13, both shelves are emptied
        msg = self._send(RESULT, self._fail_payload(quantity=13))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=0, quarantine=13)
        self.assertEqual(self._qty(shelf), 0)

    def test_bad_pass_for_lot_not_on_hold_is_accepted_without_move(self):
        msg = self._send(RESULT, self._fail_payload(verdict="pass", characteristics=[]))
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        inspection = self.env["mfg.quality.inspection"].search(
            [("name", "=", "INSP-1")]
        )
        self.assertEqual(inspection.outcome, "accepted")
        self.assertFalse(inspection.transfer_ids)
        self.assertFalse(
            self.env["stock.picking"].search([("location_id", "=", self.quarantine.id)])
        )
        self.assertFalse(self._nc_of_lot())

    def test_bad_unknown_equipment(self):
        msg = self._send(RESULT, self._fail_payload(cause={"equipment": "Press 99"}))
        self.assertEqual(msg.state, "failed")
        self.assertIn("Unknown equipment Press 99", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
        self.assertFalse(self.lot.mfg_quality_hold)
        self.assertFalse(self._nc_of_lot())
        self.assertFalse(
            self.env["maintenance.request"].search(
                [("equipment_id", "=", self.equipment.id)]
            )
        )

    def test_bad_unknown_product(self):
        msg = self._send(RESULT, self._fail_payload(product="QB-NOPE"))
        self.assertEqual(msg.state, "failed")
        self.assertIn("Unknown product QB-NOPE", msg.error_text)
        self._assert_quantities(stock=10, quarantine=0)
