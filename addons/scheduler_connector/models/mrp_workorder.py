# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.tools import float_is_zero

from ..core import rules as schedule_rules
from ..core import snapshot as snapshot_lib


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    def _scheduler_is_started(self):
        """Started work: in progress, or partly done (time logged or quantity
        produced) even when paused."""
        self.ensure_one()
        return (
            self.state == "progress"
            or not float_is_zero(self.duration, precision_digits=2)
            or not float_is_zero(self.qty_produced, precision_digits=6)
        )

    def _scheduler_snapshot_vals(self, now, frozen_hours):
        """Snapshot entries of these work orders, all of one MO, in its order."""
        workorders = self.sorted(lambda w: (w.sequence, w.id))
        refs = snapshot_lib.workorder_refs((w.id, w.name) for w in workorders)
        result = []
        for workorder in workorders:
            workcenter = workorder.workcenter_id
            open_work = workorder.state not in schedule_rules.CLOSED_STATES
            result.append(
                {
                    "ref": refs[workorder.id],
                    "name": workorder.name,
                    "sequence": workorder.sequence,
                    "work_center": workcenter._scheduler_key(),
                    "alternative_work_centers": [
                        wc._scheduler_key()
                        for wc in workcenter.alternative_workcenter_ids
                    ],
                    "expected_duration_minutes": workorder.duration_expected or 0.0,
                    "setup_minutes": workcenter.time_start or 0.0,
                    "cleanup_minutes": workcenter.time_stop or 0.0,
                    "state": workorder.state,
                    "started": workorder._scheduler_is_started(),
                    "frozen": open_work
                    and schedule_rules.is_frozen(
                        schedule_rules.frozen_start(
                            workorder.date_start, workorder.production_id.date_start
                        ),
                        now,
                        frozen_hours,
                    ),
                    "planned_start": schedule_rules.format_datetime(
                        workorder.date_start
                    ),
                    "planned_end": schedule_rules.format_datetime(
                        workorder.date_finished
                    ),
                    "depends_on": [
                        refs[w.id]
                        for w in workorder.blocked_by_workorder_ids.sorted(
                            lambda w: (w.sequence, w.id)
                        )
                        if w.id in refs
                    ],
                }
            )
        return result
