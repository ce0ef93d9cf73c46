# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures of the connectors' dashboard, computed in one query per screen."""

from datetime import timedelta

from odoo import fields, models

HEALTH = [
    ("green", "Healthy"),
    ("orange", "Degraded"),
    ("red", "Failing"),
    ("grey", "Idle"),
]


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
        since = fields.Datetime.now() - timedelta(hours=24)
        stats = {}
        if self.ids:
            self.env["mfg.sync.message"].flush_model()
            self.env.cr.execute(
                """
                SELECT connector_id,
                       COUNT(*) FILTER (WHERE direction = 'inbound'
                                        AND create_date >= %(since)s),
                       COUNT(*) FILTER (WHERE direction = 'outbound'
                                        AND create_date >= %(since)s),
                       COUNT(*) FILTER (WHERE state IN ('failed', 'dead')
                                        AND create_date >= %(since)s),
                       COUNT(*) FILTER (WHERE state IN ('done', 'failed', 'dead')
                                        AND create_date >= %(since)s),
                       COUNT(*) FILTER (WHERE state IN ('queued', 'received',
                                                        'parked')),
                       COUNT(*) FILTER (WHERE state = 'dead'),
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)
                           FILTER (WHERE state = 'done' AND processed_at >= %(since)s)
                  FROM mfg_sync_message
                 WHERE connector_id IN %(ids)s
                 GROUP BY connector_id
                """,
                {"since": since, "ids": tuple(self.ids)},
            )
            stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for connector in self:
            inbound, outbound, failed, finished, backlog, dead, p95 = stats.get(
                connector.id, (0, 0, 0, 0, 0, 0, None)
            )
            targets = connector.flow_ids.mapped("latency_target_seconds")
            target_ms = max(targets or [0]) * 1000
            connector.stat_in_24h = inbound
            connector.stat_out_24h = outbound
            connector.stat_failure_rate = 100.0 * failed / finished if finished else 0.0
            connector.stat_backlog = backlog
            connector.stat_dead = dead
            connector.stat_p95_latency_ms = int(p95 or 0)
            connector.stat_latency_target_ms = target_ms
            connector.health = connector._health_of(
                connector.stat_failure_rate, dead, p95, target_ms, inbound + outbound
            )
            connector.health_color = {"green": 10, "orange": 2, "red": 1, "grey": 0}[
                connector.health
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
