# mfg.flow, split: the pull transport (REST/OData polling), own fields and cursor
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pull transport (docs/ENGINE_API.md): Odoo polls the external system's REST API
on the flow's interval and stores each record as an inbound message exactly as
the webhook would (same idempotency key rules, same queue), so everything after
it (parser, mapping, contract, ordering, handler) is the same.

A flow offers pulling in its spec: ``"pull": {"protocol": "odata", "time_field":
..., "id_field": ...}`` (``core/pull.py``). One run GETs at most
``pull_page_limit`` pages with the connector's auth; each page is stored whole,
then the cursor moves to its last record, in the job's transaction. A page that
fails (HTTP error, throttling, unreadable body) ends the run there: what was
stored stays stored with its cursor, the next run starts right after it, and a
429/503 ``Retry-After`` is honoured before the next run."""

import json
import logging
from datetime import timedelta

import requests

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core import backoff, hashing
from ..core import pull as pull_lib

_logger = logging.getLogger(__name__)
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    transport = fields.Selection(
        [
            ("push", "Webhook (the system pushes)"),
            ("pull", "Scheduled pull (Odoo polls the system's API)"),
        ],
        default="push",
        required=True,
        mfg_template=True,
    )
    pull_path = fields.Char(
        help="Path of the collection under the connector's base URL, e.g. "
        "/odata/v5/ProdMgmt/Parts",
        mfg_template=True,
    )
    pull_page_size = fields.Integer(
        default=100, help="Records asked per page ($top).", mfg_template=True
    )
    pull_page_limit = fields.Integer(
        default=5,
        help="Pages one run fetches at most; the next run goes on.",
        mfg_template=True,
    )
    pull_cursor = fields.Char(
        readonly=True,
        copy=False,
        help="Modification time and id of the last record stored (JSON).",
        mfg_template=False,
    )
    pull_last_run_at = fields.Datetime(readonly=True, copy=False, mfg_template=False)
    pull_next_at = fields.Datetime(
        readonly=True,
        copy=False,
        help="No pull before this time (Retry-After).",
        mfg_template=False,
    )
    pull_last_error = fields.Text(readonly=True, copy=False, mfg_template=False)

    # ---------------------------------------------------------------- runs
    @api.model
    def _cron_pull(self):
        """Enqueue one pull job per pull flow whose interval has passed."""
        now = fields.Datetime.now()
        flows = self.sudo().search(
            [
                ("transport", "=", "pull"),
                ("active", "=", True),
                ("connector_id.state", "=", "active"),
                ("direction", "=", "inbound"),
            ]
        )
        for flow in flows:
            if flow.pull_next_at and flow.pull_next_at > now:
                continue
            last = flow.pull_last_run_at
            if last and last + timedelta(minutes=flow.interval_minutes) > now:
                continue
            user = flow.connector_id.technical_user_id
            runner = flow.with_user(user) if user else flow
            runner.with_delay(
                channel=flow.channel,
                identity_key=f"mfg.flow._mfg_pull:{flow.id}",
                description=f"Pull {flow.code} from {flow.connector_id.code}",
            )._mfg_pull()

    def action_pull_now(self):
        self.ensure_one()
        if self.transport != "pull":
            raise UserError(self.env._("Flow %s is not pulled.", self.code))
        result = self.sudo()._mfg_pull()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": self.pull_last_error or result,
                "type": "warning" if self.pull_last_error else "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _pull_settings(self):
        spec = self._get_spec().pull or {}
        return (
            spec.get("time_field", pull_lib.DEFAULT_TIME_FIELD),
            spec.get("id_field", pull_lib.DEFAULT_ID_FIELD),
        )

    def _mfg_pull(self):
        """Job: GET the pages after the cursor and store their records."""
        self.ensure_one()
        flow = self.sudo()  # bookkeeping of the engine (cursor, messages)
        connector = flow.connector_id
        if connector.state != "active" or not connector.base_url or not flow.pull_path:
            return "not pulled: inactive connector or no base URL / path"
        time_field, id_field = flow._pull_settings()
        cursor = json.loads(flow.pull_cursor) if flow.pull_cursor else None
        url = pull_lib.first_url(
            connector.base_url,
            flow.pull_path,
            cursor,
            time_field,
            id_field,
            flow.pull_page_size,
        )
        now = fields.Datetime.now()
        vals = {
            "pull_last_run_at": now,
            "pull_last_error": False,
            "pull_next_at": False,
        }
        pages = stored = 0
        while url and pages < max(flow.pull_page_limit, 1):
            try:
                records, next_link = flow._pull_page(url, time_field, id_field)
            except PullStop as stop:
                vals.update(stop.vals)
                break
            for record in records:
                stored += flow._pull_store(record, time_field, id_field)
            if records:
                # The page is stored: the cursor moves past its last record.
                vals["pull_cursor"] = json.dumps(
                    pull_lib.record_cursor(records[-1], time_field, id_field)
                )
                flow.pull_cursor = vals["pull_cursor"]
            pages += 1
            if next_link and not pull_lib.same_origin(next_link, connector.base_url):
                vals["pull_last_error"] = self.env._(
                    "Next link %s is not on the connector's address: not followed.",
                    next_link,
                )
                break
            url = next_link
        flow.write(vals)
        if stored:
            flow._schedule_drain()
        return f"{pages} page(s), {stored} new message(s)"

    def _pull_page(self, url, time_field, id_field):
        """(records, next link) of one page, or PullStop saying when to retry."""
        connector = self.connector_id
        try:
            response = requests.get(
                url,
                headers={
                    "Accept": "application/json",
                    **connector._build_auth_headers(b""),
                },
                auth=connector._build_basic_auth(),
                timeout=(connector.connect_timeout, connector.read_timeout),
            )
        except requests.RequestException as err:
            raise PullStop(self._pull_retry_vals(f"Cannot GET {url}: {err}")) from err
        if response.status_code in RETRY_STATUSES:
            wait = backoff.parse_retry_after(response.headers.get("Retry-After"))
            raise PullStop(
                self._pull_retry_vals(
                    f"HTTP {response.status_code} from {url}", wait=wait
                )
            )
        if not 200 <= response.status_code < 300:
            raise PullStop(
                self._pull_retry_vals(
                    f"HTTP {response.status_code} from {url}: {response.text[:300]}"
                )
            )
        try:
            return pull_lib.read_page(response.content, time_field, id_field)
        except pull_lib.PullPageError as err:
            raise PullStop(self._pull_retry_vals(f"{url}: {err}")) from err

    def _pull_retry_vals(self, text, wait=None):
        delay = wait if wait is not None else self.connector_id.backoff_base
        _logger.info(
            "mfg pull %s of %s stopped: %s", self.code, self.connector_id.code, text
        )
        return {
            "pull_last_error": text,
            "pull_next_at": fields.Datetime.now() + timedelta(seconds=delay),
        }

    def _pull_store(self, record, time_field, id_field):
        """Store one record as an inbound message, as the webhook does; 0 when
        this version of the record is stored already (a duplicate)."""
        key = pull_lib.record_key(record, time_field, id_field)
        connector = self.connector_id
        Message = self.env["mfg.sync.message"].sudo()
        exists = Message.search_count(
            [
                ("connector_id", "=", connector.id),
                ("direction", "=", "inbound"),
                ("idempotency_key", "=", key),
                ("state", "not in", ("rejected", "duplicate")),
            ],
            limit=1,
        )
        if exists:
            return 0
        Message.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
        ).create(
            {
                "direction": "inbound",
                "connector_id": connector.id,
                "connector_code_received": connector.code,
                "flow_id": self.id,
                "flow_code": self.code,
                "idempotency_key": key,
                "correlation_id": key,
                "content_type": "application/json",
                "payload_raw": hashing.canonical_json(record),
                "state": "queued",
                "attempts": 0,
            }
        )
        return 1


class PullStop(Exception):
    """A page could not be fetched: the run ends, with these flow values."""

    def __init__(self, vals):
        super().__init__(vals.get("pull_last_error"))
        self.vals = vals
