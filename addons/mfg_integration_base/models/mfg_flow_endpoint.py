# mfg.flow, split: an outbound flow's endpoint, disabled and re-enabled (own state)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The endpoint of an outbound flow (<base URL>/<flow code>): enabled, failing
since when, disabled (410 Gone, or failing too long) and re-enabled."""

from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    endpoint_state = fields.Selection(
        [("enabled", "Enabled"), ("disabled", "Disabled")],
        default="enabled",
        required=True,
        readonly=True,
        copy=False,
        help="Outbound flows only: a disabled endpoint is sent nothing; its "
        "messages wait (queued) until it is re-enabled.",
        mfg_template=False,
    )
    endpoint_failing_since = fields.Datetime(
        readonly=True,
        copy=False,
        help="First failed send since the endpoint's last success.",
        mfg_template=False,
    )
    endpoint_disabled_at = fields.Datetime(
        readonly=True, copy=False, mfg_template=False
    )
    endpoint_disabled_reason = fields.Text(
        readonly=True, copy=False, mfg_template=False
    )

    # --------------------------------------------------------------- health
    def _mfg_endpoint_delivered(self):
        """A send succeeded: the endpoint is no longer failing. Writes the flow
        row only when it was (every send shares it)."""
        if self.endpoint_failing_since:
            self.sudo().endpoint_failing_since = False

    def _mfg_endpoint_failed(self, reason):
        """A send failed transiently. Returns True when this disabled the
        endpoint (it has failed longer than the connector allows)."""
        self.ensure_one()
        now = fields.Datetime.now()
        if not self.endpoint_failing_since:
            self.sudo().endpoint_failing_since = now
            return False
        hours = self.connector_id.endpoint_disable_after_hours
        if hours > 0 and self.endpoint_failing_since <= now - timedelta(hours=hours):
            self._mfg_disable_endpoint(
                self.env._(
                    "failing since %(since)s (UTC), longer than %(hours)s h; "
                    "last error: %(error)s",
                    since=self.endpoint_failing_since,
                    hours=hours,
                    error=reason,
                )
            )
            return True
        return False

    def _mfg_endpoint_in_outage(self):
        """True while the endpoint has not delivered since its first failure:
        messages then wait for it instead of going dead."""
        self.ensure_one()
        return bool(self.endpoint_failing_since) or self.endpoint_state == "disabled"

    def _mfg_disable_endpoint(self, reason):
        """Stop sending to this flow's endpoint; tell the responsible."""
        self.ensure_one()
        if self.endpoint_state == "disabled":
            return
        now = fields.Datetime.now()
        self.sudo().write(
            {
                "endpoint_state": "disabled",
                "endpoint_disabled_at": now,
                "endpoint_disabled_reason": reason,
                "endpoint_failing_since": self.endpoint_failing_since or now,
            }
        )
        connector = self.sudo().connector_id
        text = self.env._(
            "Endpoint of %(flow)s disabled: %(reason)s. Its messages wait; "
            "re-enable it on the connector once the receiver is fixed.",
            flow=self.name,
            reason=reason,
        )
        self.env["mail.activity"]._mfg_upsert_exception(
            connector,
            self._mfg_endpoint_problem_key(),
            self.env._("Endpoint disabled: %s", self.name),
            Markup("<p>%s</p>") % text,
            self._mfg_responsible(),
        )
        connector._mfg_note(text)

    def _mfg_endpoint_problem_key(self):
        return f"endpoint:{self.id}"

    # -------------------------------------------------------------- actions
    def action_enable_endpoint(self):
        """Re-enable the endpoint and requeue, in their order, the messages that
        waited for it: each starts its delivery schedule again. Integration
        Managers only (those who may change a flow)."""
        self.check_access("write")
        for flow in self:
            if flow.endpoint_state != "disabled":
                raise UserError(
                    self.env._("The endpoint of %s is not disabled.", flow.name)
                )
            flow.sudo().write(
                {
                    "endpoint_state": "enabled",
                    "endpoint_failing_since": False,
                    "endpoint_disabled_at": False,
                    "endpoint_disabled_reason": False,
                }
            )
            waiting = flow._mfg_endpoint_waiting_messages()
            waiting._mfg_bookkeeping().write(
                {
                    "next_attempt_at": False,
                    "attempts": 0,
                    # Latency counts from the re-enabling, as after a retry.
                    "queued_at": waiting._mfg_db_now(),
                }
            )
            note = self.env._(
                "Endpoint of %(flow)s re-enabled by %(user)s; %(count)s waiting "
                "message(s) requeued.",
                flow=flow.name,
                user=self.env.user.name,
                count=len(waiting),
            )
            connector = flow.sudo().connector_id
            self.env["mail.activity"]._mfg_close_exception(
                connector, flow._mfg_endpoint_problem_key(), feedback=note
            )
            connector._mfg_note(note)
            flow._schedule_drain(eta=fields.Datetime.now())
        return True

    def _mfg_endpoint_waiting_messages(self):
        self.ensure_one()
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("flow_id", "=", self.id),
                    ("direction", "=", "outbound"),
                    ("state", "=", "queued"),
                ],
                order="id",
            )
        )
