# mfg.connector, split: operating settings, bulk replay (mfg_connector.py < 600 lines)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Operating a connector across sites: inbound and outbound rate limits, the
environment (a neutralized copy talks to nobody), the outbound delivery
schedule and how long an endpoint may fail before it is switched off, and the
job behind the bulk replay wizard (templates: mfg_connector_template.py)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core import backoff
from ..wizards.mfg_bulk_replay import REPLAYABLE_STATES


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    inbound_rate_limit = fields.Integer(
        string="Inbound limit (requests/min)",
        default=0,
        help="Webhook requests accepted per minute; above it Odoo answers 429 with "
        "Retry-After. 0: no limit.",
        mfg_template=True,
    )
    outbound_rate_limit = fields.Integer(
        string="Outbound throttle (sends/min)",
        default=0,
        help="Outbound sends per minute; the rest wait for the next minute. "
        "0: no limit.",
        mfg_template=True,
    )
    environment = fields.Selection(
        [
            ("production", "Production"),
            ("test", "Test"),
            ("neutralized", "Neutralized copy"),
        ],
        default="production",
        required=True,
        tracking=True,
        help="A neutralized database copy pauses every connector and drops outbound "
        "credentials, so a test copy never talks to a real plant.",
        mfg_template=False,
    )
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

    # -------------------------------------------------------------- actions
    def action_enable_endpoints(self):
        """Re-enable every disabled endpoint of the connector, requeueing what
        waited on them."""
        self.ensure_one()
        self.flow_ids.filtered(
            lambda f: f.endpoint_state == "disabled"
        ).action_enable_endpoint()
        return True

    # ------------------------------------------------- rate limits, delivery
    def _outbound_budget(self):
        """How many sends this connector may still make in the current minute."""
        self.ensure_one()
        if not self.outbound_rate_limit:
            return None
        self.env["mfg.sync.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT COUNT(*) FROM mfg_sync_message
             WHERE connector_id = %s AND direction = 'outbound' AND processed_at >= %s
            """,
            [self.id, fields.Datetime.now() - timedelta(minutes=1)],
        )
        return max(0, self.outbound_rate_limit - self.env.cr.fetchone()[0])

    def _mfg_delivery_delays(self):
        """Waits before each outbound attempt, in seconds (the first is 0)."""
        self.ensure_one()
        return backoff.parse_schedule(self.retry_schedule)

    # ---------------------------------------------------------- bulk replay
    def _mfg_bulk_replay(self, message_ids, mode, requested_by):
        """Job: requeue the listed messages still failed or dead (a person may
        have retried some since), in one write, and log it on the connector.
        ``mode`` "replay" maps inbound raw payloads again."""
        self.ensure_one()
        messages = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("id", "in", message_ids),
                    ("connector_id", "=", self.id),
                    ("state", "in", REPLAYABLE_STATES),
                ],
                order="id",
            )
        )
        if mode == "replay":
            messages.filtered(
                lambda m: m.direction == "inbound"
            )._mfg_bookkeeping().write({"payload_canonical": False})
        messages._mfg_bookkeeping().write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": False,
                "parked_at": False,
                "queued_at": messages._mfg_db_now(),
            }
        )
        messages.flow_id._schedule_drain(eta=fields.Datetime.now())
        self._mfg_note(
            self.env._(
                "Bulk %(mode)s requested by %(user)s: %(count)s message(s) "
                "requeued (%(skipped)s no longer failed or dead).",
                mode=mode,
                user=requested_by,
                count=len(messages),
                skipped=len(message_ids) - len(messages),
            )
        )
        return f"{len(messages)} message(s) requeued"
