# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures for a monitoring system (/mfg/v1/metrics, Prometheus text format):
counters kept by the database (services/message_counters.py), the age of the
oldest unfinished message, and the connectors' and flows' states."""

import hmac

from odoo import api, models

from ..core import crypto
from ..core import metrics as metrics_lib
from ..services import message_counters
from .mfg_connector import secrets_box

PARAM_ENABLED = "mfg_integration_base.metrics_enabled"
PARAM_TOKEN = "mfg_integration_base.metrics_token_enc"
PENDING_STATES = message_counters.PENDING_STATES

# The only live figure that counters cannot keep: the oldest unfinished
# message per flow, read from a partial index holding the unfinished ones.
OLDEST_PENDING_QUERY = """
    SELECT connector_id, flow_id,
           EXTRACT(EPOCH FROM (NOW() AT TIME ZONE 'UTC') - MIN(create_date))
      FROM mfg_sync_message
     WHERE state IN ('received', 'queued', 'parked')
       AND connector_id IS NOT NULL
     GROUP BY connector_id, flow_id
"""


class MfgMetrics(models.AbstractModel):
    _name = "mfg.metrics"
    _description = "Integration metrics for monitoring"

    # ---------------------------------------------------------------- access
    @api.model
    def _mfg_metrics_enabled(self):
        icp = self.env["ir.config_parameter"].sudo()
        return icp.get_param(PARAM_ENABLED) in ("1", "True", "true")

    @api.model
    def _mfg_set_metrics_token(self, token):
        """Store the bearer token encrypted, as the connectors' secrets."""
        self.env["ir.config_parameter"].sudo().set_param(
            PARAM_TOKEN, crypto.encrypt(secrets_box(), token)
        )

    @api.model
    def _mfg_metrics_token_set(self):
        return bool(self.env["ir.config_parameter"].sudo().get_param(PARAM_TOKEN))

    @api.model
    def _mfg_metrics_authorized(self, authorization):
        """``authorization``: the request's Authorization header."""
        scheme, _sep, token = (authorization or "").partition(" ")
        stored = self.env["ir.config_parameter"].sudo().get_param(PARAM_TOKEN)
        if scheme.lower() != "bearer" or not token.strip() or not stored:
            return False
        try:
            expected = crypto.decrypt(secrets_box(), stored)
        except crypto.SecretKeyError:
            return False
        return hmac.compare_digest(token.strip().encode(), expected.encode())

    # --------------------------------------------------------------- figures
    @api.model
    def _mfg_metrics_rows(self):
        """(counts, latencies, oldest): the counters kept by the database's
        triggers, and the age of the oldest unfinished message per flow."""
        self.env["mfg.sync.message"].flush_model()
        cr = self.env.cr
        counts = message_counters.read_counts(cr)
        latencies = message_counters.read_latency(cr)
        cr.execute(OLDEST_PENDING_QUERY)
        oldest = {(c, f): float(age) for c, f, age in cr.fetchall()}
        return counts, latencies, oldest

    @api.model
    def _cron_fold_counters(self):
        """Keep the counter tables at one row per key (see message_counters)."""
        message_counters.fold(self.env.cr)

    @api.model
    def _mfg_metrics_text(self):
        connectors = (
            self.env["mfg.connector"].sudo().with_context(active_test=False).search([])
        )
        flows = self.env["mfg.flow"].sudo().with_context(active_test=False).search([])
        codes = {c.id: c.code for c in connectors}
        flow_codes = {f.id: f.code for f in flows}

        families = {
            "messages": metrics_lib.Family(
                "mfg_messages",
                "gauge",
                "Stored messages by connector, flow, direction and state.",
            ),
            "backlog": metrics_lib.Family(
                "mfg_backlog_messages",
                "gauge",
                "Messages not finished yet (received, queued, parked).",
            ),
            "oldest": metrics_lib.Family(
                "mfg_oldest_pending_age_seconds",
                "gauge",
                "Age of the oldest unfinished message (0 when none).",
            ),
            "latency": metrics_lib.Family(
                "mfg_message_latency_seconds",
                "histogram",
                "Receipt-to-done latency, counted when a message reaches done "
                "(removing old messages does not lower it).",
            ),
            "retries": metrics_lib.Family(
                "mfg_retries",
                "gauge",
                "Attempts beyond the first of the stored messages.",
            ),
            "dead": metrics_lib.Family(
                "mfg_dead_letters", "gauge", "Dead messages (attempts exhausted)."
            ),
        }
        counts, latencies, oldest = self._mfg_metrics_rows()
        per_flow = {}

        def figures_of(connector_id, flow_id):
            key = (connector_id, flow_id)
            if key not in per_flow:
                per_flow[key] = {
                    "backlog": 0,
                    "retries": 0,
                    "dead": 0,
                    "sum_ms": 0.0,
                    "count": 0,
                    "buckets": {},
                }
            return per_flow[key]

        for connector_id, flow_id, direction, state, count, retries in counts:
            if connector_id not in codes:
                continue
            families["messages"].add(
                {
                    "connector": codes[connector_id],
                    "flow": flow_codes.get(flow_id, ""),
                    "direction": direction,
                    "state": state,
                },
                count,
            )
            figures = figures_of(connector_id, flow_id)
            figures["retries"] += retries
            if state in PENDING_STATES:
                figures["backlog"] += count
            if state == "dead":
                figures["dead"] += count
        for connector_id, flow_id, le_ms, count, sum_ms in latencies:
            if connector_id not in codes:
                continue
            figures = figures_of(connector_id, flow_id)
            figures["count"] += count
            figures["sum_ms"] += sum_ms
            figures["buckets"][le_ms] = figures["buckets"].get(le_ms, 0) + count
        bounds_ms = [round(bound * 1000) for bound in metrics_lib.LATENCY_BUCKETS]
        labelled = sorted(
            (
                ((codes[c], flow_codes.get(f, "")), (c, f), figures)
                for (c, f), figures in per_flow.items()
            ),
            key=lambda item: item[0],
        )
        for (connector, flow), key, figures in labelled:
            labels = {"connector": connector, "flow": flow}
            families["backlog"].add(labels, figures["backlog"])
            families["oldest"].add(labels, round(oldest.get(key, 0.0), 3))
            families["retries"].add(labels, figures["retries"])
            families["dead"].add(labels, figures["dead"])
            cumulative = [
                sum(
                    n
                    for le_ms, n in figures["buckets"].items()
                    if le_ms is not None and le_ms <= bound
                )
                for bound in bounds_ms
            ]
            families["latency"].add_histogram(
                labels, cumulative, round(figures["sum_ms"] / 1000, 3), figures["count"]
            )
        return metrics_lib.render(
            [*families.values(), *self._mfg_state_families(connectors, flows)]
        )

    @api.model
    def _mfg_state_families(self, connectors, flows):
        active = metrics_lib.Family(
            "mfg_connector_active", "gauge", "1 when the connector is active."
        )
        for connector in connectors:
            active.add({"connector": connector.code}, int(connector.state == "active"))
        endpoint = metrics_lib.Family(
            "mfg_endpoint_enabled",
            "gauge",
            "Outbound flows: 1 when the endpoint is enabled, 0 when disabled.",
        )
        for flow in flows.filtered(lambda f: f.direction == "outbound"):
            endpoint.add(
                {"connector": flow.connector_id.code, "flow": flow.code},
                int(flow.endpoint_state == "enabled"),
            )
        return [active, endpoint]


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def init(self):
        result = super().init()
        cr = self.env.cr
        message_counters.install(
            cr, [round(bound * 1000) for bound in metrics_lib.LATENCY_BUCKETS]
        )
        # The unfinished messages: few, and the only live scan of a scrape.
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_pending_idx
                ON mfg_sync_message (connector_id, flow_id, create_date)
             WHERE state IN ('received', 'queued', 'parked')
            """
        )
        # The dashboard's trends read the last 24 hours of messages by receipt
        # time (mfg_connector_dashboard.TRENDS_QUERY).
        cr.execute(
            """
            CREATE INDEX IF NOT EXISTS mfg_sync_message_recent_idx
                ON mfg_sync_message (connector_id, create_date)
            """
        )
        # Replaced by the counters: a 65 MB index per million messages that
        # every write paid for.
        cr.execute("DROP INDEX IF EXISTS mfg_sync_message_metrics_idx")
        return result
