# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2 import sql

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

STATES = [
    ("received", "Received"),
    ("queued", "Queued"),
    ("done", "Done"),
    ("failed", "Failed"),
    ("dead", "Dead"),
    ("duplicate", "Duplicate"),
    ("parked", "Parked"),
    ("rejected", "Rejected"),
    ("ignored", "Ignored"),
]
# The columns of a queued outbound message that _mfg_store_outbound writes.
OUTBOUND_COLUMNS = (
    "direction",
    "connector_id",
    "flow_id",
    "flow_code",
    "company_id",
    "name",
    "idempotency_key",
    "ordering_key",
    "sequence",
    "payload_canonical",
    "state",
    "attempts",
    "res_model",
    "res_id",
    "create_uid",
    "write_uid",
)


def message_name(direction, flow_code, key):
    """A message's name: its direction's arrow, its flow and idempotency key."""
    arrow = "→" if direction == "outbound" else "←"
    return f"{arrow} {flow_code or '?'} {key or ''}"


ERROR_KINDS = [
    ("transient", "Transient"),
    ("permanent", "Permanent"),
    ("validation", "Validation"),
    ("conflict", "Conflict"),
]


class MfgSyncMessage(models.Model):
    _name = "mfg.sync.message"
    _description = "Integration Message"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound")], required=True, index=True
    )
    connector_id = fields.Many2one("mfg.connector", ondelete="restrict", index=True)
    connector_code_received = fields.Char(help="Connector code as the sender wrote it.")
    flow_id = fields.Many2one("mfg.flow", ondelete="restrict", index=True)
    flow_code = fields.Char(index=True)
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True
    )
    idempotency_key = fields.Char(index=True, copy=False)
    correlation_id = fields.Char(index=True)
    ordering_key = fields.Char()
    sequence = fields.Integer(string="Sequence number")
    content_type = fields.Char()
    payload_raw = fields.Text(string="Raw payload")
    payload_canonical = fields.Text(string="Canonical payload")
    format_notes = fields.Text(
        readonly=True,
        help="What the wire format's parser did not apply (elements it ignored).",
    )
    headers = fields.Text(string="Headers (sanitized)")
    state = fields.Selection(
        STATES, default="received", required=True, index=True, tracking=True
    )
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True)
    parked_at = fields.Datetime(readonly=True)
    error_kind = fields.Selection(ERROR_KINDS, readonly=True)
    error_text = fields.Text(readonly=True)
    error_details = fields.Text(readonly=True, help="JSON list of {path, message}.")
    # A database error's statement and values, a traceback's text: for the
    # people who configure the integration, never for a sender or a user.
    error_technical = fields.Text(
        readonly=True,
        groups="mfg_integration_base.mfg_integration_base_group_manager",
        string="Technical details",
    )
    http_status = fields.Integer(readonly=True)
    res_model = fields.Char(string="Record model", index=True)
    res_id = fields.Integer(string="Record id")
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        compute="_compute_record_ref",
        string="Record",
    )
    exception_activity_id = fields.Many2one(
        "mail.activity", readonly=True, ondelete="set null"
    )
    processed_at = fields.Datetime(readonly=True)
    # A corrected replay is a new message made from an edited copy of this one.
    replay_of_id = fields.Many2one(
        "mfg.sync.message",
        string="Corrected copy of",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    replay_ids = fields.One2many(
        "mfg.sync.message", "replay_of_id", string="Corrected copies", readonly=True
    )
    queued_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the current attempt was queued, if not at receipt: a retry's "
        "due time, or a person's retry or replay. Latency counts from it.",
    )
    # Float: an int4 overflows past ~24 days of latency (a message replayed late).
    latency_ms = fields.Float(
        string="Latency (ms)",
        readonly=True,
        aggregator="avg",
        digits=(16, 0),
        help="From receipt (or the current attempt's queueing) to the outcome.",
    )

    def init(self):
        # The idempotency key is enforced by the database, not by a search.
        cr = self.env.cr
        cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS mfg_sync_message_idempotency_uniq
                ON mfg_sync_message (connector_id, direction, idempotency_key)
             WHERE state NOT IN ('rejected', 'duplicate')
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_due_idx
                ON mfg_sync_message (flow_id, next_attempt_at, id)
             WHERE state = 'queued'
            """
        )
        # The connector's health: its last success is one index lookup, its
        # failing messages (few) a small partial index.
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_success_idx
                ON mfg_sync_message (connector_id, processed_at)
             WHERE state = 'done'
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_failing_idx
                ON mfg_sync_message (connector_id, write_date)
             WHERE error_kind IS NOT NULL AND state IN ('failed', 'dead', 'queued')
            """
        )
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_ordering_idx
                ON mfg_sync_message (connector_id, ordering_key, sequence)
             WHERE ordering_key IS NOT NULL
            """
        )

    @api.depends("flow_code", "idempotency_key", "direction")
    def _compute_name(self):
        for message in self:
            message.name = message_name(
                message.direction, message.flow_code, message.idempotency_key
            )

    @api.model
    def _selection_record_ref(self):
        return [(m.model, m.name) for m in self.env["ir.model"].sudo().search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for message in self:
            if message.res_model in self.env and message.res_id:
                message.record_ref = f"{message.res_model},{message.res_id}"
            else:
                message.record_ref = False

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # Messages are evidence of what a system sent or was sent: only the
        # engine (intake, outbox, corrected replay) creates them, in sudo.
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Integration messages are created by the integration engine "
                    "only. To process a corrected payload, use Corrected replay "
                    "on the original message (Integration Managers)."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        # Like queue_job's protected job fields: payloads, headers, routing
        # (connector, flow), state and outcome are the engine's; people act
        # through the buttons (retry, replay, ignore, corrected replay), which
        # write as sudo after their own checks. The chatter stays open.
        if not self.env.su:
            protected = sorted(set(vals) & self._mfg_protected_fields())
            if protected:
                raise AccessError(
                    self.env._(
                        "Integration messages cannot be edited (%(fields)s): "
                        "use Retry, Replay, Ignore or Corrected replay.",
                        fields=", ".join(protected),
                    )
                )
        return super().write(vals)

    @api.model
    def _mfg_store_outbound(self, flow, vals_list):
        """Store queued outbound messages of ``flow`` in one INSERT; returns them
        in order. ``vals_list``: idempotency_key, payload_canonical and optionally
        ordering_key, sequence, res_model, res_id.

        Raw SQL on purpose, as the intake's store: the ORM create of a
        mail.thread model costs a follow-up UPDATE of its stored computed fields
        (name, company) and its bookkeeping, which every business transaction
        with events paid (bench/README.md, event subscriptions). The rows are the
        engine's own; create_uid is the user whose change wrote them."""
        rows = [
            {
                "direction": "outbound",
                "connector_id": flow.connector_id.id,
                "flow_id": flow.id,
                "flow_code": flow.code,
                "company_id": flow.company_id.id or None,
                "name": message_name("outbound", flow.code, vals["idempotency_key"]),
                "idempotency_key": vals["idempotency_key"],
                "ordering_key": vals.get("ordering_key") or None,
                "sequence": vals.get("sequence") or None,
                "payload_canonical": vals["payload_canonical"],
                "state": "queued",
                "attempts": 0,
                "res_model": vals.get("res_model") or None,
                "res_id": vals.get("res_id") or None,
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
            }
            for vals in vals_list
        ]
        if not rows:
            return self.browse()
        row = sql.SQL(
            "({}, now() at time zone 'UTC', now() at time zone 'UTC')"
        ).format(sql.SQL(", ").join(sql.Placeholder() * len(OUTBOUND_COLUMNS)))
        query = sql.SQL(
            "INSERT INTO mfg_sync_message ({}, create_date, write_date) VALUES {} "
            "RETURNING id"
        ).format(
            sql.SQL(", ").join(map(sql.Identifier, OUTBOUND_COLUMNS)),
            sql.SQL(", ").join([row] * len(rows)),
        )
        self.env.cr.execute(
            query, [r[column] for r in rows for column in OUTBOUND_COLUMNS]
        )
        # Ids come from the sequence in the rows' order.
        return self.browse(sorted(id_ for (id_,) in self.env.cr.fetchall()))

    @api.model
    def _mfg_protected_fields(self):
        """Every field but the chatter's and activities' own."""
        open_fields = set(self.env["mail.thread"]._fields) | set(
            self.env["mail.activity.mixin"]._fields
        )
        return set(self._fields) - open_fields

    # ----------------------------------------------------------- accessors
    def _get_business_record(self):
        self.ensure_one()
        if self.res_model in self.env and self.res_id:
            return self.env[self.res_model].browse(self.res_id).exists()
        return None

    # -------------------------------------------------------------- actions
    def action_retry(self):
        """Queue failed or dead messages again, as they are."""
        for message in self:
            if message.state not in ("failed", "dead"):
                raise UserError(
                    self.env._("Only failed or dead messages can be retried.")
                )
            message._requeue(self.env._("Retried by %s", self.env.user.name))
        return True

    def action_replay(self):
        """Process the message again from its raw payload (re-mapped)."""
        for message in self:
            if message.state in ("rejected", "duplicate", "queued"):
                raise UserError(
                    self.env._("A %s message cannot be replayed.", message.state)
                )
            if message.direction == "inbound":
                message.sudo().payload_canonical = False
            message._requeue(self.env._("Replayed by %s", self.env.user.name))
        return True

    def action_ignore(self):
        for message in self:
            if message.state not in ("failed", "dead", "parked"):
                raise UserError(
                    self.env._("Only failed, dead or parked messages can be ignored.")
                )
            message.sudo().write({"state": "ignored", "next_attempt_at": False})
            note = self.env._("Ignored by %s", self.env.user.name)
            message._mfg_note(note, author=self.env.user.partner_id)
            message._mfg_close_exception_activity(feedback=note)
        self._mfg_release_parked()
        return True

    def action_correct_replay(self):
        """Open the corrected replay wizard on an edited copy of the payload."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.message.correction",
            "view_mode": "form",
            "target": "new",
            "context": {"default_message_id": self.id},
        }

    def action_open_record(self):
        self.ensure_one()
        record = self._get_business_record()
        if not record:
            raise UserError(self.env._("This message touched no record."))
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    def _requeue(self, note):
        self.ensure_one()
        self.sudo().write(
            {
                "state": "queued",
                "attempts": 0,
                "next_attempt_at": False,
                "parked_at": False,
                # The database's clock, as create_date (one clock for latency).
                "queued_at": self._mfg_db_now(),
            }
        )
        self._mfg_note(note, author=self.env.user.partner_id)
        self.flow_id._schedule_drain(eta=fields.Datetime.now())

    # ---------------------------------------------------------------- crons
    @api.model
    def _cron_vacuum(self):
        """Delete done, duplicate and rejected messages past the retention."""
        icp = self.env["ir.config_parameter"].sudo()
        days = int(icp.get_param("mfg_integration_base.retention_days", 30))
        limit_date = fields.Datetime.now() - timedelta(days=days)
        old = self.sudo().search(
            [
                ("state", "in", ("done", "duplicate", "rejected", "ignored")),
                ("create_date", "<", limit_date),
            ],
            limit=50000,
        )
        old.unlink()
        return len(old)
