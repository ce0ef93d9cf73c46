# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import QualityCommon

RESULT = "quality.inspection.result"
DISPOSITION = "quality.disposition.decided"


@tagged("post_install", "-at_install")
class TestDisposition(QualityCommon):
    def _fail(self, **vals):
        msg = self._send(RESULT, self._fail_payload(**vals))
        self.assertEqual(msg.state, "done", msg.error_text)
        return self._nc_of_lot()

    def _decide(self, nc, disposition, quantity, **vals):
        payload = {
            "nonconformance": nc.name,
            "disposition": disposition,
            "quantity": quantity,
            "decided_by": "MRB board",
            "decided_at": "2026-03-03T09:00:00Z",
        }
        payload.update(vals)
        return self._send(DISPOSITION, payload)

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

    def test_scrap_alone_keeps_the_hold_until_quarantine_is_empty(self):
        nc = self._fail()
        self._decide(nc, "scrap", 4)
        self._assert_quantities(stock=0, quarantine=6, scrapped=4)
        self.assertTrue(self.lot.mfg_quality_hold)
        self._decide(nc, "scrap", 6)
        self._assert_quantities(stock=0, quarantine=0, scrapped=10)
        self.assertFalse(self.lot.mfg_quality_hold)

    def test_release_then_scrap_closes_and_clears_the_hold(self):
        nc = self._fail()
        self._assert_quantities(stock=0, quarantine=10)
        msg = self._decide(nc, "release", 4)
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=4, quarantine=6)
        self.assertEqual(nc.state, "dispositioned")
        self.assertEqual(nc.quantity_remaining, 6)
        # the release frees the hold: the 4 released are usable at once, the 6
        # left in quarantine stay out of reach of reservations
        self.assertFalse(self.lot.mfg_quality_hold)
        delivery = self._delivery(10)
        self.assertEqual(delivery.move_ids.quantity, 4)
        self.assertEqual(delivery.move_ids.move_line_ids.location_id, self.stock)
        delivery.do_unreserve()
        release = nc.disposition_ids
        self.assertEqual(release.decided_by, "MRB board")
        self.assertEqual(str(release.decided_at), "2026-03-03 09:00:00")
        self.assertEqual(release.picking_ids.state, "done")

        msg = self._decide(nc, "scrap", 6)
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=4, quarantine=0, scrapped=6)
        scrap = nc.disposition_ids.filtered(
            lambda d: d.disposition == "scrap"
        ).scrap_ids
        self.assertEqual(scrap.state, "done")
        self.assertEqual(scrap.location_id, self.quarantine)
        self.assertEqual(nc.state, "closed")
        self.assertFalse(self.lot.mfg_quality_hold)
        states = [
            p["state"] for p in self._outbound("quality.nonconformance.changed", nc)
        ]
        self.assertEqual(states, ["open", "contained", "dispositioned", "closed"])
        last = self._outbound("quality.nonconformance.changed", nc)[-1]
        self.assertEqual(
            [d["disposition"] for d in last["dispositions"]], ["release", "scrap"]
        )
        self.assertEqual(last["quantity_dispositioned"], 10)

    def test_rework_gives_the_planner_an_activity_on_the_mo(self):
        mo = self.env["mrp.production"].create(
            {
                "product_id": self.product.id,
                "product_qty": 10,
                "user_id": self.planner.id,
            }
        )
        nc = self._fail(production=mo.name)
        self.assertEqual(nc.production_id, mo)
        msg = self._decide(nc, "rework", 10)
        self.assertEqual(msg.state, "done", msg.error_text)
        activity = self._activities(mo, self.planner)
        self.assertEqual(len(activity), 1)
        self.assertIn(nc.name, activity.summary)
        self.assertIn(f"mfg.quality.nonconformance/{nc.id}", activity.note)
        self.assertEqual(nc.disposition_ids.activity_user_id, self.planner)
        # the goods stay in quarantine, on hold, until reworked
        self._assert_quantities(stock=0, quarantine=10)
        self.assertTrue(self.lot.mfg_quality_hold)
        self.assertEqual(nc.state, "closed")

    def test_return_to_vendor_gives_the_buyer_an_activity(self):
        po = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.buyer.id,
                "order_line": [
                    Command.create({"product_id": self.product.id, "product_qty": 10})
                ],
            }
        )
        nc = self._fail()
        nc.purchase_id = po  # lot received before the PO existed in this fixture
        msg = self._decide(nc, "return_to_vendor", 3)
        self.assertEqual(msg.state, "done", msg.error_text)
        activity = self._activities(po, self.buyer)
        self.assertEqual(len(activity), 1)
        self.assertIn("Return 3 Units of lot LOT-A", activity.summary)
        self._assert_quantities(stock=0, quarantine=10)
        self.assertEqual(nc.state, "dispositioned")

    def test_same_decision_id_twice_is_applied_once(self):
        nc = self._fail()
        self._decide(nc, "release", 4, disposition_id="D-1")
        msg = self._decide(nc, "release", 4, disposition_id="D-1")
        self.assertEqual(msg.state, "done", msg.error_text)
        self._assert_quantities(stock=4, quarantine=6)
        self.assertEqual(len(nc.disposition_ids), 1)

    # ------------------------------------------------------------ bad input
    def test_bad_disposition_for_a_closed_nonconformance(self):
        nc = self._fail()
        self._decide(nc, "scrap", 10)
        self.assertEqual(nc.state, "closed")
        self._assert_quantities(stock=0, quarantine=0, scrapped=10)
        msg = self._decide(nc, "release", 1)
        self.assertEqual(msg.state, "failed")
        self.assertEqual(msg.error_kind, "conflict")
        self.assertIn(f"Nonconformance {nc.name} is closed", msg.error_text)
        self._assert_quantities(stock=0, quarantine=0, scrapped=10)
        self.assertEqual(len(nc.disposition_ids), 1)

    def test_bad_second_disposition_beyond_the_quantity(self):
        nc = self._fail()
        self._decide(nc, "release", 6)
        self._assert_quantities(stock=6, quarantine=4)
        msg = self._decide(nc, "scrap", 5)
        self.assertEqual(msg.state, "failed")
        self.assertIn("exceeds the 4.0 left to disposition", msg.error_text)
        self._assert_quantities(stock=6, quarantine=4, scrapped=0)
        self.assertEqual(nc.state, "dispositioned")
        self.assertEqual(len(nc.disposition_ids), 1)
        self.assertTrue(self._mfg_exception_activities(nc))

    def test_bad_release_of_more_than_is_in_quarantine(self):
        nc = self._fail()
        # someone moved 3 out of quarantine by hand
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.quarantine, -3, lot_id=self.lot
        )
        msg = self._decide(nc, "release", 10)
        self.assertEqual(msg.state, "failed")
        self.assertIn("10.0 requested but only 7.0 on hand", msg.error_text)
        self._assert_quantities(stock=0, quarantine=7)

    def test_bad_unknown_nonconformance(self):
        self._fail()
        msg = self._send(
            DISPOSITION,
            {"nonconformance": "NC/1999/00001", "disposition": "scrap", "quantity": 1},
        )
        self.assertEqual(msg.state, "failed")
        self.assertIn("Unknown nonconformance NC/1999/00001", msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)

    # ------------------------------------------------------------ from the UI
    def _wizard(self, nc, user, **vals):
        return (
            self.env["mfg.quality.disposition.wizard"]
            .with_user(user)
            .with_context(active_id=nc.id)
            .create(vals)
        )

    def test_planner_records_a_scrap_from_the_nonconformance(self):
        nc = self._fail()
        wizard = self._wizard(nc, self.planner, disposition="scrap")
        self.assertEqual(wizard.quantity, 10, "defaults to what is left")
        wizard.quantity = 2
        wizard.action_confirm()
        self._assert_quantities(stock=0, quarantine=8, scrapped=2)
        self.assertEqual(nc.disposition_ids.user_id, self.planner)
        self.assertEqual(nc.disposition_ids.decided_by, self.planner.name)
        self.assertEqual(nc.state, "dispositioned")

    def test_planner_cannot_disposition_beyond_the_quantity(self):
        nc = self._fail()
        wizard = self._wizard(nc, self.planner, disposition="release", quantity=11)
        with self.assertRaisesRegex(UserError, "exceeds the 10.0 left"):
            wizard.action_confirm()
        self._assert_quantities(stock=0, quarantine=10)

    def test_manual_nonconformance_contained_by_the_planner(self):
        nc = (
            self.env["mfg.quality.nonconformance"]
            .with_user(self.planner)
            .create(
                {"product_id": self.product.id, "lot_id": self.lot.id, "quantity": 3}
            )
        )
        self.assertEqual(nc.source, "manual")
        nc.action_contain()
        self._assert_quantities(stock=7, quarantine=3)
        self.assertTrue(self.lot.mfg_quality_hold)
        self.assertEqual(nc.state, "contained")
        self.assertEqual(nc.quarantine_picking_ids.state, "done")
        wizard = self._wizard(nc, self.planner, disposition="release")
        wizard.action_confirm()
        self._assert_quantities(stock=10, quarantine=0)
        self.assertEqual(nc.state, "closed")
        self.assertFalse(self.lot.mfg_quality_hold)

    def test_manual_nonconformance_cannot_contain_more_than_on_hand(self):
        nc = self.env["mfg.quality.nonconformance"].create(
            {"product_id": self.product.id, "lot_id": self.lot.id, "quantity": 30}
        )
        with self.assertRaisesRegex(UserError, "30.0 requested but only 10.0 on hand"):
            nc.action_contain()
        self._assert_quantities(stock=10, quarantine=0)
        self.assertEqual(nc.state, "open")

    def test_closing_time_is_recorded_and_announced(self):
        # close to the real clock: the engine measures latency from the
        # transaction's own time
        start = fields.Datetime.now().replace(microsecond=0)
        later = start + timedelta(days=2, hours=3)
        with freeze_time(start):
            nc = self._fail()
        self.assertFalse(nc.closed_date)
        decided = (later - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
        with freeze_time(later):
            msg = self._decide(nc, "scrap", 10, decided_at=decided)
        self.assertEqual(msg.state, "done", msg.error_text)
        self.assertEqual(nc.closed_date, later)
        # the decision keeps the QMS's time, in UTC
        self.assertEqual(nc.disposition_ids.decided_at, later - timedelta(hours=2))
        last = self._outbound("quality.nonconformance.changed", nc)[-1]
        self.assertEqual(last["state"], "closed")
        self.assertEqual(last["changed_at"], later.isoformat() + "Z")
        self.assertEqual(
            last["dispositions"][0]["decided_at"],
            (later - timedelta(hours=2)).isoformat() + "Z",
        )
