# mfg.sync.message.attempt, with the message's timeline it feeds (one concern)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A message's story for people: its failed attempts (when, the HTTP status,
the error), its payloads pretty-printed, and a timeline on its form. Only
failures store a row: the common path (received, done) costs no insert."""

import json

from markupsafe import Markup, escape

from odoo import api, fields, models

from .mfg_sync_message import ERROR_KINDS, STATES


class MfgSyncMessageAttempt(models.Model):
    _name = "mfg.sync.message.attempt"
    _description = "Failed attempt of an integration message"
    _order = "message_id, number, id"

    message_id = fields.Many2one(
        "mfg.sync.message", required=True, ondelete="cascade", index=True
    )
    number = fields.Integer(required=True)
    # The dashboard's trends count the failed attempts of the last 24 hours.
    attempted_at = fields.Datetime(required=True, index=True)
    state_after = fields.Selection(STATES, string="Then")
    error_kind = fields.Selection(ERROR_KINDS)
    http_status = fields.Integer(string="HTTP status")
    error_text = fields.Text()


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    attempt_ids = fields.One2many(
        "mfg.sync.message.attempt", "message_id", string="Failed attempts"
    )
    payload_canonical_pretty = fields.Text(
        string="Canonical payload (formatted)", compute="_compute_payload_pretty"
    )
    payload_raw_pretty = fields.Text(
        string="Raw payload (formatted)", compute="_compute_payload_pretty"
    )
    timeline_html = fields.Html(
        string="Timeline", compute="_compute_timeline_html", sanitize=False
    )

    @api.depends("payload_canonical", "payload_raw")
    def _compute_payload_pretty(self):
        for message in self:
            message.payload_canonical_pretty = _pretty_json(message.payload_canonical)
            message.payload_raw_pretty = _pretty_json(message.payload_raw)

    @api.depends("create_date", "state", "processed_at", "attempt_ids")
    def _compute_timeline_html(self):
        states = dict(STATES)
        for message in self:
            # Every value is escaped: error texts come from other systems.
            items = [
                (message.create_date, self.env._("Received"), "", "text-info"),
            ]
            for attempt in message.sudo().attempt_ids:
                status = (
                    self.env._("HTTP %s", attempt.http_status)
                    if attempt.http_status
                    else ""
                )
                detail = " · ".join(
                    part
                    for part in (
                        status,
                        (attempt.error_text or "").splitlines()[0][:300]
                        if attempt.error_text
                        else "",
                    )
                    if part
                )
                items.append(
                    (
                        attempt.attempted_at,
                        self.env._(
                            "Attempt %(number)s failed (%(kind)s) → %(state)s",
                            number=attempt.number,
                            kind=attempt.error_kind or "-",
                            state=states.get(attempt.state_after, "-"),
                        ),
                        detail,
                        "text-danger",
                    )
                )
            if message.state == "done":
                items.append(
                    (
                        message.processed_at,
                        self.env._("Done after %s attempt(s)", message.attempts),
                        "",
                        "text-success",
                    )
                )
            elif message.state not in ("failed", "dead"):
                items.append(
                    (
                        message.next_attempt_at,
                        self.env._("Now: %s", states.get(message.state)),
                        self.env._("next attempt at this time")
                        if message.next_attempt_at
                        else "",
                        "text-muted",
                    )
                )
            message.timeline_html = _timeline(items)

    # ------------------------------------------------------------ recording
    def _mfg_fail(self, kind, text, *args, **kwargs):
        result = super()._mfg_fail(kind, text, *args, **kwargs)
        self._mfg_log_attempt()
        return result

    def _mfg_wait_endpoint_gone(self, text, http_status):
        result = super()._mfg_wait_endpoint_gone(text, http_status)
        self._mfg_log_attempt()
        return result

    def _mfg_log_attempt(self):
        """One row per failed attempt, for the timeline (engine bookkeeping)."""
        self.ensure_one()
        self.env["mfg.sync.message.attempt"].sudo().create(
            {
                "message_id": self.id,
                "number": self.attempts,
                "attempted_at": fields.Datetime.now(),
                "state_after": self.state,
                "error_kind": self.error_kind,
                "http_status": self.http_status,
                "error_text": self.error_text,
            }
        )


def _pretty_json(text):
    """Indented JSON; any other text (XML, a broken body) as it is."""
    if not text:
        return False
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def _timeline(items):
    rows = Markup("").join(
        Markup(
            '<li class="mb-1"><span class="text-muted me-2">%s</span>'
            '<strong class="%s">%s</strong>%s</li>'
        )
        % (
            fields.Datetime.to_string(when) if when else "",
            css,
            label,
            Markup('<div class="small ms-4">%s</div>') % detail if detail else "",
        )
        for when, label, detail, css in items
    )
    return Markup('<ul class="list-unstyled mb-0">%s</ul>') % escape(rows)
