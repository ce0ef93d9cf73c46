# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models

from ..core import rules as schedule_rules

OUTCOME_SELECTION = [
    (code, label) for code, (_kind, label) in schedule_rules.OUTCOMES.items()
]
KIND_SELECTION = [
    ("applied", "Applied"),
    ("unchanged", "Unchanged"),
    ("ignored", "Ignored"),
    ("refused", "Refused"),
]


class MfgSchedulerScheduleLine(models.Model):
    _name = "mfg.scheduler.schedule.line"
    _description = "Published Schedule Line"
    _order = "schedule_id, line_index"

    schedule_id = fields.Many2one(
        "mfg.scheduler.schedule",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="schedule_id.company_id", store=True, index=True, readonly=True
    )
    line_index = fields.Integer(
        readonly=True, help="Position of the line in the payload."
    )
    mo_ref = fields.Char(string="MO reference", readonly=True)
    workorder_ref = fields.Char(string="Work order reference", readonly=True)
    workcenter_code = fields.Char(string="Work center code", readonly=True)
    date_start = fields.Datetime(string="Start", readonly=True)
    date_finished = fields.Datetime(string="End", readonly=True)
    scheduler_sequence = fields.Integer(readonly=True)
    production_id = fields.Many2one(
        "mrp.production",
        string="Manufacturing order",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    workorder_id = fields.Many2one(
        "mrp.workorder", string="Work order", readonly=True, ondelete="set null"
    )
    workcenter_id = fields.Many2one(
        "mrp.workcenter", string="Work center", readonly=True, ondelete="set null"
    )
    outcome = fields.Selection(OUTCOME_SELECTION, readonly=True, index=True)
    outcome_kind = fields.Selection(KIND_SELECTION, readonly=True, index=True)
    reason = fields.Char(readonly=True)

    def _scheduler_note_html(self):
        """HTML list of these lines (the refused ones), for the planner's activity."""
        items = Markup("").join(
            Markup("<li>%s %s: %s → %s @ %s: %s</li>")
            % (
                line.mo_ref or "?",
                line.workorder_ref or "?",
                fields.Datetime.to_string(line.date_start) or "?",
                fields.Datetime.to_string(line.date_finished) or "?",
                line.workcenter_code or "-",
                line.reason or "",
            )
            for line in self
        )
        return Markup("<ul>%s</ul>") % items
