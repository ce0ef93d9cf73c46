# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Corrected replay: a new inbound message from an edited copy of a stored one.

The original stays as it was received (evidence); the copy is linked to it,
created by an Integration Manager, and both chatters say who did it and why."""

import json
import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..core import hashing

MANAGER_GROUP = "mfg_integration_base.mfg_integration_base_group_manager"
CORRECTABLE_STATES = ("failed", "dead", "rejected", "ignored")


class MfgMessageCorrection(models.TransientModel):
    _name = "mfg.message.correction"
    _description = "Corrected replay of an integration message"

    message_id = fields.Many2one("mfg.sync.message", required=True, readonly=True)
    payload_raw = fields.Text(string="Corrected payload", required=True)
    reason = fields.Char(required=True, help="Why the payload was corrected.")

    @api.model
    def default_get(self, fields_list):
        # The copy starts from the original payload, as it was received.
        vals = super().default_get(fields_list)
        if vals.get("message_id") and not vals.get("payload_raw"):
            message = self.env["mfg.sync.message"].browse(vals["message_id"])
            vals["payload_raw"] = message.payload_raw
        return vals

    def _check_can_correct(self):
        message = self.message_id
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Integration Managers make corrected replays.")
            )
        if message.direction != "inbound" or not (
            message.connector_id and message.flow_id
        ):
            raise UserError(
                self.env._(
                    "Only inbound messages of a known connector and flow "
                    "can be replayed corrected."
                )
            )
        if message.state not in CORRECTABLE_STATES:
            raise UserError(
                self.env._("A %s message cannot be replayed corrected.", message.state)
            )

    def _prepare_message_vals(self):
        """The copy: same route and correlation, the edited payload, a new key."""
        message = self.message_id
        vals = {
            "direction": "inbound",
            "connector_id": message.connector_id.id,
            "connector_code_received": message.connector_code_received,
            "flow_id": message.flow_id.id,
            "flow_code": message.flow_code,
            "idempotency_key": f"{message.idempotency_key}:corrected:"
            f"{uuid.uuid4().hex[:12]}",
            "correlation_id": message.correlation_id or message.idempotency_key,
            "content_type": message.content_type or "application/json",
            "payload_raw": self.payload_raw,
            "headers": message.headers,
            "state": "queued",
            "attempts": 0,
            "replay_of_id": message.id,
        }
        if vals["content_type"] == "application/xml":
            parser = message.flow_id._get_spec().xml_parser
            try:
                payload = parser(self.payload_raw.encode("utf-8"))
            except (ValueError, SyntaxError, TypeError) as err:
                raise UserError(
                    self.env._("The corrected XML cannot be read: %s", err)
                ) from err
            vals["payload_canonical"] = hashing.canonical_json(payload)
        else:
            try:
                payload = json.loads(self.payload_raw)
            except ValueError as err:
                raise UserError(
                    self.env._("The corrected payload is not valid JSON: %s", err)
                ) from err
            if not isinstance(payload, dict):
                raise UserError(self.env._("The corrected payload must be an object."))
        return vals

    def action_confirm(self):
        self.ensure_one()
        self._check_can_correct()
        original = self.message_id
        # sudo: messages are created by the engine only; create_uid keeps the
        # manager who made the copy.
        copy = (
            self.env["mfg.sync.message"]
            .sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(self._prepare_message_vals())
        )
        user = self.env.user.name
        author = self.env.user.partner_id
        copy._mfg_note(
            self.env._(
                "Corrected replay of %(name)s (id %(id)s) by %(user)s: %(reason)s",
                name=original.name,
                id=original.id,
                user=user,
                reason=self.reason,
            ),
            author=author,
        )
        original._mfg_note(
            self.env._(
                "Corrected copy %(name)s (id %(id)s) created by %(user)s: %(reason)s",
                name=copy.name,
                id=copy.id,
                user=user,
                reason=self.reason,
            ),
            author=author,
        )
        copy.flow_id._schedule_drain(eta=fields.Datetime.now())
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.sync.message",
            "res_id": copy.id,
            "view_mode": "form",
            "target": "current",
        }
