# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    kind = fields.Selection(
        selection_add=[("plm", "PLM")], ondelete={"plm": "set default"}
    )
    plm_auto_approve = fields.Boolean(
        string="Approve PLM releases automatically",
        help="Releases that pass validation are approved without an Engineering "
        "Approver, and applied as soon as their effectivity date has come.",
        mfg_template="plm",
    )
    plm_change_ids = fields.One2many(
        "mfg.plm.change", "connector_id", string="Engineering changes"
    )
    plm_change_count = fields.Integer(compute="_compute_plm_change_count")

    def _compute_plm_change_count(self):
        counts = dict(
            self.env["mfg.plm.change"]._read_group(
                [("connector_id", "in", self.ids)], ["connector_id"], ["__count"]
            )
        )
        for connector in self:
            connector.plm_change_count = counts.get(connector, 0)

    def action_view_plm_changes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "plm_connector.mfg_plm_change_action"
        )
        action["domain"] = [("connector_id", "=", self.id)]
        action["context"] = {"default_connector_id": self.id}
        return action
