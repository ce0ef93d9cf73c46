# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound delivery settings of a connector: the retry schedule and how long an
endpoint may fail before it is switched off."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core import backoff


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    retry_schedule = fields.Char(
        string="Delivery schedule",
        required=True,
        default=backoff.STANDARD_WEBHOOKS_SCHEDULE,
        help="Outbound sends: the wait before each attempt, comma-separated "
        "(0 = immediately; s, m, h, d units), jittered up to 10% later. The "
        "default is the Standard Webhooks schedule: 10 attempts over about 3 "
        "days. Retry-After (429/503) can lengthen a wait up to the backoff cap.",
        mfg_template=True,
    )
    endpoint_disable_after_hours = fields.Integer(
        string="Disable endpoint after (h)",
        default=120,
        help="An outbound endpoint that has failed for this long without one "
        "success is disabled; its messages wait until someone re-enables it.",
        mfg_template=True,
    )

    disabled_endpoint_count = fields.Integer(compute="_compute_disabled_endpoint_count")

    @api.depends("flow_ids.endpoint_state")
    def _compute_disabled_endpoint_count(self):
        for connector in self:
            connector.disabled_endpoint_count = len(
                connector.flow_ids.filtered(lambda f: f.endpoint_state == "disabled")
            )

    @api.constrains("retry_schedule")
    def _check_retry_schedule(self):
        for connector in self:
            try:
                backoff.parse_schedule(connector.retry_schedule)
            except backoff.ScheduleError as err:
                raise ValidationError(str(err)) from err

    def _mfg_delivery_delays(self):
        """Waits before each outbound attempt, in seconds (the first is 0)."""
        self.ensure_one()
        return backoff.parse_schedule(self.retry_schedule)

    def action_enable_endpoints(self):
        """Re-enable every disabled endpoint of the connector, requeueing what
        waited on them."""
        self.ensure_one()
        self.flow_ids.filtered(
            lambda f: f.endpoint_state == "disabled"
        ).action_enable_endpoint()
        return True
