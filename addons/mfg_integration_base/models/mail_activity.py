# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import SUPERUSER_ID, api, fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    mfg_problem_key = fields.Char(
        index="btree_not_null",
        help="Identifies one integration problem on a record: a repeat updates "
        "the open activity instead of adding another.",
    )

    @api.model
    def _mfg_upsert_exception(self, record, key, summary, note, user):
        """One open 'Integration exception' activity per (record, key), assigned
        by the system (see ``_mfg_as_system``)."""
        activity_type = self.env.ref(
            "mfg_integration_base.mail_activity_type_integration_exception"
        )
        activities = self._mfg_as_system()
        existing = activities.search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("mfg_problem_key", "=", key),
            ],
            limit=1,
        )
        vals = {
            "summary": summary,
            "note": note,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self),
        }
        if existing:
            existing.write(vals)
            return existing
        vals.update(
            {
                "activity_type_id": activity_type.id,
                "res_model_id": self.env["ir.model"]._get_id(record._name),
                "res_id": record.id,
                "mfg_problem_key": key,
            }
        )
        return activities.create(vals)

    @api.model
    def _mfg_as_system(self, records=None):
        """``records`` (default: this model) as the system user (OdooBot), who
        assigns the engine's activities: whoever triggers one (a technical user, a
        planner) may not be allowed to post on the record, and the "assigned to
        you" e-mail Odoo sends the assignee needs a sender address, which a
        technical user need not have (the mail would go out with no sender and be
        refused)."""
        return (self if records is None else records).with_user(SUPERUSER_ID)

    @api.model
    def _mfg_schedule_todo(self, record, summary, user, note=None):
        """A to-do activity for ``user`` on ``record`` (approve a change, plan a
        rework), assigned by the system like exception activities."""
        return self._mfg_as_system(record).activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, note=note, user_id=user.id
        )

    @api.model
    def _mfg_close_exception(self, record, key, feedback=None):
        activities = self.sudo().search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("mfg_problem_key", "=", key),
            ]
        )
        if activities:
            activities.action_feedback(feedback=feedback or self.env._("Resolved."))
        return activities
