# mfg.connector, split: dashboard figures and trends (mfg_connector.py < 600 lines)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connectors' dashboard: figures of the last 24 hours and their trends
(messages per hour, p95 latency against the target), per connector and per
flow, from one grouped query per screen; backlog and dead letters from the
counters the database keeps (services/message_counters.py)."""

import json
from datetime import timedelta

import pytz

from odoo import fields, models

from ..core import humanize
from ..services import message_counters
from ..services.message_counters import PENDING_STATES

HEALTH = [
    ("green", "Healthy"),
    ("orange", "Degraded"),
    ("red", "Failing"),
    ("grey", "Idle"),
]
TREND_HOURS = 24

# The last 24 hours of the connectors' messages, each row once per figure it
# feeds, each branch an index range: received (recent_idx), done (success_idx),
# failed attempts (attempt's attempted_at index). GROUPING tells the sets
# apart: 0 per flow and hour, 1 per flow, 2 per connector and hour, 3 per
# connector.
TRENDS_QUERY = """
    SELECT connector_id, flow_id, hour, GROUPING(flow_id, hour),
           COUNT(*) FILTER (WHERE kind = 'received' AND direction = 'inbound'),
           COUNT(*) FILTER (WHERE kind = 'received' AND direction = 'outbound'),
           COUNT(*) FILTER (WHERE kind = 'received'
                            AND state IN ('failed', 'dead')),
           COUNT(*) FILTER (WHERE kind = 'received'
                            AND state IN ('done', 'failed', 'dead')),
           COUNT(*) FILTER (WHERE kind = 'done'),
           COUNT(*) FILTER (WHERE kind = 'failed'),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)
               FILTER (WHERE kind = 'done')
      FROM (
            SELECT connector_id, flow_id, direction, state, 'received' AS kind,
                   date_trunc('hour', create_date) AS hour,
                   NULL::double precision AS latency_ms
              FROM mfg_sync_message
             WHERE connector_id IN %(ids)s AND create_date >= %(since)s
            UNION ALL
            SELECT connector_id, flow_id, direction, state, 'done',
                   date_trunc('hour', processed_at), latency_ms
              FROM mfg_sync_message
             WHERE connector_id IN %(ids)s AND state = 'done'
               AND processed_at >= %(since)s
            UNION ALL
            SELECT m.connector_id, m.flow_id, m.direction, a.state_after, 'failed',
                   date_trunc('hour', a.attempted_at), NULL
              FROM mfg_sync_message_attempt a
              JOIN mfg_sync_message m ON m.id = a.message_id
             WHERE a.attempted_at >= %(since)s AND m.connector_id IN %(ids)s
           ) recent
     GROUP BY GROUPING SETS ((connector_id, flow_id, hour), (connector_id, flow_id),
                             (connector_id, hour), (connector_id))
"""


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    stat_in_24h = fields.Integer(string="In (24 h)", compute="_compute_dashboard")
    stat_out_24h = fields.Integer(string="Out (24 h)", compute="_compute_dashboard")
    stat_failure_rate = fields.Float(
        string="Failure rate (%)", compute="_compute_dashboard"
    )
    stat_backlog = fields.Integer(string="Backlog", compute="_compute_dashboard")
    stat_dead = fields.Integer(string="Dead letters", compute="_compute_dashboard")
    stat_p95_latency_ms = fields.Integer(
        string="p95 latency (ms)", compute="_compute_dashboard"
    )
    stat_latency_target_ms = fields.Integer(
        string="Latency target (ms)", compute="_compute_dashboard"
    )
    stat_latency_display = fields.Char(
        string="p95 latency", compute="_compute_dashboard"
    )
    trend_graph = fields.Text(
        string="Last 24 hours",
        compute="_compute_dashboard",
        help="Messages per hour (received, done, failed attempts) and the p95 "
        "latency of each hour against the target.",
    )
    flow_trend_graph = fields.Text(
        string="Flows, last 24 hours", compute="_compute_dashboard"
    )
    stat_refused_today = fields.Integer(
        string="Refused today",
        compute="_compute_refused",
        help="Requests refused before they became messages (unknown address, "
        "bad or missing signature, rate limit), counted per worker and saved "
        "every few seconds.",
    )
    stat_refused_detail = fields.Char(
        string="Refused by reason", compute="_compute_refused"
    )
    health = fields.Selection(HEALTH, compute="_compute_dashboard")
    health_color = fields.Integer(compute="_compute_dashboard")

    def _compute_dashboard(self):
        now = fields.Datetime.now()
        first_hour = now.replace(minute=0, second=0, microsecond=0) - timedelta(
            hours=TREND_HOURS - 1
        )
        hours = [first_hour + timedelta(hours=i) for i in range(TREND_HOURS)]
        figures, states = {}, {}
        if self.ids:
            self.env["mfg.sync.message"].flush_model()
            self.env["mfg.sync.message.attempt"].flush_model()
            self.env.cr.execute(
                TRENDS_QUERY,
                {"ids": tuple(self.ids), "since": now - timedelta(hours=24)},
            )
            for (
                connector_id,
                flow_id,
                hour,
                grouping,
                *values,
            ) in self.env.cr.fetchall():
                key = (connector_id, flow_id if grouping in (0, 1) else None)
                slot = hour if grouping in (0, 2) else "total"
                figures.setdefault(key, {})[slot] = values
            states = message_counters.states_by_connector(self.env.cr, self.ids)
        labels = self._mfg_hour_labels(hours)
        for connector in self:
            own = figures.get((connector.id, None), {})
            inbound, outbound, failed, finished, _done, _attempts, p95 = own.get(
                "total", (0, 0, 0, 0, 0, 0, None)
            )
            counts = states.get(connector.id, {})
            dead = counts.get("dead", 0)
            flows = connector.flow_ids
            target_ms = max(flows.mapped("latency_target_seconds") or [0]) * 1000
            connector.stat_in_24h = inbound
            connector.stat_out_24h = outbound
            connector.stat_failure_rate = 100.0 * failed / finished if finished else 0.0
            connector.stat_backlog = sum(counts.get(s, 0) for s in PENDING_STATES)
            connector.stat_dead = dead
            connector.stat_p95_latency_ms = int(p95 or 0)
            connector.stat_latency_target_ms = target_ms
            connector.stat_latency_display = humanize.latency_against_target(
                p95, target_ms
            )
            connector.trend_graph = json.dumps(
                {"series": [_series(own, hours, labels, target_ms)]}
            )
            connector.flow_trend_graph = json.dumps(
                {
                    "series": [
                        _series(
                            figures.get((connector.id, flow.id), {}),
                            hours,
                            labels,
                            flow.latency_target_seconds * 1000,
                            title=f"{flow.code} ({flow.direction})",
                        )
                        for flow in flows
                    ]
                }
            )
            connector.health = connector._health_of(
                connector.stat_failure_rate, dead, p95, target_ms, inbound + outbound
            )
            connector.health_color = {"green": 10, "orange": 2, "red": 1, "grey": 0}[
                connector.health
            ]

    def _mfg_hour_labels(self, hours):
        """ "14:00" for each hour (UTC in the database), in the user's zone."""
        zone = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        return [
            pytz.utc.localize(hour).astimezone(zone).strftime("%H:%M") for hour in hours
        ]

    def _compute_health(self):
        """Last success, last error and failures since the last success, read
        from the messages in one query (two index lookups per connector)."""
        figures = {}
        if self.ids:
            self.env["mfg.sync.message"].flush_model()
            self.env.cr.execute(
                """
                SELECT c.id, ok.at, ko.attempts, ko.at, ko.error
                  FROM unnest(%(ids)s, %(checks)s::timestamp[]) AS c(id, check_ok)
                  LEFT JOIN LATERAL (
                       SELECT MAX(processed_at) AS at FROM mfg_sync_message
                        WHERE connector_id = c.id AND state = 'done'
                  ) ok ON TRUE
                  LEFT JOIN LATERAL (
                       SELECT SUM(attempts) FILTER (
                                  WHERE write_date > COALESCE(
                                      GREATEST(ok.at, c.check_ok), '-infinity')
                              ) AS attempts,
                              MAX(write_date) AS at,
                              (ARRAY_AGG(error_text
                                         ORDER BY write_date DESC, id DESC))[1] AS error
                         FROM mfg_sync_message
                        WHERE connector_id = c.id AND error_kind IS NOT NULL
                          AND state IN ('failed', 'dead', 'queued')
                  ) ko ON TRUE
                """,
                {
                    "ids": list(self.ids),
                    "checks": [c.check_success_at or None for c in self.sudo()],
                },
            )
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for connector in self:
            sudo = connector.sudo()
            ok_at, attempts, error_at, error = figures.get(
                connector.id, (None, 0, None, None)
            )
            successes = [d for d in (ok_at, sudo.check_success_at) if d]
            last_ok = max(successes) if successes else False
            failures = int(attempts or 0)
            if sudo.check_error_at and (not last_ok or sudo.check_error_at > last_ok):
                failures += 1
            if sudo.check_error_at and (not error_at or sudo.check_error_at > error_at):
                error_at, error = sudo.check_error_at, sudo.check_error
            connector.last_success_at = last_ok
            connector.last_error_at = error_at or False
            connector.last_error = error or False
            connector.consecutive_failures = failures

    def _compute_refused(self):
        counts = {}
        if self.ids:
            self.env.cr.execute(
                """
                SELECT connector_id, reason, count FROM mfg_intake_rejection
                 WHERE connector_id IN %s
                   AND day = (now() at time zone 'UTC')::date
                 ORDER BY reason
                """,
                [tuple(self.ids)],
            )
            for connector_id, reason, number in self.env.cr.fetchall():
                counts.setdefault(connector_id, []).append((reason, number))
        for connector in self:
            rows = counts.get(connector.id, [])
            connector.stat_refused_today = sum(number for _r, number in rows)
            connector.stat_refused_detail = ", ".join(
                f"{reason} {number}" for reason, number in rows
            )

    def _health_of(self, failure_rate, dead, p95, target_ms, volume):
        if self.state != "active":
            return "grey"
        alerting = self.flow_ids.filtered(lambda f: f.alert_state != "ok")
        if alerting or dead or failure_rate > 10 or self.consecutive_failures >= 5:
            return "red"
        if failure_rate > 0 or (target_ms and p95 and p95 > target_ms):
            return "orange"
        return "green" if volume or self.last_success_at else "grey"

    def action_open_messages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "mfg_integration_base.mfg_sync_message_action"
        )
        action["domain"] = [("connector_id", "=", self.id)]
        action["context"] = {"search_default_filter_problems": 0}
        return action


def _series(figures, hours, labels, target_ms, title=""):
    """One graph's data (what static/src/trend_graph draws): per hour the
    messages received, done and failed attempts, the p95 latency (ms, and as
    people read it), and the target."""
    empty = (0, 0, 0, 0, 0, 0, None)
    rows = [figures.get(hour, empty) for hour in hours]
    p95 = (figures.get("total") or empty)[6]
    return {
        "title": title,
        "summary": humanize.latency_against_target(p95, target_ms),
        "labels": labels,
        "received": [row[0] + row[1] for row in rows],
        "done": [row[4] for row in rows],
        "failed": [row[5] for row in rows],
        "p95_ms": [round(row[6]) if row[6] is not None else None for row in rows],
        "p95_text": [humanize.duration_ms(row[6]) for row in rows],
        "target_ms": target_ms or None,
        "target_text": humanize.duration_ms(target_ms) if target_ms else "",
    }
