# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Bulk replay: retry or replay every failed or dead message of a connector (or
one flow) since a time, after a dry run that shows them, as one queued job."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "mfg_integration_base.mfg_integration_base_group_manager"
REPLAYABLE_STATES = ("failed", "dead")
# The dry run lists this many; the count covers them all.
PREVIEW_LIMIT = 200


class MfgBulkReplay(models.TransientModel):
    _name = "mfg.bulk.replay"
    _description = "Bulk replay of failed and dead integration messages"

    connector_id = fields.Many2one("mfg.connector", required=True)
    flow_id = fields.Many2one(
        "mfg.flow",
        domain="[('connector_id', '=', connector_id)]",
        help="Leave empty for every flow of the connector.",
    )
    since = fields.Datetime(
        required=True,
        default=lambda self: fields.Datetime.now() - timedelta(hours=24),
        help="Messages received (or emitted) from then on.",
    )
    mode = fields.Selection(
        [
            ("retry", "Retry as they are"),
            ("replay", "Replay (inbound: map the raw payload again)"),
        ],
        default="retry",
        required=True,
    )
    match_count = fields.Integer(string="Messages", compute="_compute_matches")
    message_ids = fields.Many2many(
        "mfg.sync.message",
        compute="_compute_matches",
        string="Messages to replay",
        help=f"The first {PREVIEW_LIMIT}, oldest first.",
    )

    @api.model
    def default_get(self, fields_list):
        # Opened from selected messages: their connector, flow and time span.
        vals = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "mfg.sync.message" and context.get(
            "active_ids"
        ):
            messages = self.env["mfg.sync.message"].browse(context["active_ids"])
            if len(messages.connector_id) == 1:
                vals["connector_id"] = messages.connector_id.id
            if len(messages.flow_id) == 1:
                vals["flow_id"] = messages.flow_id.id
            vals["since"] = min(messages.mapped("create_date"))
        return vals

    def _domain(self):
        self.ensure_one()
        domain = [
            ("connector_id", "=", self.connector_id.id),
            ("state", "in", REPLAYABLE_STATES),
            ("create_date", ">=", self.since),
        ]
        if self.flow_id:
            domain.append(("flow_id", "=", self.flow_id.id))
        return domain

    @api.depends("connector_id", "flow_id", "since")
    def _compute_matches(self):
        Message = self.env["mfg.sync.message"]
        for wizard in self:
            if not (wizard.connector_id and wizard.since):
                wizard.match_count = 0
                wizard.message_ids = Message
                continue
            domain = wizard._domain()
            wizard.match_count = Message.search_count(domain)
            wizard.message_ids = Message.search(domain, order="id", limit=PREVIEW_LIMIT)

    def action_run(self):
        """Enqueue one job that requeues every matching message."""
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only Integration Managers replay messages in bulk.")
            )
        messages = self.env["mfg.sync.message"].search(self._domain(), order="id")
        if not messages:
            raise UserError(self.env._("No failed or dead message matches."))
        connector = self.connector_id
        scope = self.flow_id.name or self.env._("all flows")
        connector._mfg_note(
            self.env._(
                "Bulk %(mode)s of %(count)s failed or dead message(s) of "
                "%(scope)s since %(since)s (UTC) requested by %(user)s.",
                mode=self.mode,
                count=len(messages),
                scope=scope,
                since=self.since,
                user=self.env.user.name,
            )
        )
        connector.with_delay(
            channel="root.mfg",
            description=f"Bulk {self.mode} of {len(messages)} message(s) of "
            f"{connector.code}",
        )._mfg_bulk_replay(messages.ids, self.mode, self.env.user.name)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": connector.name,
                "message": self.env._(
                    "%s message(s) will be requeued by a background job.",
                    len(messages),
                ),
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
