# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..core import flows as scheduler_flows
from ..core import snapshot as snapshot_lib


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    kind = fields.Selection(
        selection_add=[("scheduler", "Scheduler (APS)")],
        ondelete={"scheduler": "set default"},
    )
    scheduler_horizon_days = fields.Integer(
        string="Planning horizon (days)",
        default=snapshot_lib.DEFAULT_HORIZON_DAYS,
        help="The snapshot holds the MOs planned to start within this many days, "
        "and the work centers' working time over them.",
        mfg_template="scheduler",
    )
    scheduler_frozen_hours = fields.Float(
        string="Frozen window (hours)",
        default=snapshot_lib.DEFAULT_FROZEN_HOURS,
        help="Work planned to start within this many hours from now (or earlier) "
        "is frozen: a published schedule never moves it, nor moves work into it.",
        mfg_template="scheduler",
    )
    scheduler_last_snapshot_at = fields.Datetime(
        string="Last snapshot", readonly=True, copy=False, mfg_template=False
    )
    scheduler_schedule_ids = fields.One2many("mfg.scheduler.schedule", "connector_id")
    scheduler_schedule_count = fields.Integer(
        compute="_compute_scheduler_schedule_count"
    )

    def _compute_scheduler_schedule_count(self):
        data = self.env["mfg.scheduler.schedule"]._read_group(
            [("connector_id", "in", self.ids)], ["connector_id"], ["__count"]
        )
        counts = {connector.id: count for connector, count in data}
        for connector in self:
            connector.scheduler_schedule_count = counts.get(connector.id, 0)

    @api.constrains("scheduler_horizon_days", "scheduler_frozen_hours")
    def _check_scheduler_settings(self):
        for connector in self:
            if connector.scheduler_horizon_days < 1:
                raise ValidationError(
                    self.env._("The planning horizon is at least one day.")
                )
            if connector.scheduler_frozen_hours < 0:
                raise ValidationError(
                    self.env._("The frozen window cannot be negative.")
                )

    # ------------------------------------------------------------- actions
    def action_scheduler_send_snapshot(self):
        """Button: build the snapshot now and put it in the outbox."""
        self.ensure_one()
        message = self._scheduler_send_snapshot()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.sync.message",
            "res_id": message.id,
            "view_mode": "form",
        }

    def action_scheduler_view_schedules(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "scheduler_connector.mfg_scheduler_schedule_action"
        )
        action["domain"] = [("connector_id", "=", self.id)]
        action["context"] = {"default_connector_id": self.id}
        return action

    # ------------------------------------------------------------ snapshot
    def _scheduler_build_snapshot(self, now=None):
        """The canonical ``scheduler.snapshot`` payload of this connector."""
        self.ensure_one()
        now = (now or fields.Datetime.now()).replace(microsecond=0)
        company = self.company_id
        start, end = snapshot_lib.horizon(now, self.scheduler_horizon_days)
        productions = (
            self.env["mrp.production"]
            .with_company(company)
            .search(
                self.env["mrp.production"]._scheduler_snapshot_domain(company, end),
                order="priority desc, date_start, id",
            )
        )
        workcenters = (
            self.env["mrp.workcenter"]
            .with_company(company)
            .search([("company_id", "in", (company.id, False))], order="sequence, id")
        )
        payload = snapshot_lib.snapshot_header(
            now,
            self.scheduler_horizon_days,
            self.scheduler_frozen_hours,
            company.name,
            uuid.uuid4().hex,
        )
        payload["schema_version"] = "1.0"
        payload["work_centers"] = workcenters._scheduler_snapshot_vals(start, end)
        payload["orders"] = productions._scheduler_snapshot_vals(
            now, self.scheduler_frozen_hours
        )
        return payload

    def _scheduler_send_snapshot(self):
        self.ensure_one()
        if not self.flow_ids.filtered(
            lambda f: f.code == scheduler_flows.FLOW_SNAPSHOT and f.active
        ):
            raise UserError(
                self.env._(
                    "Connector %(name)s has no active snapshot flow.", name=self.name
                )
            )
        payload = self._scheduler_build_snapshot()
        message = self._emit(
            scheduler_flows.FLOW_SNAPSHOT,
            payload,
            record=self,
            idempotency_key=payload["snapshot_id"],
        )
        now = fields.Datetime.now()
        self.sudo().scheduler_last_snapshot_at = now
        # A batch flow's messages wait for the dispatch cron; the snapshot has
        # been built on the flow's interval (or on request) already: send it now.
        message.flow_id._schedule_drain(eta=now)
        return message

    @api.model
    def _scheduler_cron_snapshot(self):
        """Cron: send a snapshot for each active snapshot flow whose interval
        has elapsed since the connector's last snapshot."""
        now = fields.Datetime.now()
        sent = self.browse()
        flows = self.env["mfg.flow"]._mfg_active_flows(scheduler_flows.FLOW_SNAPSHOT)
        for flow in flows:
            connector = flow.connector_id
            last = connector.scheduler_last_snapshot_at
            if last and last + timedelta(minutes=flow.interval_minutes or 0) > now:
                continue
            connector.with_company(connector.company_id)._scheduler_send_snapshot()
            sent |= connector
        return sent
