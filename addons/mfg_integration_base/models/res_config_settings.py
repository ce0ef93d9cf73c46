# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
