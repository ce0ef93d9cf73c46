# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The workflow of an engineering change: submit, approve, reject, apply (button
and scheduled action)."""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.mfg_integration_base.exceptions import MfgTransientError

from ..exceptions import PlmApplyError
from .mfg_plm_change import PENDING_STATES


class MfgPlmChange(models.Model):
    _inherit = "mfg.plm.change"

    # --------------------------------------------------------- state changes
    def _plm_submit(self):
        """validated → approved (connector auto-approves, or the ECO is approved)
        or to_approve, with a to-do for the responsible."""
        self.ensure_one()
        if self.connector_id.plm_auto_approve:
            self._plm_approve(self.env._("Approved automatically (connector setting)."))
        elif self.parent_id.state in ("approved", "applied"):
            self._plm_approve(
                self.env._(
                    "Approved with engineering change order %s.", self.parent_id.name
                )
            )
        else:
            self.sudo().state = "to_approve"
            self.env["mail.activity"]._mfg_schedule_todo(
                self,
                self.env._("Approve engineering change %s", self.name),
                self._plm_responsible(),
            )

    def _plm_approve(self, note=None):
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        if note:
            self._mfg_note(note)
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        if self.release_type == "change":
            self._plm_approve_waiting_releases()

    def _plm_check_approver(self):
        if not self.env.user.has_group("plm_connector.plm_connector_group_approver"):
            raise UserError(self.env._("Only an Engineering Approver can do this."))

    def action_validate(self):
        """Validate again (after the master data was fixed) and submit."""
        for change in self:
            if change.state not in ("received", "validated"):
                raise UserError(
                    self.env._("Change %s is past validation.", change.name)
                )
            if change._plm_supersede_if_older():
                continue
            if change._plm_validate():
                change._plm_submit()
        return True

    def action_approve(self):
        self._plm_check_approver()
        for change in self:
            if change.state != "to_approve":
                raise UserError(
                    self.env._("Change %s is not waiting for approval.", change.name)
                )
            # An ECO adopts any release of its number still unlinked first.
            change._plm_link_releases()
            change._plm_approve()
        return True

    def action_reject(self):
        self._plm_check_approver()
        for change in self:
            if change.state not in ("received", "validated", "to_approve", "approved"):
                raise UserError(
                    self.env._("Change %s can no longer be rejected.", change.name)
                )
            change.sudo().state = "rejected"
            if change.release_type == "change":
                # Rejecting an ECO rejects its releases still waiting.
                change.child_ids.filtered(
                    lambda c: c.state in PENDING_STATES
                ).action_reject()
            change.sudo().activity_unlink(["mail.mail_activity_data_todo"])
            self.env["mail.activity"]._mfg_close_exception(
                change.sudo(), change._plm_exception_key()
            )
        return True

    def action_apply(self):
        """Button: apply an approved change whose effectivity date has come."""
        self._plm_check_approver()
        failures = []
        for change in self:
            if change.state != "approved":
                raise UserError(self.env._("Change %s is not approved.", change.name))
            if not change._plm_is_due():
                raise UserError(
                    self.env._(
                        "Change %(name)s takes effect on %(date)s: "
                        "the scheduled action "
                        "applies it then, the BOM in effect stays until that day.",
                        name=change.name,
                        date=change._plm_effective_from(),
                    )
                )
            if not change._plm_try_apply():
                failures.append(change)
        if failures:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Not applied"),
                    "message": "\n".join(p.message for p in failures[0].problem_ids)
                    or self.env._(
                        "Another job is changing %s at this moment: try again.",
                        failures[0].name,
                    ),
                    "type": "danger",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        return True

    def _plm_try_apply(self, revalidate=True):
        """Apply in a savepoint: on failure nothing of it stays, the error is
        written on the change with an activity, and False is returned."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._plm_apply(revalidate=revalidate)
        except MfgTransientError:
            # A job stages a release of the same change number right now:
            # nothing is wrong with the change, the next run applies it.
            return False
        except (PlmApplyError, UserError, ValidationError) as err:
            self._plm_record_apply_error(err)
            return False
        return True

    def _plm_record_apply_error(self, err):
        text = err.args[0] if err.args else str(err)
        found = getattr(err, "problems", None) or [
            {"code": "apply_error", "reference": self.part_number, "message": text}
        ]
        self._plm_write_problems(found)
        problems = self.problem_ids
        self._mfg_note(self.env._("Not applied: %s", text))
        self.env["mail.activity"]._mfg_upsert_exception(
            self.sudo(),
            self._plm_exception_key(),
            self.env._("Engineering change %s could not be applied", self.name),
            self._plm_problems_html(problems.mapped("message")),
            self._plm_responsible(),
        )

    @api.model
    def _cron_apply_due(self, limit=50):
        """Apply approved changes whose effectivity date has come."""
        today = fields.Date.context_today(self)
        due = self.search(
            [
                ("state", "=", "approved"),
                "|",
                ("effectivity_date", "=", False),
                ("effectivity_date", "<=", today),
            ],
            order="effectivity_date, id",
            limit=limit,
        )
        # An ECO waits for the effectivity of its releases (all or nothing).
        due = due.filtered(lambda change: change._plm_is_due(today))
        for change in due:
            change._plm_try_apply()
        return due
