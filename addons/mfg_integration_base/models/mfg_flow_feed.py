# mfg.flow, split: batch feeds (generic.feed), a transport with its own fields, cursor
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Batch feeds: a ``generic.feed`` flow sends, on its interval, every record of its
model changed since the last page the system accepted, in pages.

The cursor is ``(write_date, id)`` of the last record of the last *delivered*
page. One page is in the outbox at a time: the next page is built when the
previous one is done, so a page that fails is retried as it was (same records,
same idempotency key) and the cursor never passes a record that was not
delivered; nothing is skipped or sent twice.
"""

import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..core import record_paths

FEED_FLOW = "generic.feed"
PENDING_STATES = ("received", "queued", "failed", "dead", "parked")


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    # generic.event: the subscriptions that send through this flow
    subscription_ids = fields.One2many(
        "mfg.event.subscription", "flow_id", string="Event subscriptions"
    )
    # generic.feed
    feed_field_paths = fields.Text(
        string="Fields to send",
        help="Batch feed: one field path per line (e.g. name, partner_id.name). "
        "The record's id is always sent.",
        mfg_template=True,
    )
    feed_domain = fields.Char(
        string="Only records matching",
        default="[]",
        help="Batch feed: a literal domain on the model.",
        mfg_template=True,
    )
    feed_format = fields.Selection(
        [("jsonl", "JSON Lines"), ("csv", "CSV")], default="jsonl", mfg_template=True
    )
    feed_page_size = fields.Integer(string="Page size", default=500, mfg_template=True)
    # The exact write_date (microseconds): a Datetime field would round it to
    # the second and resend the records written in that second.
    feed_cursor_date = fields.Char(
        string="Cursor: last write date", readonly=True, mfg_template=False
    )
    feed_cursor_id = fields.Integer(
        string="Cursor: last id", readonly=True, mfg_template=False
    )
    feed_user_id = fields.Many2one(
        "res.users",
        string="Feed configured by",
        readonly=True,
        help="The feed sends the fields this person may read, of the records of "
        "the connector's company that they may see.",
        mfg_template=False,
    )

    @api.constrains(
        "code", "target_model_id", "feed_field_paths", "feed_domain", "feed_page_size"
    )
    def _check_feed(self):
        payload = self.env["mfg.record.payload"]
        for flow in self.filtered(lambda f: f.code == FEED_FLOW):
            if not flow.target_model_id:
                raise ValidationError(
                    self.env._("A batch feed needs a model (Target model).")
                )
            payload._mfg_check_model(flow.target_model_id.model)
            paths = payload._mfg_paths_of(flow.feed_field_paths)
            payload._mfg_check_paths(
                flow.target_model_id.model, paths, flow.feed_user_id or self.env.user
            )
            flow._mfg_feed_domain()
            if flow.feed_page_size < 1:
                raise ValidationError(self.env._("The page size must be at least 1."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("code") == FEED_FLOW:
                vals["feed_user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        feed_keys = {"target_model_id", "feed_field_paths", "feed_domain"}
        if feed_keys & vals.keys():
            # Whoever changes what a feed sends answers for it from now on.
            vals = {**vals, "feed_user_id": self.env.uid}
        return super().write(vals)

    # ------------------------------------------------------------ rendering
    def _render_outbound(self, payload, message):
        if self.code != FEED_FLOW:
            return super()._render_outbound(payload, message)
        return record_paths.render_page(
            payload["records"], payload["paths"], payload["format"]
        )

    # ---------------------------------------------------------------- pages
    def _mfg_feed_domain(self):
        self.ensure_one()
        return self.env["mfg.record.payload"]._mfg_literal_domain(
            self.target_model_id.model, self.feed_domain, self.name
        )

    def _mfg_feed_watermark(self):
        """Records written by a transaction still running may carry an earlier
        write_date than records already committed (write_date is the start of
        its transaction): a page only reads below the start of the oldest
        transaction still open in this database, so such a record is never
        passed by the cursor before it is visible. Only clients' transactions
        count (an autovacuum worker's writes no record)."""
        self.env.cr.execute(
            """
            SELECT LEAST(MIN(xact_start), clock_timestamp()) AT TIME ZONE 'UTC'
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND backend_type = 'client backend' AND xact_start IS NOT NULL
            """
        )
        return self.env.cr.fetchone()[0]

    def _mfg_feed_pending(self):
        self.ensure_one()
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search_count(
                [("flow_id", "=", self.id), ("state", "in", PENDING_STATES)], limit=1
            )
        )

    def _mfg_feed_next_page(self):
        """Write the next page in the outbox (None when nothing changed, or when
        a page is still on its way)."""
        self.ensure_one()
        flow = self.sudo()
        if flow._mfg_feed_pending():
            return None
        payload_model = self.env["mfg.record.payload"]
        model = flow.target_model_id.model
        owner = flow.feed_user_id
        domain = flow._mfg_feed_domain() + payload_model._mfg_company_domain(
            model, flow.company_id
        )
        # The owner's record rules decide what the feed sees; the values are
        # read as superuser in the connector's company (see the subscriptions).
        Model = (
            self.env[model]
            .with_user(owner)
            .with_context(active_test=False, allowed_company_ids=[])
        )
        query = Model._search(domain, order="write_date, id", limit=flow.feed_page_size)
        table = SQL.identifier(Model._table)
        query.add_where(SQL("%s.write_date < %s", table, flow._mfg_feed_watermark()))
        if flow.feed_cursor_date:
            query.add_where(
                SQL(
                    "(%s.write_date, %s.id) > (%s::timestamp, %s)",
                    table,
                    table,
                    flow.feed_cursor_date,
                    flow.feed_cursor_id,
                )
            )
        self.env.cr.execute(
            query.select(SQL("%s.id, %s.write_date::text", table, table))
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return None
        records = (
            self.env[model]
            .sudo()
            .with_company(flow.company_id)
            .browse([row[0] for row in rows])
        )
        paths = payload_model._mfg_paths_of(flow.feed_field_paths)
        last_id, last_date = rows[-1]
        cursor_from = (
            [flow.feed_cursor_date, flow.feed_cursor_id]
            if flow.feed_cursor_date
            else None
        )
        message = flow.connector_id._emit(
            FEED_FLOW,
            {
                "model": model,
                "format": flow.feed_format,
                "paths": paths,
                "cursor": {
                    "from": cursor_from,
                    "to": [last_date, last_id],
                },
                "records": payload_model._mfg_record_values(
                    records, record_paths.path_tree(paths)
                ),
            },
        )
        # A batch flow's drain waits for its interval; a page goes now.
        flow._schedule_drain(eta=fields.Datetime.now())
        return message

    def _mfg_feed_delivered(self, message):
        """The system accepted ``message``: move the cursor past its records and
        write the next page, if any."""
        self.ensure_one()
        to_date, to_id = json.loads(message.payload_canonical)["cursor"]["to"]
        self.sudo().write({"feed_cursor_date": to_date, "feed_cursor_id": to_id})
        self._mfg_feed_next_page()

    @api.model
    def _mfg_run_due_feeds(self):
        """Cron: start the feeds whose interval has passed."""
        now = fields.Datetime.now()
        feeds = self.sudo().search(
            [
                ("code", "=", FEED_FLOW),
                ("active", "=", True),
                ("connector_id.state", "=", "active"),
            ]
        )
        for feed in feeds:
            if feed.last_run_at and (
                feed.last_run_at + timedelta(minutes=feed.interval_minutes) > now
            ):
                continue
            feed._mfg_feed_next_page()

    @api.model
    def _cron_dispatch(self):
        result = super()._cron_dispatch()
        self._mfg_run_due_feeds()
        return result

    def action_feed_run_now(self):
        """Button: send what changed now, whatever the interval."""
        self.ensure_one()
        if not self._mfg_feed_next_page():
            raise UserError(
                self.env._(
                    "Nothing to send: no record changed since the last delivered "
                    "page, or a page is still on its way (see the messages)."
                )
            )
