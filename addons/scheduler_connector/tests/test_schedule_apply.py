# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Published schedules through the queue: one test per apply rule."""

from datetime import timedelta

from freezegun import freeze_time
from lxml import etree

from .common import NOW, SchedulerCommon


class TestScheduleApply(SchedulerCommon):
    def setUp(self):
        super().setUp()
        patcher = freeze_time(NOW)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.mo = self._create_mo()
        self.cut = self._wo(self.mo, "Cut")
        self.paint = self._wo(self.mo, "Paint")
        self._plan(self.cut, NOW + timedelta(days=2))
        self._plan(self.paint, NOW + timedelta(days=2, hours=2))

    def _publish_lines(self, lines, **kw):
        kw.setdefault(
            "generated_at", self._fresh_generated_at(self.mo, self.cut, self.paint)
        )
        message = self._publish(self._schedule_payload(lines, **kw))
        self.assertEqual(message.state, "done", message.error_text)
        return message, self._schedule_of(message)

    def _assert_unmoved(self, workorder, start, hours=1.0):
        self.assertEqual(workorder.date_start, start)
        self.assertEqual(workorder.date_finished, start + timedelta(hours=hours))

    # ------------------------------------------------------------ applied
    def test_applied_moves_workorders_and_mo_follows(self):
        cut_start = NOW + timedelta(days=3, hours=1)
        paint_start = NOW + timedelta(days=4)
        message, schedule = self._publish_lines(
            [
                self._line(self.mo, "Cut", cut_start, hours=2),
                self._line(self.mo, "Paint", paint_start, hours=1.5),
            ]
        )
        self.assertEqual(self.cut.date_start, cut_start)
        self.assertEqual(self.cut.date_finished, cut_start + timedelta(hours=2))
        self.assertEqual(self.paint.date_start, paint_start)
        self.assertEqual(self.paint.date_finished, paint_start + timedelta(hours=1.5))
        # the MO's dates follow its work orders, and they stay planned
        self.assertEqual(self.mo.date_start, cut_start)
        self.assertEqual(self.mo.date_finished, paint_start + timedelta(hours=1.5))
        self.assertTrue(self.mo.is_planned)
        self.assertEqual(schedule.state, "applied")
        self.assertEqual((schedule.applied_count, schedule.refused_count), (2, 0))
        self.assertEqual(schedule.line_ids.mapped("outcome"), ["applied", "applied"])
        self.assertEqual(schedule.line_ids.workorder_id, self.cut | self.paint)
        self.assertEqual(message.record_ref, schedule)
        self.assertFalse(self._mfg_exception_activities(self.mo))

    def test_alternative_workcenter_applied(self):
        start = NOW + timedelta(days=3)
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", start, workcenter="SCH-ASM2")]
        )
        self.assertEqual(schedule.line_ids.outcome, "applied")
        self.assertEqual(self.cut.workcenter_id, self.wc_asm2)
        self.assertEqual(self.cut.date_start, start)
        self.assertEqual(self.cut.leave_id.resource_id, self.wc_asm2.resource_id)

    def test_unchanged_line_is_not_a_conflict(self):
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=2), workcenter="SCH-ASM")]
        )
        self.assertEqual(schedule.line_ids.outcome, "unchanged")
        self.assertEqual(schedule.state, "applied")

    # ------------------------------------------------------------ ignored
    def test_done_workorder_ignored(self):
        self.cut.button_start()
        self.cut.button_finish()
        self.assertEqual(self.cut.state, "done")
        done_start, done_end = self.cut.date_start, self.cut.date_finished
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=5))],
            generated_at=self._fresh_generated_at(self.mo, self.cut),
        )
        line = schedule.line_ids
        self.assertEqual(line.outcome, "ignored_closed")
        self.assertEqual(schedule.ignored_count, 1)
        self.assertEqual(
            (self.cut.date_start, self.cut.date_finished), (done_start, done_end)
        )
        self.assertFalse(self._mfg_exception_activities(self.mo))

    def test_cancelled_mo_ignored(self):
        self.mo.action_cancel()
        self.assertEqual(self.mo.state, "cancel")
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Paint", NOW + timedelta(days=5))],
            generated_at=self._fresh_generated_at(self.mo, self.paint),
        )
        self.assertEqual(schedule.line_ids.outcome, "ignored_closed")
        self.assertEqual(schedule.refused_count, 0)

    # ------------------------------------------------------------ refused
    def test_started_workorder_never_moved(self):
        self.cut.button_start()
        self.assertEqual(self.cut.state, "progress")
        started_at = self.cut.date_start
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=5))],
            generated_at=self._fresh_generated_at(self.mo, self.cut),
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_started")
        self.assertEqual(schedule.state, "refused")
        self.assertEqual(self.cut.date_start, started_at)
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.planner)
        self.assertIn("Cut", activity.note)
        self.assertIn("started", activity.note)

    def test_partly_done_workorder_never_moved(self):
        # time logged yesterday, then paused: not in progress, but started
        self.env["mrp.workcenter.productivity"].create(
            {
                "workorder_id": self.cut.id,
                "workcenter_id": self.wc_asm.id,
                "loss_id": self.env.ref("mrp.block_reason7").id,
                "date_start": NOW - timedelta(days=1, hours=2),
                "date_end": NOW - timedelta(days=1),
            }
        )
        self.assertNotEqual(self.cut.state, "progress")
        self.assertGreater(self.cut.duration, 0)
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=5))],
            generated_at=self._fresh_generated_at(self.mo, self.cut),
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_started")
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_workorder_inside_frozen_window_not_moved(self):
        self._plan(self.cut, NOW + timedelta(hours=5))
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3))]
        )
        line = schedule.line_ids
        self.assertEqual(line.outcome, "refused_frozen")
        self.assertIn("2026-11-24T08:00:00Z", line.reason)
        self._assert_unmoved(self.cut, NOW + timedelta(hours=5))

    def test_move_into_frozen_window_refused(self):
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(hours=3))]
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_frozen")
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_frozen_window_follows_the_clock(self):
        """The same line is applied today and refused 30 hours later, when
        the work order has entered the frozen window."""
        target = NOW + timedelta(days=3)
        with freeze_time(NOW + timedelta(hours=30)):
            _message, schedule = self._publish_lines(
                [self._line(self.mo, "Cut", target)], schedule_id="S-later"
            )
        self.assertEqual(schedule.line_ids.outcome, "refused_frozen")
        _message, schedule = self._publish_lines([self._line(self.mo, "Cut", target)])
        self.assertEqual(schedule.line_ids.outcome, "applied")

    def test_frozen_window_is_a_connector_setting(self):
        self.connector.scheduler_frozen_hours = 0
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(hours=3))]
        )
        self.assertEqual(schedule.line_ids.outcome, "applied")
        self.assertEqual(self.cut.date_start, NOW + timedelta(hours=3))

    def test_changed_after_generated_at_refused_as_stale(self):
        generated_at = min(self.mo.write_date, self.cut.write_date) - timedelta(
            minutes=5
        )
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3))],
            generated_at=generated_at,
        )
        line = schedule.line_ids
        self.assertEqual(line.outcome, "refused_stale")
        self.assertIn("after the schedule was generated", line.reason)
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_foreign_workcenter_refused(self):
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3), workcenter="PNT")]
        )
        line = schedule.line_ids
        self.assertEqual(line.outcome, "refused_workcenter")
        self.assertIn("SCH-ASM, SCH-ASM2", line.reason)
        self.assertEqual(self.cut.workcenter_id, self.wc_asm)
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_unknown_workcenter_refused(self):
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3), workcenter="NOPE")]
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_workcenter")

    def test_end_before_start_refused(self):
        start = NOW + timedelta(days=3)
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", start, end=start - timedelta(hours=1))]
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_dates")
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_unknown_mo_refused_with_activity_on_schedule(self):
        line = self._line(self.mo, "Cut", NOW + timedelta(days=3))
        line["mo"] = "WH/MO/DOES-NOT-EXIST"
        _message, schedule = self._publish_lines([line])
        self.assertEqual(schedule.line_ids.outcome, "refused_unknown")
        self.assertFalse(schedule.line_ids.production_id)
        activity = self._mfg_exception_activities(schedule)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.mfg_responsible)
        self.assertIn("WH/MO/DOES-NOT-EXIST", activity.note)

    def test_unknown_workorder_refused(self):
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Polish", NOW + timedelta(days=3))]
        )
        line = schedule.line_ids
        self.assertEqual(line.outcome, "refused_unknown")
        self.assertEqual(len(self._mfg_exception_activities(self.mo)), 0)
        self.assertEqual(len(self._mfg_exception_activities(schedule)), 1)

    def test_odoo_id_as_workorder_reference_is_unknown(self):
        """The payload names work orders by their reference in the snapshot,
        never by an Odoo id."""
        _message, schedule = self._publish_lines(
            [self._line(self.mo, str(self.cut.id), NOW + timedelta(days=3))]
        )
        self.assertEqual(schedule.line_ids.outcome, "refused_unknown")
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_mo_of_another_company_is_unknown(self):
        other = self.env["res.company"].create({"name": "Scheduler other plant"})
        foreign = (
            self.env["mrp.production"]
            .with_company(other)
            .create(
                {
                    "product_id": self.table.id,
                    "product_qty": 1.0,
                    "company_id": other.id,
                }
            )
        )
        line = self._line(self.mo, "Cut", NOW + timedelta(days=3))
        line["mo"] = foreign.name
        _message, schedule = self._publish_lines([line])
        self.assertEqual(schedule.line_ids.outcome, "refused_unknown")

    def test_workorder_assigned_twice_refused(self):
        first = NOW + timedelta(days=3)
        _message, schedule = self._publish_lines(
            [
                self._line(self.mo, "Cut", first),
                self._line(self.mo, "Cut", NOW + timedelta(days=6)),
            ]
        )
        self.assertEqual(
            schedule.line_ids.mapped("outcome"), ["applied", "refused_duplicate"]
        )
        self.assertEqual(self.cut.date_start, first)
        self.assertEqual(schedule.state, "partial")

    # ----------------------------------------------------------- versions
    def test_older_version_after_newer_applies_nothing(self):
        v2_start = NOW + timedelta(days=3)
        _message, v2 = self._publish_lines(
            [self._line(self.mo, "Cut", v2_start)], version=2
        )
        self.assertEqual(v2.state, "applied")
        _message, v1 = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=6))], version=1
        )
        self.assertEqual(v1.state, "superseded")
        self.assertEqual(v1.line_ids.outcome, "superseded")
        self.assertEqual(v1.applied_count, 0)
        self.assertTrue(v1.note)
        self.assertEqual(self.cut.date_start, v2_start)

    def test_same_version_twice_applies_nothing(self):
        start = NOW + timedelta(days=3)
        self._publish_lines([self._line(self.mo, "Cut", start)], version=4)
        _message, again = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=6))], version=4
        )
        self.assertEqual(again.state, "superseded")
        self.assertEqual(self.cut.date_start, start)

    def test_versions_are_per_schedule_id(self):
        self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3))], version=5
        )
        start = NOW + timedelta(days=4)
        _message, other = self._publish_lines(
            [self._line(self.mo, "Cut", start)], version=1, schedule_id="S-other"
        )
        self.assertEqual(other.state, "applied")
        self.assertEqual(self.cut.date_start, start)

    def test_newer_version_applies(self):
        self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3))], version=1
        )
        start = NOW + timedelta(days=5)
        _message, v2 = self._publish_lines(
            [self._line(self.mo, "Cut", start)], version=2
        )
        self.assertEqual(v2.state, "applied")
        self.assertEqual(self.cut.date_start, start)

    # --------------------------------------------------------- activities
    def test_one_activity_per_mo_listing_refused_lines(self):
        other = self._create_mo()
        self._plan(self._wo(other, "Cut"), NOW + timedelta(days=2))
        generated_at = self._fresh_generated_at(self.mo, self.cut, self.paint, other)
        start = NOW + timedelta(days=3)
        _message, schedule = self._publish_lines(
            [
                self._line(self.mo, "Cut", start, workcenter="PNT"),
                self._line(self.mo, "Paint", NOW + timedelta(hours=2)),
                self._line(other, "Cut", start),
            ],
            generated_at=generated_at,
        )
        self.assertEqual((schedule.applied_count, schedule.refused_count), (1, 2))
        activities = self._mfg_exception_activities(self.mo)
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.planner)
        self.assertIn("Cut", activities.note)
        self.assertIn("Paint", activities.note)
        self.assertIn("2 line(s) refused", activities.summary)
        self.assertFalse(self._mfg_exception_activities(other))

        # a second refusal updates the open activity instead of adding one
        self._publish_lines(
            [self._line(self.mo, "Cut", start, workcenter="PNT")],
            version=2,
            generated_at=generated_at,
        )
        activities = self._mfg_exception_activities(self.mo)
        self.assertEqual(len(activities), 1)
        self.assertIn("1 line(s) refused", activities.summary)

        # a later schedule that applies cleanly closes it
        self._publish_lines(
            [self._line(self.mo, "Cut", start + timedelta(days=1))],
            version=3,
            generated_at=generated_at,
        )
        self.assertFalse(self._mfg_exception_activities(self.mo))

    def test_mo_without_responsible_goes_to_connector_responsible(self):
        self.mo.user_id = False
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(hours=2))]
        )
        self.assertEqual(schedule.refused_count, 1)
        activity = self._mfg_exception_activities(self.mo)
        self.assertEqual(activity.user_id, self.mfg_responsible)

    def test_planner_reads_schedule_through_its_views(self):
        """A planner (MRP user, no integration group) opens the schedule and
        its lines with the fields the views show him."""
        _message, schedule = self._publish_lines(
            [self._line(self.mo, "Cut", NOW + timedelta(hours=2))]
        )
        for model, record in (
            ("mfg.scheduler.schedule", schedule),
            ("mfg.scheduler.schedule.line", schedule.line_ids),
        ):
            views = (
                self.env[model]
                .with_user(self.planner)
                .get_views([(False, "list"), (False, "form"), (False, "search")])
            )
            shown = set()
            for view in views["views"].values():
                arch = etree.fromstring(view["arch"])
                # top-level fields only: the lines' sub-list is read on its own
                shown |= {
                    node.get("name")
                    for node in arch.iter("field")
                    if not any(a.tag == "field" for a in node.iterancestors())
                }
            self.assertNotIn("connector_id", shown)
            self.assertNotIn("message_id", shown)
            values = record.with_user(self.planner).read(sorted(shown))
            self.assertEqual(len(values), len(record))
        line = schedule.line_ids.with_user(self.planner)
        self.assertEqual(line.outcome, "refused_frozen")
        self.assertEqual(line.production_id, self.mo)
        production = self.mo.with_user(self.planner)
        self.assertEqual(production.scheduler_line_count, 1)
        action = production.action_scheduler_view_lines()
        self.assertEqual(
            self.env[action["res_model"]]
            .with_user(self.planner)
            .search(action["domain"]),
            line,
        )

    # --------------------------------------------------------- bad inputs
    def test_unreadable_generated_at_fails_the_message(self):
        payload = self._schedule_payload(
            [self._line(self.mo, "Cut", NOW + timedelta(days=3))]
        )
        payload["generated_at"] = "yesterday-ish"
        message = self._publish(payload)
        self.assertIn(message.state, ("failed", "dead"))
        self.assertEqual(message.error_kind, "validation")
        self.assertIn("generated_at", message.error_text)
        self.assertFalse(self._schedule_of(message))
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_odoo_ids_in_payload_rejected_by_schema(self):
        line = self._line(self.mo, "Cut", NOW + timedelta(days=3))
        line["workorder_id"] = self.cut.id
        message = self._publish(self._schedule_payload([line]))
        self.assertIn(message.state, ("failed", "dead"))
        self.assertEqual(message.error_kind, "validation")
        self.assertIn(
            "workorder_id", message.error_text + (message.error_details or "")
        )
        self._assert_unmoved(self.cut, NOW + timedelta(days=2))

    def test_missing_assignments_rejected_by_schema(self):
        payload = self._schedule_payload([])
        del payload["assignments"]
        message = self._publish(payload)
        self.assertEqual(message.error_kind, "validation")
        self.assertIn("assignments", message.error_text + (message.error_details or ""))

    def test_empty_schedule(self):
        _message, schedule = self._publish_lines([])
        self.assertEqual(schedule.state, "empty")
        self.assertEqual(schedule.line_count, 0)
