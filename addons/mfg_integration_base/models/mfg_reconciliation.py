# mfg.reconciliation, with the connector, flow and message hooks it adds (one concern)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation runs: compare an external system's snapshot with Odoo and
list every difference a person must look at. A run never changes stock."""

import json

import requests
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class MfgReconciliation(models.Model):
    _name = "mfg.reconciliation"
    _description = "Integration Reconciliation Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    connector_id = fields.Many2one(
        "mfg.connector", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="connector_id.company_id", store=True, index=True
    )
    kind = fields.Char(
        required=True, help="The snapshot compared, e.g. messages.snapshot."
    )
    state = fields.Selection(
        [("agreed", "Agreed"), ("differences", "Differences")], readonly=True
    )
    tolerance = fields.Float(readonly=True)
    snapshot = fields.Text(readonly=True)
    line_ids = fields.One2many("mfg.reconciliation.line", "reconciliation_id")
    difference_count = fields.Integer(compute="_compute_counts", store=True)

    @api.depends("kind", "connector_id", "create_date")
    def _compute_name(self):
        for run in self:
            run.name = (
                f"{run.connector_id.code or '?'} {run.kind} {run.create_date or ''}"
            )

    @api.depends("line_ids.above_tolerance")
    def _compute_counts(self):
        for run in self:
            run.difference_count = len(run.line_ids.filtered("above_tolerance"))

    def _get_comparators(self):
        """{snapshot kind: comparator(connector, snapshot, tolerance) -> [vals]}.
        Domain addons add theirs with ``_inherit`` and ``super()``."""
        return {"messages.snapshot": self._compare_messages}

    @api.model
    def _run(self, connector, kind, snapshot, tolerance=0.0):
        comparator = self._get_comparators().get(kind)
        if comparator is None:
            raise UserError(self.env._("No reconciliation is installed for %s.", kind))
        lines = comparator(connector, snapshot, tolerance)
        run = self.sudo().create(
            {
                "connector_id": connector.id,
                "kind": kind,
                "tolerance": tolerance,
                "snapshot": json.dumps(snapshot)[:1000000],
                "line_ids": [(0, 0, vals) for vals in lines],
            }
        )
        above = run.line_ids.filtered("above_tolerance")
        run.state = "differences" if above else "agreed"
        if above:
            items = Markup("").join(
                Markup("<li>%s %s: Odoo %s, %s %s</li>")
                % (
                    line.label,
                    line.key,
                    line.odoo_value,
                    connector.name,
                    line.external_value,
                )
                for line in above[:50]
            )
            note = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("%s difference(s) above tolerance:", len(above)),
                items,
            )
            self.env["mail.activity"]._mfg_upsert_exception(
                run,
                f"reconciliation:{run.id}",
                self.env._(
                    "Reconciliation %(kind)s: %(count)s difference(s)",
                    kind=kind,
                    count=len(above),
                ),
                note,
                connector._mfg_responsible(
                    connector.flow_ids.filtered(lambda f: f.code == kind)[:1]
                ),
            )
        return run

    @api.model
    def _mfg_receive_snapshot(self, message, payload):
        """Handler of the snapshot flows (messages.snapshot here, the MES's
        stock and order snapshots): one run against the sender's snapshot."""
        flow = message.flow_id
        return self.sudo()._run(
            message.connector_id, flow.code, payload, flow.reconcile_tolerance
        )

    def _compare_messages(self, connector, snapshot, tolerance):
        """What the sender says it sent vs what Odoo received, by idempotency key."""
        keys = [item["idempotency_key"] for item in snapshot.get("sent", [])]
        flows = {
            item["idempotency_key"]: item.get("flow")
            for item in snapshot.get("sent", [])
        }
        received = set()
        if keys:
            self.env.cr.execute(
                """
                SELECT idempotency_key FROM mfg_sync_message
                 WHERE connector_id = %s AND direction = 'inbound'
                   AND idempotency_key IN %s AND state NOT IN ('rejected', 'duplicate')
                """,
                [connector.id, tuple(keys)],
            )
            received = {row[0] for row in self.env.cr.fetchall()}
        return [
            {
                "label": self.env._("Message not received"),
                "key": key,
                "external_value": flows.get(key) or "sent",
                "odoo_value": "missing",
                "difference": 1.0,
                "above_tolerance": True,
            }
            for key in keys
            if key not in received
        ]


class MfgReconciliationLine(models.Model):
    _name = "mfg.reconciliation.line"
    _description = "Integration Reconciliation Difference"
    _order = "reconciliation_id, above_tolerance desc, id"

    reconciliation_id = fields.Many2one(
        "mfg.reconciliation", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="reconciliation_id.company_id", store=True)
    label = fields.Char(required=True)
    key = fields.Char(help="Product / lot / location, MO, or idempotency key.")
    external_value = fields.Char()
    odoo_value = fields.Char()
    difference = fields.Float()
    above_tolerance = fields.Boolean()


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    reconciliation_ids = fields.One2many("mfg.reconciliation", "connector_id")

    def _pull_snapshot(self, kind):
        """GET <base_url>/<kind> from the external system."""
        self.ensure_one()
        if not self.base_url:
            raise UserError(
                self.env._("Connector %s has no base URL to pull from.", self.name)
            )
        try:
            response = requests.get(
                f"{self.base_url.rstrip('/')}/{kind}",
                headers=self._build_auth_headers(b""),
                auth=self._build_basic_auth(),
                timeout=(self.connect_timeout, self.read_timeout),
            )
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as err:
            raise UserError(
                self.env._("Could not pull %(kind)s: %(err)s", kind=kind, err=err)
            ) from err

    def action_reconcile_now(self):
        """Pull every snapshot kind this connector has a flow for and compare."""
        self.ensure_one()
        Reconciliation = self.env["mfg.reconciliation"]
        kinds = set(Reconciliation._get_comparators())
        flows = self.flow_ids.filtered(lambda f: f.code in kinds)
        if not flows:
            raise UserError(
                self.env._("This connector has no snapshot flow to reconcile.")
            )
        runs = Reconciliation
        for flow in flows:
            runs |= Reconciliation._run(
                self,
                flow.code,
                self._pull_snapshot(flow.code),
                flow.reconcile_tolerance,
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mfg.reconciliation",
            "view_mode": "list,form",
            "domain": [("id", "in", runs.ids)],
        }


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    reconcile_tolerance = fields.Float(
        help="Snapshot flows: differences up to this quantity are listed, not raised.",
        mfg_template=True,
    )

    @api.model
    def _cron_reconcile(self):
        """Pull and compare the snapshot flows whose interval has come."""
        now = fields.Datetime.now()
        kinds = list(self.env["mfg.reconciliation"]._get_comparators())
        for flow in self.sudo().search(
            [
                ("code", "in", kinds),
                ("mode", "=", "batch"),
                ("active", "=", True),
                ("connector_id.state", "=", "active"),
            ]
        ):
            last = flow.last_run_at
            if last and (now - last).total_seconds() < flow.interval_minutes * 60:
                continue
            flow.last_run_at = now
            try:
                snapshot = flow.connector_id._pull_snapshot(flow.code)
            except UserError as err:
                flow.connector_id._record_failure(str(err))
                continue
            self.env["mfg.reconciliation"]._run(
                flow.connector_id, flow.code, snapshot, flow.reconcile_tolerance
            )
