# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    kind = fields.Selection(
        selection_add=[("mes", "MES")], ondelete={"mes": "set default"}
    )
    mes_release_trigger = fields.Selection(
        [
            ("confirm", "On confirmation"),
            ("components_ready", "When components are ready"),
            ("manual", "Manually (Release to MES button)"),
        ],
        string="Release MOs to the MES",
        default="confirm",
        help="When a manufacturing order is sent to this MES as mes.order.released. "
        "The Release to MES button works whatever the trigger.",
        mfg_template="mes",
    )
    mes_auto_done = fields.Boolean(
        string="Close MOs on completion",
        help="When the MES reports the full quantity (or a final completion), mark the "
        "MO done with Odoo's backorder rules. Otherwise the planner closes it.",
        mfg_template="mes",
    )
    mes_backorder_policy = fields.Selection(
        [("backorder", "Create a backorder"), ("close", "Close without backorder")],
        string="Under-production (operation type asks)",
        default="backorder",
        help="What to do with the rest of an MO closed short when its operation type "
        "is set to ask about backorders. 'Always' and 'Never' types are obeyed as set.",
        mfg_template="mes",
    )
    mes_create_finished_lots = fields.Boolean(
        string="Create finished lots",
        help="Create the finished lot or serial number the MES reports when it "
        "does not exist yet. Otherwise an unknown finished lot fails the event.",
        mfg_template="mes",
    )
