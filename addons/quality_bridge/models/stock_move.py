# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.exceptions import UserError

from ..core import flows as qb_flows
from ..core import payloads as qb_payloads


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        self._quality_check_hold()
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._quality_request_inspections()
        return moves

    def _quality_check_hold(self):
        """A lot on quality hold only moves into or out of quarantine (or to
        scrap) until a disposition or a passed inspection frees it."""
        if self.env.context.get("mfg_quality_hold_bypass"):
            return
        for line in self.filtered(lambda m: not m.scrapped).move_line_ids:
            lot = line.lot_id
            if not lot.mfg_quality_hold or not line.quantity:
                continue
            if line.location_id.usage != "internal":
                continue
            if line.location_id.mfg_quarantine or line.location_dest_id.mfg_quarantine:
                continue
            if line.location_dest_id.usage == "inventory":
                # inventory adjustments correct the count, they do not use the lot
                continue
            raise UserError(
                self.env._(
                    "Lot %(lot)s of %(product)s is on quality hold: it cannot leave "
                    "%(location)s until its nonconformance is dispositioned.",
                    lot=lot.name,
                    product=line.product_id.display_name,
                    location=line.location_id.display_name,
                )
            )

    def _quality_needs_inspection(self):
        self.ensure_one()
        return (
            self.state == "done"
            and not self.scrapped
            and self.product_id.mfg_inspection_required
            and (self.picking_code == "incoming" or bool(self.production_id))
        )

    def _quality_request_inspections(self):
        """Outbox: ask the quality system to inspect what was just received
        or produced, one message per lot."""
        code = qb_flows.FLOW_INSPECTION_REQUESTED
        moves = self.filtered(lambda m: m._quality_needs_inspection())
        for company in moves.company_id:
            flows = self.env["mfg.flow"]._mfg_active_flows(code, company=company)
            if not flows:
                continue
            for move in moves.filtered(lambda m, c=company: m.company_id == c):
                for connector, payload in move._quality_inspection_payloads(
                    flows.connector_id
                ):
                    connector._emit(
                        code, payload, record=move.production_id or move.picking_id
                    )

    def _quality_inspection_payloads(self, connectors):
        """Yield (connector, payload) for each connector and lot of the move."""
        self.ensure_one()
        per_lot = {}
        for line in self.move_line_ids:
            per_lot.setdefault(line.lot_id, 0.0)
            per_lot[line.lot_id] += line.quantity_product_uom
        if self.production_id:
            origin_type, origin_ref = "production", self.production_id.name
        else:
            origin_type, origin_ref = "receipt", self.picking_id.name
        purchase = self.purchase_line_id.order_id
        for connector in connectors:
            product_ref = (
                connector._mfg_external_id(self.product_id)
                or self.product_id.default_code
                or self.product_id.display_name
            )
            for lot, qty in per_lot.items():
                yield (
                    connector,
                    qb_payloads.inspection_requested(
                        f"IR-{self.id}-{lot.id or 0}",
                        product_ref,
                        qty,
                        origin_type,
                        origin_ref,
                        lot=lot.name or None,
                        uom=self.product_id.uom_id.name,
                        product_name=self.product_id.display_name,
                        purchase_order=purchase.name or None,
                        vendor=(
                            purchase.partner_id or self.picking_id.partner_id
                        ).display_name
                        or None,
                        requested_at=(self.date or fields.Datetime.now()).isoformat()
                        + "Z",
                    ),
                )
