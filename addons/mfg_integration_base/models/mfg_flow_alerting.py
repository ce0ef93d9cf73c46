# mfg.flow, split: alert thresholds, escalation, clearing (own fields, cron, tests)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-flow alert thresholds, escalation and clearing."""

from datetime import timedelta

from odoo import api, fields, models


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    alert_failure_rate = fields.Float(
        string="Alert: failure rate (%)",
        default=20.0,
        help="Failed or dead share of the last hour's finished messages; 0 disables.",
        mfg_template=True,
    )
    alert_backlog_age_minutes = fields.Integer(
        string="Alert: backlog age (min)",
        default=30,
        help="Oldest queued or parked message older than this; 0 disables.",
        mfg_template=True,
    )
    alert_dead_letters = fields.Integer(
        string="Alert: dead letters",
        default=1,
        help="This many dead messages; 0 disables.",
        mfg_template=True,
    )
    alert_latency = fields.Boolean(
        string="Alert: latency over target",
        default=True,
        help="p95 latency of the messages processed in the last hour above the "
        "flow's latency target (latency of each attempt: a replay counts from "
        "the replay, not from the first receipt).",
        mfg_template=True,
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        help="Gets the alert, with a mail, when it stays open past the delay.",
        mfg_template=True,
    )
    escalation_delay_minutes = fields.Integer(default=60, mfg_template=True)
    alert_state = fields.Selection(
        [("ok", "OK"), ("alert", "Alert"), ("escalated", "Escalated")],
        default="ok",
        readonly=True,
        copy=False,
        mfg_template=False,
    )
    alert_reasons = fields.Text(readonly=True, copy=False, mfg_template=False)
    alert_since = fields.Datetime(readonly=True, copy=False, mfg_template=False)

    def _alert_metrics(self):
        """{flow id: (failure %, oldest backlog minutes, dead count, p95 ms)}."""
        now = fields.Datetime.now()
        self.env["mfg.sync.message"].flush_model()
        self.env.cr.execute(
            """
            SELECT flow_id,
                   COUNT(*) FILTER (WHERE state IN ('failed', 'dead')
                                    AND create_date >= %(hour)s),
                   COUNT(*) FILTER (WHERE state IN ('done', 'failed', 'dead')
                                    AND create_date >= %(hour)s),
                   MIN(create_date) FILTER (WHERE state IN ('queued', 'parked',
                                                            'received')),
                   COUNT(*) FILTER (WHERE state = 'dead'),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)
                       FILTER (WHERE state = 'done' AND processed_at >= %(hour)s)
              FROM mfg_sync_message
             WHERE flow_id IN %(ids)s
             GROUP BY flow_id
            """,
            {"hour": now - timedelta(hours=1), "ids": tuple(self.ids) or (0,)},
        )
        metrics = {}
        for flow_id, failed, finished, oldest, dead, p95 in self.env.cr.fetchall():
            rate = 100.0 * failed / finished if finished else 0.0
            age = (now - oldest).total_seconds() / 60 if oldest else 0
            metrics[flow_id] = (rate, age, dead, p95 or 0)
        return metrics

    def _alert_reasons_for(self, metrics):
        self.ensure_one()
        rate, age, dead, p95 = metrics.get(self.id, (0.0, 0, 0, 0))
        reasons = []
        if self.alert_failure_rate and rate >= self.alert_failure_rate:
            reasons.append(
                self.env._(
                    "failure rate %(rate).0f%% ≥ %(limit).0f%%",
                    rate=rate,
                    limit=self.alert_failure_rate,
                )
            )
        if self.alert_backlog_age_minutes and age >= self.alert_backlog_age_minutes:
            reasons.append(
                self.env._(
                    "oldest backlog %(age)d min ≥ %(limit)d min",
                    age=age,
                    limit=self.alert_backlog_age_minutes,
                )
            )
        if self.alert_dead_letters and dead >= self.alert_dead_letters:
            reasons.append(self.env._("%(dead)d dead letter(s)", dead=dead))
        if (
            self.alert_latency
            and self.latency_target_seconds
            and p95 > self.latency_target_seconds * 1000
        ):
            reasons.append(
                self.env._(
                    "p95 latency %(p95)d ms > target %(target)d ms",
                    p95=p95,
                    target=self.latency_target_seconds * 1000,
                )
            )
        return reasons

    @api.model
    def _cron_check_alerts(self):
        flows = self.sudo().search(
            [("active", "=", True), ("connector_id.state", "=", "active")]
        )
        flows._check_alerts()

    def _check_alerts(self):
        metrics = self._alert_metrics()
        now = fields.Datetime.now()
        Activity = self.env["mail.activity"]
        for flow in self:
            reasons = flow._alert_reasons_for(metrics)
            connector = flow.connector_id
            key = f"alert:{flow.id}"
            if not reasons:
                if flow.alert_state != "ok":
                    Activity._mfg_close_exception(
                        connector, key, feedback=self.env._("Cleared.")
                    )
                    Activity._mfg_close_exception(
                        connector, key + ":escalated", feedback=self.env._("Cleared.")
                    )
                    flow.write(
                        {
                            "alert_state": "ok",
                            "alert_reasons": False,
                            "alert_since": False,
                        }
                    )
                    connector._mfg_note(self.env._("Alert on %s cleared.", flow.name))
                continue
            text = "; ".join(reasons)
            summary = self.env._("Integration alert: %s", flow.name)
            note = self.env._(
                "<p>%(flow)s of %(connector)s: %(text)s</p>",
                flow=flow.name,
                connector=connector.name,
                text=text,
            )
            Activity._mfg_upsert_exception(
                connector, key, summary, note, flow._mfg_responsible()
            )
            vals = {"alert_reasons": text}
            if flow.alert_state == "ok":
                vals.update({"alert_state": "alert", "alert_since": now})
            since = flow.alert_since or now
            late = since + timedelta(minutes=flow.escalation_delay_minutes) <= now
            if flow.alert_state == "alert" and late and flow.escalation_user_id:
                Activity._mfg_upsert_exception(
                    connector,
                    key + ":escalated",
                    self.env._("Escalated: %s", summary),
                    note,
                    flow.escalation_user_id,
                )
                # A mail to the escalation user, not a note: sent by the system
                # partner (as sudo) so that it never needs the caller's address.
                connector.sudo().message_post(
                    author_id=self.env.ref("base.partner_root").id,
                    body=self.env._(
                        "Escalated: %(flow)s still failing since %(since)s: %(text)s",
                        flow=flow.name,
                        since=since,
                        text=text,
                    ),
                    partner_ids=flow.escalation_user_id.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                vals["alert_state"] = "escalated"
            flow.write(vals)
