# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound messages of one ordering key leave in sequence; a delivered feed page
moves its feed's cursor."""

from datetime import timedelta

from odoo import fields, models

# An earlier message of the key in one of these states holds the later ones.
HOLDING_STATES = ("queued", "failed", "dead", "parked")
# How often a message held by a failed or dead predecessor looks again (the
# predecessor's own activity asks a person to act; its success releases at once).
HELD_RECHECK = timedelta(minutes=5)


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _mfg_process_one(self, claimed=None):
        held_until = self._mfg_outbound_held_until()
        if held_until:
            # Not an attempt: the message waits, its attempts stay untouched.
            self._mfg_bookkeeping().write({"next_attempt_at": held_until})
            return self.browse()
        return super()._mfg_process_one(claimed)

    def _mfg_outbound_predecessor(self):
        """The earliest undelivered outbound message of this one's key."""
        self.ensure_one()
        if not (self.direction == "outbound" and self.ordering_key and self.sequence):
            return self.browse()
        return self.sudo().search(
            [
                ("connector_id", "=", self.connector_id.id),
                ("direction", "=", "outbound"),
                ("ordering_key", "=", self.ordering_key),
                ("sequence", "<", self.sequence),
                ("state", "in", HOLDING_STATES),
            ],
            order="sequence, id",
            limit=1,
        )

    def _mfg_outbound_held_until(self):
        predecessor = self._mfg_outbound_predecessor()
        if not predecessor:
            return None
        now = fields.Datetime.now()
        if predecessor.state == "queued" and predecessor.next_attempt_at:
            return max(predecessor.next_attempt_at, now) + timedelta(seconds=1)
        return now + HELD_RECHECK

    def _mfg_after_outcome(self, outcome, record, extra_vals=None):
        result = super()._mfg_after_outcome(outcome, record, extra_vals=extra_vals)
        if outcome == "done" and self.direction == "outbound":
            if self.flow_id.code == "generic.feed":
                self.flow_id._mfg_feed_delivered(self)
            self._mfg_release_outbound_successor()
        return result

    def _mfg_release_outbound_successor(self):
        """The next message of the key goes now instead of at its re-check."""
        if not (self.ordering_key and self.sequence):
            return
        successor = self.sudo().search(
            [
                ("connector_id", "=", self.connector_id.id),
                ("direction", "=", "outbound"),
                ("ordering_key", "=", self.ordering_key),
                ("sequence", ">", self.sequence),
                ("state", "=", "queued"),
            ],
            order="sequence, id",
            limit=1,
        )
        now = fields.Datetime.now()
        if successor.next_attempt_at and successor.next_attempt_at > now:
            successor._mfg_bookkeeping().write({"next_attempt_at": now})
            successor.flow_id._schedule_drain(eta=now)
