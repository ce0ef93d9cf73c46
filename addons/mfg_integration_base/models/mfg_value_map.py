# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgValueMap(models.Model):
    _name = "mfg.value.map"
    _description = "Integration Value Map"
    _order = "mapping_id, external_value"

    mapping_id = fields.Many2one(
        "mfg.field.mapping", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="mapping_id.company_id", store=True)
    external_value = fields.Char(required=True)
    canonical_value = fields.Char(required=True)

    _sql_constraints = [
        (
            "external_uniq",
            "unique(mapping_id, external_value)",
            "An external value is mapped once per mapping.",
        ),
    ]
