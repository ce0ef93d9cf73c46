# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MaintenanceEquipment(models.Model):
    _inherit = "maintenance.equipment"

    # Community has no mrp_maintenance: this is the link between a machine and
    # the work center it belongs to.
    mfg_workcenter_id = fields.Many2one(
        "mrp.workcenter",
        string="Work Center",
        check_company=True,
        index=True,
        help="Work center this equipment belongs to: a blocking maintenance alert "
        "on the equipment blocks this work center.",
    )
