# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields, models

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
    core_errors,
)

from ..core import operations as mes_operations


class MrpWorkorder(models.Model):
    _inherit = "mrp.workorder"

    mes_operation_state = fields.Selection(
        [
            (mes_operations.IDLE, "Not started"),
            (mes_operations.RUNNING, "Running"),
            (mes_operations.PAUSED, "Paused"),
            (mes_operations.FINISHED, "Finished"),
        ],
        string="MES State",
        default=mes_operations.IDLE,
        copy=False,
        readonly=True,
    )

    def _mes_apply_operation_event(
        self, event, timestamp, operator=None, workcenter=None
    ):
        """Apply one MES operation event (started/paused/resumed/finished).

        Time records use ``timestamp`` (naive UTC), the event's own time, not the
        time of processing. Follows ``core.operations.TRANSITIONS``.
        """
        self.ensure_one()
        if self.state in ("done", "cancel"):
            raise MfgConflictError(
                self.env._(
                    "Work order %(wo)s is %(state)s in Odoo: event %(event)s refused.",
                    wo=self.display_name,
                    state=self.state,
                    event=event,
                ),
                record=self.production_id,
            )
        with core_errors(record=self.production_id, subject=self.display_name):
            new_state, action = mes_operations.transition(
                self.mes_operation_state, event
            )
        if workcenter and workcenter != self.workcenter_id:
            self._mes_switch_workcenter(workcenter)
        if action == "open":
            self._mes_open_time(timestamp, operator)
        elif action in ("close", "close_finish"):
            self._mes_close_time(timestamp)
        if action in ("close_finish", "finish"):
            self._mes_finish(timestamp)
        self.mes_operation_state = new_state

    def _mes_switch_workcenter(self, workcenter):
        """The MES ran the operation on an alternative work center."""
        if (
            workcenter not in self.workcenter_id.alternative_workcenter_ids
            or self.time_ids
        ):
            raise MfgConflictError(
                self.env._(
                    "Work order %(wo)s is planned on %(planned)s; "
                    "the MES reports %(actual)s, "
                    "which is not an alternative work center of a work order "
                    "not started yet.",
                    wo=self.display_name,
                    planned=self.workcenter_id.display_name,
                    actual=workcenter.display_name,
                ),
                record=self.production_id,
            )
        self.workcenter_id = workcenter

    def _mes_last_time_end(self):
        ends = self.time_ids.filtered(lambda t: t.mes_tracked and t.date_end).mapped(
            "date_end"
        )
        return max(ends) if ends else False

    def _mes_open_time(self, timestamp, operator):
        last_end = self._mes_last_time_end()
        if last_end and timestamp < last_end:
            raise MfgValidationError(
                self.env._(
                    "Work order %(wo)s: event time %(time)s is before the end "
                    "of its last "
                    "time record (%(end)s).",
                    wo=self.display_name,
                    time=timestamp,
                    end=last_end,
                ),
                record=self.production_id,
            )
        vals = self._prepare_timeline_vals(self.duration, timestamp)
        vals["mes_tracked"] = True
        vals["description"] = self.env._(
            "MES time tracking: %(operator)s", operator=operator or self.env.user.name
        )
        self.env["mrp.workcenter.productivity"].create(vals)
        if self.state == "progress":
            return
        # Unlike Odoo's Start button, the MO's quantity being produced is left
        # alone: the MES reports it with mes.production.completed.
        # first start: the actual start replaces the planned one
        vals = {"state": "progress", "date_start": timestamp}
        if not self.leave_id:
            leave = self.env["resource.calendar.leaves"].create(
                {
                    "name": self.display_name,
                    "calendar_id": self.workcenter_id.resource_calendar_id.id,
                    "date_from": timestamp,
                    "date_to": timestamp
                    + relativedelta(minutes=self.duration_expected),
                    "resource_id": self.workcenter_id.resource_id.id,
                    "time_type": "other",
                }
            )
            vals.update({"leave_id": leave.id, "date_finished": leave.date_to})
        elif self.date_finished and self.date_finished < timestamp:
            vals["date_finished"] = timestamp
        self.with_context(bypass_duration_calculation=True).write(vals)

    def _mes_close_time(self, timestamp):
        """Close the open MES time record at ``timestamp``; time beyond the expected
        duration becomes a performance loss, as Odoo's own timer does."""
        timer = self.time_ids.filtered(lambda t: t.mes_tracked and not t.date_end)[:1]
        if not timer:
            return
        if timestamp < timer.date_start:
            raise MfgValidationError(
                self.env._(
                    "Work order %(wo)s: event time %(time)s is before the start of the "
                    "running time record (%(start)s).",
                    wo=self.display_name,
                    time=timestamp,
                    start=timer.date_start,
                ),
                record=self.production_id,
            )
        timer.date_end = timestamp
        if not self.duration_expected or self.duration <= self.duration_expected:
            return
        performance = self.env["mrp.workcenter.productivity.loss"].search(
            [("loss_type", "=", "performance")], limit=1
        )
        if not performance or timer.loss_id == performance:
            return
        over = self.duration - self.duration_expected
        productive_end = timestamp - relativedelta(seconds=round(over * 60))
        if productive_end <= timer.date_start:
            timer.loss_id = performance
        else:
            timer.copy(
                {
                    "date_start": productive_end,
                    "date_end": timestamp,
                    "loss_id": performance.id,
                }
            )
            timer.date_end = productive_end

    def _mes_finish(self, timestamp):
        vals = {
            "qty_produced": self.qty_produced
            or self.qty_producing
            or self.qty_production,
            "state": "done",
            "date_finished": timestamp,
            "costs_hour": self.workcenter_id.costs_hour,
        }
        if not self.date_start or timestamp < self.date_start:
            vals["date_start"] = timestamp
        self.with_context(bypass_duration_calculation=True).write(vals)
