# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MfgExternalId(models.Model):
    _name = "mfg.external.id"
    _description = "External Id Binding"
    _order = "connector_id, model, external_id"
    _rec_name = "external_id"

    connector_id = fields.Many2one("mfg.connector", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True
    )
    model = fields.Char(required=True)
    res_id = fields.Integer(required=True)
    external_id = fields.Char(required=True)
    external_revision = fields.Char()
    payload_hash = fields.Char()
    last_sync_at = fields.Datetime()
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        compute="_compute_record_ref",
        string="Record",
    )

    _sql_constraints = [
        (
            "binding_uniq",
            "unique(connector_id, model, external_id)",
            "An external id is bound once per connector and model.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS mfg_external_id_record_idx "
            "ON mfg_external_id (connector_id, model, res_id)"
        )

    @api.model
    def _selection_record_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("model", "res_id")
    def _compute_record_ref(self):
        for binding in self:
            if binding.model in self.env and binding.res_id:
                binding.record_ref = f"{binding.model},{binding.res_id}"
            else:
                binding.record_ref = False
