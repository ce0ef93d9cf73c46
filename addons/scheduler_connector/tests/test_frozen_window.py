# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The frozen window reads the MO's own start when its work orders have none
(#12 item 5): a confirmed MO due in 5 hours is frozen, planned or not."""

from datetime import timedelta

from freezegun import freeze_time

from .common import NOW, SchedulerCommon


class TestFrozenWindowUnplannedWorkorders(SchedulerCommon):
    def setUp(self):
        super().setUp()
        patcher = freeze_time(NOW)
        patcher.start()
        self.addCleanup(patcher.stop)
        # confirmed to start in 5 hours; the window is 24 hours
        self.mo = self._create_mo(date_start=NOW + timedelta(hours=5))
        self.mo.workorder_ids.filtered("date_start").with_context(
            bypass_duration_calculation=True
        ).write({"date_start": False, "date_finished": False})
        self.assertFalse(any(self.mo.workorder_ids.mapped("date_start")))
        self.assertEqual(self.mo.date_start, NOW + timedelta(hours=5))

    def test_snapshot_says_the_order_and_its_work_orders_are_frozen(self):
        snapshot = self.connector._scheduler_build_snapshot(now=NOW)
        order = next(o for o in snapshot["orders"] if o["mo"] == self.mo.name)
        self.assertTrue(order["frozen"])
        self.assertEqual(
            [(w["ref"], w["frozen"]) for w in order["work_orders"]],
            [("Cut", True), ("Paint", True)],
        )

    def test_published_schedule_cannot_move_it_and_the_planner_is_told(self):
        later = NOW + timedelta(days=3)
        payload = self._schedule_payload(
            [self._line(self.mo, "Cut", later), self._line(self.mo, "Paint", later)],
            generated_at=self._fresh_generated_at(self.mo, *self.mo.workorder_ids),
        )
        message = self._publish(payload)
        self.assertEqual(message.state, "done", message.error_text)
        schedule = self._schedule_of(message)
        self.assertEqual(
            schedule.line_ids.mapped("outcome"), ["refused_frozen", "refused_frozen"]
        )
        self.assertFalse(any(self.mo.workorder_ids.mapped("date_start")))
        self.assertEqual(self.mo.date_start, NOW + timedelta(hours=5))
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn("frozen window", activity.note)
