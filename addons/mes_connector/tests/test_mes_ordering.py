# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exactly once and in order: duplicates, gaps, and scrambled streams."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import MesCommon
from .mes_streams import order_stream, shuffled_with_duplicates


@tagged("post_install", "-at_install")
class TestMesOrdering(MesCommon):
    def setUp(self):
        super().setUp()
        self.mo = self._mes_create_mo()

    def _consume(self, seq, qty=3):
        return (
            "mes.material.consumed",
            self._mes_payload(
                self.mo, seq, product="C-BOARD", quantity=qty, lot="BOARD-1"
            ),
        )

    def test_resent_consumption_changes_nothing(self):
        first = self._mes_send([self._consume(1)])
        again = self._mes_send([self._consume(1)])
        self.assertEqual((first.state, again.state), ("done", "duplicate"))
        move = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_lot)
        self.assertEqual((move.quantity, move.mes_consumed_qty), (3.0, 3.0))

    def test_resent_scrap_changes_nothing(self):
        scrap = (
            "mes.scrap.reported",
            self._mes_payload(self.mo, 1, product="C-SCREW", quantity=2),
        )
        messages = self._mes_send([scrap, scrap])
        self.assertEqual(sorted(messages.mapped("state")), ["done", "duplicate"])
        self.assertEqual(len(self.mo.scrap_ids), 1)
        self.assertEqual(
            self._mes_quants()[("C-SCREW", "", self.stock.complete_name)], 198
        )

    def test_event_ahead_of_a_gap_waits_then_applies(self):
        second = self._mes_send([self._consume(2, qty=1)])
        self.assertEqual(second.state, "parked")
        move = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_lot)
        self.assertFalse(move.picked)
        first = self._mes_send([self._consume(1, qty=2)])
        second.invalidate_recordset()
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertEqual(move.mes_consumed_qty, 3.0)

    def test_gap_left_open_becomes_an_exception_on_the_mo(self):
        parked = self._mes_send([self._consume(2)])
        self.assertEqual(parked.state, "parked")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=31)):
            self.env["mfg.sync.message"]._mfg_expire_gaps()
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn("waits", activity.note)
        # the missing event arrives: both applied, the exception closes itself
        self._mes_send([self._consume(1)])
        parked.invalidate_recordset()
        self.assertEqual(parked.state, "done")
        self.assertFalse(self._mfg_exception_activities(self.mo))

    def test_copy_of_a_parked_event_is_a_duplicate_once_applied(self):
        messages = self._mes_send([self._consume(2), self._consume(2)])
        self.assertEqual(messages.mapped("state"), ["parked", "parked"])
        self._mes_send([self._consume(1)])
        messages.invalidate_recordset()
        self.assertEqual(sorted(messages.mapped("state")), ["done", "duplicate"])
        move = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_lot)
        self.assertEqual(move.mes_consumed_qty, 6.0)

    def test_shuffled_duplicated_stream_ends_like_the_ordered_one(self):
        self.connector.mes_auto_done = True
        events = order_stream(self.mo.name)
        with self.env.cr.savepoint() as savepoint:
            ordered = self._mes_send(events)
            self.assertEqual(
                set(ordered.mapped("state")), {"done"}, ordered.mapped("error_text")
            )
            expected = self._mes_snapshot(self.mo)
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertEqual(self.mo.state, "confirmed")
        scrambled = self._mes_send(shuffled_with_duplicates(events))
        states = scrambled.mapped("state")
        self.assertEqual(
            (states.count("done"), states.count("duplicate")), (len(events), 5)
        )
        self.assertEqual(self._mes_snapshot(self.mo), expected)
        # and the end state is the one the shop floor reported
        self.assertEqual(expected["state"], "done")
        self.assertEqual(
            expected["quants"][("FG-TABLE", "TABLE-1", self.stock.complete_name)], 5
        )
        cutting = expected["workorders"][0]
        self.assertEqual((cutting["duration"], cutting["state"]), (40.0, "done"))

    def test_scraps_applied_in_one_batch_keep_their_quantities(self):
        # One drain applies both in one savepoint: Odoo's scrap quantity,
        # recomputed for several scraps at once, kept 1 for all but the first.
        other = self._mes_create_mo()
        scraps = [
            (
                "mes.scrap.reported",
                self._mes_payload(production, 1, product="C-SCREW", quantity=2),
            )
            for production in (self.mo, other)
        ]
        messages = self._mes_send(scraps)
        self.assertEqual(messages.mapped("state"), ["done", "done"])
        self.assertEqual((self.mo | other).scrap_ids.mapped("scrap_qty"), [2.0, 2.0])
        self.assertEqual(
            self._mes_quants()[("C-SCREW", "", self.stock.complete_name)], 196
        )

    def test_a_drain_ending_wakes_up_for_the_keys_events_of_other_flows(self):
        # The look a drain takes after its commit (is anything due that no
        # drain holds?) counts what its flow's drain would take: a key's event
        # waiting in another MES flow too. It looked at its own flow only, so
        # the MO's next event waited for the one-minute dispatch cron.
        scrap = self._mfg_receive(
            self.connector,
            "mes.scrap.reported",
            self._mes_payload(self.mo, 1, product="C-SCREW", quantity=2),
        )
        consumed_flow = self.connector.flow_ids.filtered(
            lambda f: f.code == "mes.material.consumed"
        )
        jobs = self.env["queue.job"].search(
            [("identity_key", "=like", f"mfg.flow._mfg_drain:{scrap.flow_id.id}%")]
        )
        jobs.unlink()  # the drain of the scrap's flow ran and ended
        consumed_flow._mfg_drain_if_due()
        self.assertTrue(consumed_flow._mfg_drain_pending())
        consumed_flow._mfg_drain()
        scrap.invalidate_recordset()
        self.assertEqual(scrap.state, "done")
        self.assertEqual(self.mo.scrap_ids.scrap_qty, 2.0)

    def test_one_drain_applies_a_keys_events_of_every_flow_in_sequence(self):
        # An MO's events span the MES flows: the drain of one of them applies
        # the key's events of the others too, in sequence, instead of parking
        # a successor whose predecessor waits in another flow's queue.
        scrap = self._mfg_receive(
            self.connector,
            "mes.scrap.reported",
            self._mes_payload(self.mo, 1, product="C-SCREW", quantity=2),
        )
        consumed = self._mfg_receive(self.connector, *self._consume(2, qty=1))
        self.assertEqual((scrap + consumed).mapped("state"), ["queued", "queued"])
        self.assertNotEqual(scrap.flow_id, consumed.flow_id)
        consumed.flow_id._mfg_drain()
        (scrap + consumed).invalidate_recordset()
        self.assertEqual((scrap.state, consumed.state), ("done", "done"))
        self.assertFalse(consumed.parked_at)
        self.assertEqual(self.mo.scrap_ids.scrap_qty, 2.0)
        move = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_lot)
        self.assertEqual(move.mes_consumed_qty, 1.0)
