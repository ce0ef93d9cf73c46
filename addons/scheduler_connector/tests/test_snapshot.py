# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The snapshot sent to the scheduler: content, schema, button and cron."""

import json
from datetime import timedelta

import jsonschema
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError

from odoo.addons.queue_job.tests.common import trap_jobs

from ..core import flows as scheduler_flows
from ..core.rules import parse_datetime
from .common import NOW, SchedulerCommon, iso


def _validate(payload):
    with open(scheduler_flows.schema_path(scheduler_flows.FLOW_SNAPSHOT)) as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(payload), key=lambda e: list(e.path))
    return ["/".join(map(str, e.path)) + ": " + e.message for e in errors]


class TestSnapshot(SchedulerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        quant = cls.env["stock.quant"]
        quant._update_available_quantity(cls.leg, cls.stock_location, 100.0)
        # Wednesday: the plant is closed
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Plant closed",
                "calendar_id": cls.calendar.id,
                "date_from": NOW.replace(hour=0) + timedelta(days=2),
                "date_to": NOW.replace(hour=23, minute=59) + timedelta(days=2),
                "time_type": "leave",
            }
        )

    def setUp(self):
        super().setUp()
        patcher = freeze_time(NOW)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.mo = self._create_mo(qty=2.0, date_deadline=NOW + timedelta(days=6))
        self.mo_frozen = self._create_mo(priority="1")
        self._plan(self._wo(self.mo_frozen, "Cut"), NOW + timedelta(hours=5))
        self.mo_draft = self._create_mo(confirm=False)
        self.mo_far = self._create_mo(date_start=NOW + timedelta(days=20))
        self.mo_cancelled = self._create_mo()
        self.mo_cancelled.action_cancel()

    def _order(self, payload, production):
        return next(o for o in payload["orders"] if o["mo"] == production.name)

    def _wc(self, payload, code):
        return next(w for w in payload["work_centers"] if w["code"] == code)

    def test_snapshot_of_demo_data_validates_against_schema(self):
        """Everything the company has (mrp demo data when the database has it,
        and this plant) makes a snapshot that its JSON Schema accepts."""
        payload = self.connector._scheduler_build_snapshot()
        self.assertEqual(_validate(payload), [])
        expected = self.env["mrp.production"].search(
            [
                ("state", "in", ("confirmed", "progress")),
                ("company_id", "=", self.connector.company_id.id),
                ("date_start", "<=", NOW + timedelta(days=14)),
            ]
        )
        self.assertEqual(
            {o["mo"] for o in payload["orders"]}, set(expected.mapped("name"))
        )
        all_wcs = self.env["mrp.workcenter"].search([])
        self.assertEqual(len(payload["work_centers"]), len(all_wcs))

    def test_orders_to_plan_only(self):
        payload = self.connector._scheduler_build_snapshot()
        names = {o["mo"] for o in payload["orders"]}
        self.assertIn(self.mo.name, names)
        self.assertIn(self.mo_frozen.name, names)
        self.assertNotIn(self.mo_draft.name, names)
        self.assertNotIn(self.mo_cancelled.name, names)
        self.assertNotIn(self.mo_far.name, names, "beyond the horizon")

    def test_horizon_is_a_connector_setting(self):
        self.connector.scheduler_horizon_days = 1
        payload = self.connector._scheduler_build_snapshot()
        self.assertEqual(payload["horizon"]["end"], iso(NOW + timedelta(days=1)))
        self.assertNotIn(self.mo.name, {o["mo"] for o in payload["orders"]})
        for interval in self._wc(payload, "SCH-ASM")["working_intervals"]:
            self.assertLessEqual(interval["end"], iso(NOW + timedelta(days=1)))

    def test_order_content(self):
        payload = self.connector._scheduler_build_snapshot()
        order = self._order(payload, self.mo)
        self.assertEqual(
            order["product"], {"code": "SCH-TABLE", "name": "Scheduler table"}
        )
        self.assertEqual(order["quantity"], 2.0)
        self.assertEqual(order["state"], "confirmed")
        self.assertEqual(order["priority"], "0")
        self.assertEqual(order["deadline"], iso(NOW + timedelta(days=6)))
        self.assertFalse(order["frozen"])
        self.assertEqual(self._order(payload, self.mo_frozen)["priority"], "1")
        self.assertTrue(self._order(payload, self.mo_frozen)["frozen"])

    def test_work_orders_content(self):
        payload = self.connector._scheduler_build_snapshot()
        cut, paint = self._order(payload, self.mo)["work_orders"]
        cut_wo = self._wo(self.mo, "Cut")
        self.assertEqual(cut["ref"], "Cut")
        self.assertEqual(cut["work_center"], "SCH-ASM")
        self.assertEqual(cut["alternative_work_centers"], ["SCH-ASM2"])
        self.assertAlmostEqual(
            cut["expected_duration_minutes"], cut_wo.duration_expected
        )
        self.assertGreater(cut["expected_duration_minutes"], 60.0)
        self.assertEqual((cut["setup_minutes"], cut["cleanup_minutes"]), (10.0, 5.0))
        self.assertEqual(cut["depends_on"], [])
        self.assertEqual(paint["ref"], "Paint")
        self.assertEqual(paint["work_center"], "PNT")
        self.assertEqual(paint["depends_on"], ["Cut"])
        self.assertFalse(cut["started"])
        frozen_cut = self._order(payload, self.mo_frozen)["work_orders"][0]
        self.assertTrue(frozen_cut["frozen"])
        self.assertEqual(frozen_cut["planned_start"], iso(NOW + timedelta(hours=5)))

    def test_started_work_order_flagged(self):
        self._wo(self.mo, "Cut").button_start()
        payload = self.connector._scheduler_build_snapshot()
        order = self._order(payload, self.mo)
        self.assertEqual(order["state"], "progress")
        self.assertTrue(order["work_orders"][0]["started"])
        self.assertEqual(order["work_orders"][0]["state"], "progress")
        self.assertTrue(order["frozen"])

    def test_work_center_capacity_and_calendar_with_leaves(self):
        payload = self.connector._scheduler_build_snapshot()
        asm = self._wc(payload, "SCH-ASM")
        self.assertEqual(asm["capacity"], 2.0)
        self.assertEqual(asm["time_efficiency"], 90.0)
        self.assertEqual(asm["alternatives"], ["SCH-ASM2"])
        self.assertEqual(asm["timezone"], "UTC")
        intervals = asm["working_intervals"]
        self.assertEqual(intervals[0]["start"], "2026-11-23T08:00:00Z")
        days = {i["start"][:10] for i in intervals}
        self.assertIn("2026-11-24", days)
        self.assertNotIn("2026-11-25", days, "the plant is closed on Wednesday")
        self.assertIn("2026-11-26", days)
        self.assertNotIn("2026-11-28", days, "Saturday")
        worked = sum(
            (
                parse_datetime(i["end"]) - parse_datetime(i["start"])
                for i in intervals
                if i["start"][:10] == "2026-11-24"
            ),
            timedelta(),
        )
        self.assertEqual(worked, timedelta(hours=8))

    def test_material_available(self):
        self.env["stock.quant"]._update_available_quantity(
            self.top, self.stock_location, 10
        )
        production = self._create_mo()
        order = self._order(self.connector._scheduler_build_snapshot(), production)
        self.assertEqual(order["material"]["state"], "available")
        self.assertTrue(all(c["available"] for c in order["material"]["components"]))

    def test_material_expected_from_a_receipt(self):
        receipt_date = NOW + timedelta(days=3)
        picking_type = self.env.ref("stock.picking_type_in")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
                "scheduled_date": receipt_date,
                "move_ids": [
                    Command.create(
                        {
                            "name": "tops",
                            "product_id": self.top.id,
                            "product_uom_qty": 50.0,
                            "product_uom": self.top.uom_id.id,
                            "location_id": self.env.ref(
                                "stock.stock_location_suppliers"
                            ).id,
                            "location_dest_id": self.stock_location.id,
                            "date": receipt_date,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        production = self._create_mo()
        order = self._order(self.connector._scheduler_build_snapshot(), production)
        material = order["material"]
        by_code = {c["product"]["code"]: c for c in material["components"]}
        self.assertTrue(by_code["SCH-LEG"]["available"])
        self.assertEqual(by_code["SCH-LEG"]["quantity"], 4.0)
        self.assertFalse(by_code["SCH-TOP"]["available"])
        self.assertEqual(by_code["SCH-TOP"]["availability_date"], iso(receipt_date))
        self.assertEqual(material["state"], "expected")
        self.assertEqual(material["ready_date"], iso(receipt_date))

    def test_material_unavailable_without_supply(self):
        order = self._order(self.connector._scheduler_build_snapshot(), self.mo)
        material = order["material"]
        by_code = {c["product"]["code"]: c for c in material["components"]}
        self.assertFalse(by_code["SCH-TOP"]["available"])
        self.assertIsNone(by_code["SCH-TOP"]["availability_date"])
        self.assertEqual(material["state"], "unavailable")
        self.assertIsNone(material["ready_date"])

    # --------------------------------------------------- button and cron
    def test_button_puts_snapshot_in_outbox(self):
        action = self.connector.action_scheduler_send_snapshot()
        messages = self._outbound(scheduler_flows.FLOW_SNAPSHOT)
        self.assertEqual(len(messages), 1)
        self.assertEqual(action["res_id"], messages.id)
        self.assertEqual(messages.state, "queued")
        payload = self._payload(messages)
        self.assertEqual(payload["schema_version"], "1.0")
        self.assertIn(self.mo.name, {o["mo"] for o in payload["orders"]})
        self.assertEqual(self.connector.scheduler_last_snapshot_at, NOW)

    def test_snapshot_of_a_batch_flow_is_sent_at_once(self):
        flow = self._mfg_flow(self.connector, scheduler_flows.FLOW_SNAPSHOT)
        flow.write({"mode": "batch", "interval_minutes": 60})
        with trap_jobs() as trap:
            self.connector.action_scheduler_send_snapshot()
            trap.assert_jobs_count(1, only=flow._mfg_drain)

    def test_cron_follows_flow_interval(self):
        flow = self._mfg_flow(self.connector, scheduler_flows.FLOW_SNAPSHOT)
        flow.write({"mode": "batch", "interval_minutes": 60})
        model = self.env["mfg.connector"]
        self.assertIn(self.connector, model._scheduler_cron_snapshot())
        with freeze_time(NOW + timedelta(minutes=30)):
            self.assertNotIn(self.connector, model._scheduler_cron_snapshot())
        with freeze_time(NOW + timedelta(minutes=61)):
            self.assertIn(self.connector, model._scheduler_cron_snapshot())
        self.assertEqual(len(self._outbound(scheduler_flows.FLOW_SNAPSHOT)), 2)

    def test_cron_skips_inactive_flow(self):
        self._mfg_flow(self.connector, scheduler_flows.FLOW_SNAPSHOT).active = False
        self.assertNotIn(
            self.connector, self.env["mfg.connector"]._scheduler_cron_snapshot()
        )
        self.assertFalse(self._outbound(scheduler_flows.FLOW_SNAPSHOT))

    def test_settings_travel_with_the_connector_template(self):
        self.connector.write(
            {"scheduler_horizon_days": 21, "scheduler_frozen_hours": 36}
        )
        template = self.connector._template_dict()
        copy = self.env["mfg.connector"]._create_from_template(
            template, "aps_site2", "APS site 2", self.connector.company_id
        )
        self.assertEqual(copy.scheduler_horizon_days, 21)
        self.assertEqual(copy.scheduler_frozen_hours, 36)
        self.assertEqual(
            set(copy.flow_ids.mapped("code")),
            set(self.connector.flow_ids.mapped("code")),
        )

    def test_negative_settings_refused(self):
        with self.assertRaises(ValidationError):
            self.connector.scheduler_frozen_hours = -1
        with self.assertRaises(ValidationError):
            self.connector.scheduler_horizon_days = 0

    def test_button_without_snapshot_flow(self):
        bare = self._mfg_create_connector("aps_bare", kind="scheduler")
        with self.assertRaises(UserError):
            bare.action_scheduler_send_snapshot()
