# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class MfgQualityDisposition(models.Model):
    _name = "mfg.quality.disposition"
    _description = "Nonconformance Disposition"
    _order = "decided_at, id"

    nonconformance_id = fields.Many2one(
        "mfg.quality.nonconformance", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="nonconformance_id.company_id", store=True, index=True
    )
    connector_id = fields.Many2one("mfg.connector", index=True)
    external_ref = fields.Char(
        string="Decision Id",
        index=True,
        help="Id of the decision in the quality system.",
    )
    disposition = fields.Selection(
        [
            ("release", "Release"),
            ("scrap", "Scrap"),
            ("rework", "Rework"),
            ("return_to_vendor", "Return to vendor"),
        ],
        required=True,
    )
    quantity = fields.Float(required=True, digits="Product Unit of Measure")
    product_uom_id = fields.Many2one(related="nonconformance_id.product_uom_id")
    decided_by = fields.Char(
        help="Who decided, as named by the quality system or the user."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    decided_at = fields.Datetime(default=fields.Datetime.now, required=True)
    note = fields.Text()
    picking_ids = fields.Many2many(
        "stock.picking",
        "mfg_quality_disposition_picking_rel",
        "disposition_id",
        "picking_id",
        string="Release Transfers",
        readonly=True,
    )
    scrap_ids = fields.Many2many(
        "stock.scrap",
        "mfg_quality_disposition_scrap_rel",
        "disposition_id",
        "scrap_id",
        string="Scrap Orders",
        readonly=True,
    )
    activity_user_id = fields.Many2one(
        "res.users",
        string="Follow-up by",
        readonly=True,
        help="Planner (rework) or buyer (return to vendor) who got an activity.",
    )

    _sql_constraints = [
        (
            "external_ref_uniq",
            "unique(connector_id, external_ref)",
            "A decision id can only be applied once per connector.",
        )
    ]

    def _quality_payload(self):
        self.ensure_one()
        return {
            "disposition": self.disposition,
            "quantity": self.quantity,
            "decided_by": self.decided_by or None,
            "decided_at": self.decided_at.isoformat() + "Z"
            if self.decided_at
            else None,
            "disposition_id": self.external_ref or None,
        }

    # ------------------------------------------------------------------
    # Inbound: quality.disposition.decided
    # ------------------------------------------------------------------
    @api.model
    def _quality_receive_decision(self, message, payload):
        """Handler of quality.disposition.decided (core/flows.py): release,
        scrap, rework or return to vendor on a nonconformance."""
        return self._quality_apply_decision(message.connector_id, payload)

    @api.model
    def _quality_apply_decision(self, connector, payload):
        """Apply a disposition decided in the quality system.

        :return: the nonconformance
        """
        ref = payload.get("disposition_id")
        if ref:
            existing = self.search(
                [("connector_id", "=", connector.id), ("external_ref", "=", ref)],
                limit=1,
            )
            if existing:
                # the same decision sent again: already applied, nothing to redo
                return existing.nonconformance_id
        nc = connector._quality_resolve_nonconformance(payload["nonconformance"])
        decided_at = payload.get("decided_at")
        if decided_at:
            decided_at = self.env["mfg.quality.inspection"]._quality_parse_datetime(
                decided_at
            )
        nc._quality_record_disposition(
            payload["disposition"],
            payload["quantity"],
            decided_by=payload.get("decided_by"),
            decided_at=decided_at,
            note=payload.get("note"),
            external_ref=ref,
            connector=connector,
        )
        return nc
