# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    mfg_retention_days = fields.Integer(
        string="Keep done messages (days)",
        config_parameter="mfg_integration_base.retention_days",
        default=30,
    )
    mfg_max_payload_size = fields.Integer(
        string="Default webhook size limit (bytes)",
        config_parameter="mfg_integration_base.max_payload_size",
        default=1048576,
    )
    mfg_signature_tolerance = fields.Integer(
        string="Signature tolerance (seconds)",
        config_parameter="mfg_integration_base.signature_tolerance",
        default=300,
    )
    mfg_rotation_grace_hours = fields.Integer(
        string="Previous secret accepted for (hours)",
        config_parameter="mfg_integration_base.rotation_grace_hours",
        default=24,
    )
    mfg_default_responsible_id = fields.Many2one(
        "res.users",
        string="Default responsible",
        config_parameter="mfg_integration_base.default_responsible_id",
    )

    mfg_metrics_enabled = fields.Boolean(
        string="Expose metrics",
        config_parameter="mfg_integration_base.metrics_enabled",
        help="Serve /mfg/v1/metrics (Prometheus text format) to a bearer of the "
        "metrics token; off, the URL answers 404.",
    )
    mfg_metrics_token = fields.Char(
        string="Metrics token",
        help="Bearer token of the monitoring system. Write-only: stored "
        "encrypted, never shown again; type a new one to replace it.",
    )
    mfg_metrics_token_set = fields.Boolean(
        string="Metrics token stored", compute="_compute_mfg_metrics_token_set"
    )

    @api.depends("mfg_metrics_token")
    def _compute_mfg_metrics_token_set(self):
        stored = self.env["mfg.metrics"]._mfg_metrics_token_set()
        for settings in self:
            settings.mfg_metrics_token_set = stored

    def set_values(self):
        result = super().set_values()
        # An empty field keeps the stored token: it is never read back.
        if self.mfg_metrics_token:
            self.env["mfg.metrics"]._mfg_set_metrics_token(self.mfg_metrics_token)
        return result
