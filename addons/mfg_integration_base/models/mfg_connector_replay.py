# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The job behind the bulk replay wizard: requeue an incident's messages."""

from odoo import fields, models

from ..wizards.mfg_bulk_replay import REPLAYABLE_STATES


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    def _mfg_bulk_replay(self, message_ids, mode, requested_by):
        """Job: requeue the listed messages still failed or dead (a person may
        have retried some since), in one write, and log it on the connector.
        ``mode`` "replay" maps inbound raw payloads again."""
        self.ensure_one()
        messages = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("id", "in", message_ids),
                    ("connector_id", "=", self.id),
                    ("state", "in", REPLAYABLE_STATES),
                ],
                order="id",
            )
        )
        if mode == "replay":
            messages.filtered(
                lambda m: m.direction == "inbound"
            )._mfg_bookkeeping().write({"payload_canonical": False})
        messages._mfg_bookkeeping().write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": False,
                "parked_at": False,
                "queued_at": messages._mfg_db_now(),
            }
        )
        messages.flow_id._schedule_drain(eta=fields.Datetime.now())
        self._mfg_note(
            self.env._(
                "Bulk %(mode)s requested by %(user)s: %(count)s message(s) "
                "requeued (%(skipped)s no longer failed or dead).",
                mode=mode,
                user=requested_by,
                count=len(messages),
                skipped=len(message_ids) - len(messages),
            )
        )
        return f"{len(messages)} message(s) requeued"
