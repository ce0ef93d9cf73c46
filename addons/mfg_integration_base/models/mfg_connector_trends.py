# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dashboard figures written for people (units, no raw milliseconds)."""

from odoo import api, fields, models

from ..core import humanize


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    stat_latency_display = fields.Char(
        string="p95 latency", compute="_compute_stat_latency_display"
    )

    @api.depends("stat_p95_latency_ms", "stat_latency_target_ms")
    def _compute_stat_latency_display(self):
        for connector in self:
            connector.stat_latency_display = humanize.latency_against_target(
                connector.stat_p95_latency_ms, connector.stat_latency_target_ms
            )
