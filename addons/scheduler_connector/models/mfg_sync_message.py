# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.mfg_integration_base.exceptions import MfgValidationError

from ..core import flows as scheduler_flows
from ..core import schedule as schedule_lib


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _get_inbound_handlers(self):
        handlers = super()._get_inbound_handlers()
        handlers[scheduler_flows.FLOW_SCHEDULE_PUBLISHED] = (
            self._handle_scheduler_schedule_published
        )
        return handlers

    def _handle_scheduler_schedule_published(self, payload):
        """Store the schedule, apply the lines its rules allow; refused lines
        are outcomes on the schedule and activities for the planners, not a
        failed message (the applied lines must stay applied)."""
        self.ensure_one()
        try:
            return self.env["mfg.scheduler.schedule"]._scheduler_receive(
                self.connector_id, payload, message=self
            )
        except schedule_lib.ScheduleParseError as err:
            raise MfgValidationError(
                self.env._("Unreadable schedule: %(error)s", error=str(err))
            ) from err
