# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Operating a connector across sites: rate limits, environment (templates:
mfg_connector_template.py)."""

from datetime import timedelta

from odoo import fields, models


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

    # ---------------------------------------------------------- rate limits
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
