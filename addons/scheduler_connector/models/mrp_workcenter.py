# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from pytz import timezone, utc

from odoo import models

from ..core import snapshot as snapshot_lib


def _to_naive_utc(dt):
    return dt.astimezone(utc).replace(tzinfo=None)


class MrpWorkcenter(models.Model):
    _inherit = "mrp.workcenter"

    def _scheduler_key(self):
        """The key the scheduler knows this work center by (code, else name)."""
        self.ensure_one()
        return snapshot_lib.workcenter_key(self.code, self.name)

    def _scheduler_working_intervals(self, start, end):
        """{workcenter id: [(start, end)]} of working time between the naive UTC
        ``start`` and ``end``, leaves removed, from each work center's calendar
        (one ``_work_intervals_batch`` call per calendar). A work center without
        a calendar works around the clock, as Odoo plans it."""
        start_aware, end_aware = utc.localize(start), utc.localize(end)
        by_calendar = defaultdict(lambda: self.browse())
        for workcenter in self:
            by_calendar[workcenter.resource_calendar_id] |= workcenter
        result = {}
        for calendar, workcenters in by_calendar.items():
            if not calendar:
                for workcenter in workcenters:
                    result[workcenter.id] = [(start, end)]
                continue
            intervals = calendar._work_intervals_batch(
                start_aware,
                end_aware,
                resources=workcenters.resource_id,
                tz=timezone(calendar.tz or "UTC"),
            )
            for workcenter in workcenters:
                result[workcenter.id] = [
                    (_to_naive_utc(s), _to_naive_utc(e))
                    for s, e, _records in intervals[workcenter.resource_id.id]
                ]
        return result

    def _scheduler_snapshot_vals(self, start, end):
        intervals = self._scheduler_working_intervals(start, end)
        return [
            {
                "code": workcenter._scheduler_key(),
                "name": workcenter.name or "",
                "capacity": workcenter.default_capacity or 1.0,
                "time_efficiency": workcenter.time_efficiency or 100.0,
                "setup_minutes": workcenter.time_start or 0.0,
                "cleanup_minutes": workcenter.time_stop or 0.0,
                "alternatives": [
                    wc._scheduler_key() for wc in workcenter.alternative_workcenter_ids
                ],
                "calendar": workcenter.resource_calendar_id.name or None,
                "timezone": workcenter.resource_calendar_id.tz or None,
                "working_intervals": snapshot_lib.intervals_payload(
                    intervals[workcenter.id]
                ),
            }
            for workcenter in self
        ]
