# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..core import flows as qb_flows
from ..core import payloads as qb_payloads

PRIORITIES = {"very_low": "0", "low": "1", "normal": "2", "high": "3"}


class MaintenanceRequest(models.Model):
    _inherit = "maintenance.request"

    mfg_reference = fields.Char(
        string="Integration Reference",
        index=True,
        copy=False,
        readonly=True,
        help="Unique reference sent to the system that raised the alert (the "
        "request's name is only a label: two requests may share it).",
    )
    mfg_alert_ref = fields.Char(
        string="Alert Id",
        index=True,
        copy=False,
        readonly=True,
        help="Id of the CMMS / IoT alert this request was opened for.",
    )
    mfg_connector_id = fields.Many2one(
        "mfg.connector", string="Alert From", copy=False, readonly=True
    )
    mfg_alert_source = fields.Selection(
        [("cmms", "CMMS"), ("iot", "IoT"), ("other", "Other")],
        copy=False,
        readonly=True,
    )
    mfg_nonconformance_id = fields.Many2one(
        "mfg.quality.nonconformance", string="Nonconformance", copy=False, index=True
    )
    mfg_blocked_workcenter_ids = fields.Many2many(
        "mrp.workcenter",
        compute="_compute_mfg_blocked_workcenter_ids",
        string="Blocked Work Centers",
    )

    def _compute_mfg_blocked_workcenter_ids(self):
        logs = self.env["mrp.workcenter.productivity"].search(
            [("mfg_maintenance_request_id", "in", self.ids), ("date_end", "=", False)]
        )
        for request in self:
            request.mfg_blocked_workcenter_ids = logs.filtered(
                lambda log, req=request: log.mfg_maintenance_request_id == req
            ).workcenter_id

    def write(self, vals):
        if "stage_id" not in vals:
            return super().write(vals)
        not_done = self.filtered(lambda r: not r.stage_id.done)
        res = super().write(vals)
        just_done = not_done.filtered(lambda r: r.stage_id.done)
        if just_done:
            just_done._quality_on_done()
        return res

    # ------------------------------------------------------------------
    # Inbound: maintenance.alert
    # ------------------------------------------------------------------
    @api.model
    def _quality_receive_alert(self, message, payload):
        """Handler of maintenance.alert (core/flows.py)."""
        return self._quality_apply_alert(message.connector_id, payload)

    @api.model
    def _quality_apply_alert(self, connector, payload):
        """One maintenance request per alert id (bound as the alert's external id)."""
        alert_id = payload["alert_id"]
        existing = connector._mfg_resolve("maintenance.request", alert_id)
        if existing:
            return existing
        equipment = connector._quality_resolve_equipment(payload["equipment"])
        vals = self._prepare_alert_request_vals(connector, payload, equipment)
        request = self.create(vals)
        request._quality_reference()
        connector._mfg_bind(request, alert_id, payload=payload)
        if payload.get("block_workcenter"):
            workcenter = equipment.mfg_workcenter_id
            if workcenter:
                workcenter._quality_block(request)
            else:
                request._mfg_note(
                    self.env._(
                        "The alert asked to block the work center, but equipment "
                        "%(eq)s "
                        "belongs to no work center.",
                        eq=equipment.display_name,
                    )
                )
        return request

    @api.model
    def _prepare_alert_request_vals(self, connector, payload, equipment):
        raised_at = payload.get("raised_at")
        raised = (
            self.env["mfg.quality.inspection"]._quality_parse_datetime(raised_at)
            if raised_at
            else fields.Datetime.now()
        )
        description = payload.get("description") or ""
        return {
            "name": payload["summary"],
            "equipment_id": equipment.id,
            "company_id": (connector.company_id or self.env.company).id,
            "maintenance_type": "corrective",
            "priority": PRIORITIES.get(payload.get("priority") or "normal"),
            "request_date": raised.date(),
            "description": Markup("<p>%s</p>") % description if description else False,
            "mfg_alert_ref": payload["alert_id"],
            "mfg_connector_id": connector.id,
            "mfg_alert_source": payload.get("source"),
        }

    def _quality_reference(self):
        """The request's unique reference for external systems, given once."""
        self.ensure_one()
        if not self.mfg_reference:
            # sudo: the sequence and the field are the system's, whoever acts
            self.sudo().mfg_reference = (
                self.env["ir.sequence"].sudo().next_by_code("mfg.maintenance.request")
            )
        return self.mfg_reference

    # ------------------------------------------------------------------
    # Done: unblock, tell the CMMS
    # ------------------------------------------------------------------
    def _quality_on_done(self):
        logs = self.env["mrp.workcenter.productivity"].search(
            [("mfg_maintenance_request_id", "in", self.ids), ("date_end", "=", False)]
        )
        logs.write({"date_end": fields.Datetime.now()})
        for request in self.filtered("mfg_alert_ref"):
            request._quality_emit_done()

    def _quality_emit_done(self):
        self.ensure_one()
        code = qb_flows.FLOW_MAINTENANCE_DONE
        connectors = (
            self.env["mfg.flow"]
            ._mfg_active_flows(code, company=self.company_id)
            .connector_id
        )
        # Only tell the system that raised the alert, when it has the flow.
        if self.mfg_connector_id:
            connectors = connectors & self.mfg_connector_id
        equipment = self.equipment_id
        equipment_ref = None
        if equipment and self.mfg_connector_id:
            equipment_ref = self.mfg_connector_id._mfg_external_id(equipment)
        payload = qb_payloads.maintenance_done(
            self.mfg_alert_ref,
            self._quality_reference(),
            request_name=self.name[:256],
            equipment=equipment_ref or equipment.name or None,
            done_at=fields.Datetime.now().isoformat() + "Z",
            duration_hours=self.duration or 0.0,
        )
        for connector in connectors:
            connector._emit(code, payload, record=self)
