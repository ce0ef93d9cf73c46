# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the scheduler connector's Odoo tests.

A small plant that mirrors mrp's demo (the template database has no demo
data): a 40 h/week calendar in UTC, an assembly work center with an
alternative, a paint shop, a table made of legs and a top, cut then paint.
"""

import json
from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.mfg_integration_base.tests.common import MfgCommon, MfgHttpCommon

from ..core import flows as scheduler_flows
from ..core import rules as schedule_rules

# A Monday, 08:00 UTC: the frozen window tests freeze the clock here.
NOW = datetime(2026, 11, 23, 8, 0, 0)
FLOWS = (scheduler_flows.FLOW_SNAPSHOT, scheduler_flows.FLOW_SCHEDULE_PUBLISHED)


def iso(dt):
    return schedule_rules.format_datetime(dt)


class SchedulerMixin:
    @classmethod
    def _scheduler_setup(cls):
        env = cls.env
        cls.planner = new_test_user(
            env, login="sched_planner", groups="base.group_user,mrp.group_mrp_user"
        )
        cls.connector = cls._mfg_create_connector(
            "aps1",
            kind="scheduler",
            flows=FLOWS,
            tech_groups=("mrp.group_mrp_user", "stock.group_stock_user"),
            base_url="http://127.0.0.1:9/aps",
            scheduler_horizon_days=14,
            scheduler_frozen_hours=24,
        )
        # Real-time MO events: off unless a test switches them on, so that
        # the fixtures' MOs do not fill the outbox of the other tests.
        cls.order_changed_flow = env["mfg.flow"].create(
            {
                "connector_id": cls.connector.id,
                "code": scheduler_flows.FLOW_ORDER_CHANGED,
                "active": False,
            }
        )
        cls.calendar = env["resource.calendar"].create(
            {"name": "Scheduler test 40h (UTC)", "tz": "UTC"}
        )
        wc_model = env["mrp.workcenter"]
        cls.wc_asm2 = wc_model.create(
            {
                "name": "Assembly line 2",
                "code": "SCH-ASM2",
                "resource_calendar_id": cls.calendar.id,
            }
        )
        cls.wc_asm = wc_model.create(
            {
                "name": "Assembly line 1",
                "code": "SCH-ASM",
                "resource_calendar_id": cls.calendar.id,
                "time_start": 10.0,
                "time_stop": 5.0,
                "default_capacity": 2.0,
                "time_efficiency": 90.0,
                "alternative_workcenter_ids": [Command.link(cls.wc_asm2.id)],
            }
        )
        cls.wc_paint = wc_model.create(
            {
                "name": "Paint shop",
                "code": "PNT",
                "resource_calendar_id": cls.calendar.id,
            }
        )
        product_model = env["product.product"]
        cls.table = product_model.create(
            {
                "name": "Scheduler table",
                "default_code": "SCH-TABLE",
                "is_storable": True,
            }
        )
        cls.leg = product_model.create(
            {"name": "Scheduler leg", "default_code": "SCH-LEG", "is_storable": True}
        )
        cls.top = product_model.create(
            {"name": "Scheduler top", "default_code": "SCH-TOP", "is_storable": True}
        )
        cls.bom = env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.table.product_tmpl_id.id,
                "product_qty": 1.0,
                "allow_operation_dependencies": True,
                "bom_line_ids": [
                    Command.create({"product_id": cls.leg.id, "product_qty": 4.0}),
                    Command.create({"product_id": cls.top.id, "product_qty": 1.0}),
                ],
                "operation_ids": [
                    Command.create(
                        {
                            "name": "Cut",
                            "workcenter_id": cls.wc_asm.id,
                            "time_cycle_manual": 60.0,
                            "sequence": 10,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Paint",
                            "workcenter_id": cls.wc_paint.id,
                            "time_cycle_manual": 30.0,
                            "sequence": 20,
                        }
                    ),
                ],
            }
        )
        cut, paint = cls.bom.operation_ids.sorted("sequence")
        paint.blocked_by_operation_ids = [Command.link(cut.id)]
        cls.stock_location = env.ref("stock.stock_location_stock")

    # ------------------------------------------------------------ helpers
    def _create_mo(self, qty=1.0, confirm=True, date_start=None, **vals):
        production = self.env["mrp.production"].create(
            {
                "product_id": self.table.id,
                "bom_id": self.bom.id,
                "product_qty": qty,
                "user_id": self.planner.id,
                "date_start": date_start or NOW + timedelta(days=2),
                **vals,
            }
        )
        if confirm:
            production.action_confirm()
        return production

    def _wo(self, production, name):
        return production.workorder_ids.filtered(lambda w: w.name == name)

    def _plan(self, workorder, start, hours=1.0):
        """Put a work order at a given place, as a planner would."""
        workorder.with_context(bypass_duration_calculation=True).write(
            {"date_start": start, "date_finished": start + timedelta(hours=hours)}
        )

    def _fresh_generated_at(self, *records):
        """A generated_at just after the last change of these records."""
        return max(r.write_date for r in records) + timedelta(seconds=1)

    def _schedule_payload(
        self, assignments, version=1, generated_at=None, schedule_id="S-1"
    ):
        return {
            "schema_version": "1.0",
            "schedule_id": schedule_id,
            "version": version,
            "generated_at": iso(generated_at or NOW),
            "assignments": assignments,
        }

    def _line(self, production, wo_ref, start, hours=1.0, workcenter=None, end=None):
        line = {
            "mo": production.name,
            "workorder": wo_ref,
            "start": iso(start),
            "end": iso(end or start + timedelta(hours=hours)),
        }
        if workcenter:
            line["workcenter"] = workcenter
        return line

    def _publish(self, payload):
        """Receive and process a published schedule through the queue."""
        message = self._mfg_receive(
            self.connector, scheduler_flows.FLOW_SCHEDULE_PUBLISHED, payload
        )
        self._mfg_process(self.connector)
        return message

    def _schedule_of(self, message):
        return self.env["mfg.scheduler.schedule"].search(
            [("message_id", "=", message.id)], limit=1
        )

    def _outbound(self, flow_code, record=None):
        domain = [
            ("connector_id", "=", self.connector.id),
            ("direction", "=", "outbound"),
            ("flow_id.code", "=", flow_code),
        ]
        if record is not None:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        return self.env["mfg.sync.message"].sudo().search(domain, order="id")

    @staticmethod
    def _payload(message):
        return json.loads(message.payload_canonical)

    @staticmethod
    def _now():
        return fields.Datetime.now()


class SchedulerCommon(SchedulerMixin, MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._scheduler_setup()


class SchedulerHttpCommon(SchedulerMixin, MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._scheduler_setup()
