# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..core import validation

PROBLEM_SELECTION = [
    *validation.PROBLEM_CODES.items(),
    ("apply_error", "Could not apply"),
]


class MfgPlmChangeProblem(models.Model):
    _name = "mfg.plm.change.problem"
    _description = "Problem found validating an engineering change"
    _order = "change_id, id"

    change_id = fields.Many2one(
        "mfg.plm.change", required=True, ondelete="cascade", index=True
    )
    code = fields.Selection(PROBLEM_SELECTION, required=True)
    reference = fields.Char()
    message = fields.Text(required=True)
