# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields, models
from odoo.exceptions import UserError

from odoo.addons.mfg_integration_base.exceptions import (
    MfgValidationError,
    core_errors,
)

from ..core import quantities as qb_quantities


class StockLot(models.Model):
    _inherit = "stock.lot"

    mfg_quality_hold = fields.Boolean(
        string="Quality Hold",
        copy=False,
        tracking=True,
        index=True,
        help="Set by a failed inspection: the lot waits in quarantine for a "
        "disposition.",
    )
    mfg_quarantine_qty = fields.Float(
        string="Quantity in Quarantine",
        compute="_compute_mfg_quarantine_qty",
        digits="Product Unit of Measure",
    )
    mfg_nonconformance_ids = fields.One2many(
        "mfg.quality.nonconformance", "lot_id", string="Nonconformances"
    )
    mfg_inspection_ids = fields.One2many(
        "mfg.quality.inspection", "lot_id", string="Inspections"
    )

    def _compute_mfg_quarantine_qty(self):
        for lot in self:
            lot.mfg_quarantine_qty = sum(
                lot._quality_quarantine_quants().mapped("quantity")
            )

    # ------------------------------------------------------------------
    # Quants
    # ------------------------------------------------------------------
    def _quality_quant_domain(self):
        self.ensure_one()
        return [
            ("lot_id", "=", self.id),
            ("product_id", "=", self.product_id.id),
            ("location_id.usage", "=", "internal"),
            ("location_id.warehouse_id", "!=", False),
            ("company_id", "=", (self.company_id or self.env.company).id),
        ]

    def _quality_stock_quants(self):
        """Quants of the lot in the warehouses, outside quarantine."""
        return self.env["stock.quant"].search(
            self._quality_quant_domain() + [("location_id.mfg_quarantine", "=", False)],
            order="in_date, id",
        )

    def _quality_quarantine_quants(self):
        return self.env["stock.quant"].search(
            self._quality_quant_domain() + [("location_id.mfg_quarantine", "=", True)],
            order="in_date, id",
        )

    def _quality_open_nonconformances_anywhere(self):
        """Open nonconformances of the lot in every company. sudo: a lot shared
        between companies is held for all of them; the records are only
        counted and summed here, never shown or changed."""
        self.ensure_one()
        return (
            self.env["mfg.quality.nonconformance"]
            .sudo()
            .search([("lot_id", "=", self.id), ("state", "!=", "closed")])
        )

    def _quality_check_not_elsewhere(self):
        """A lot shared between companies (no company) that is on hand only in
        other companies is not this company's to hold: refuse clearly."""
        self.ensure_one()
        company = self.company_id or self.env.company
        # sudo: only to know whether other companies hold the lot, never to touch it
        elsewhere = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", self.id),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                    ("company_id", "!=", company.id),
                ]
            )
        )
        if elsewhere:
            raise MfgValidationError(
                self.env._(
                    "Lot %(lot)s is on hand only in other companies (%(companies)s), "
                    "not in %(company)s: this connector cannot hold it.",
                    lot=self.name,
                    companies=", ".join(elsewhere.company_id.mapped("name")),
                    company=company.name,
                ),
                record=self,
            )

    def _quality_plan(self, quants, quantity, free_only):
        """Plan (quant, qty) pairs before touching anything: refuse early."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        available = [
            (quant, quant.quantity - (quant.reserved_quantity if free_only else 0.0))
            for quant in quants
        ]
        with core_errors(record=self):
            return qb_quantities.plan_quant_moves(
                available,
                requested=quantity,
                digits=digits,
                label=self.env._(
                    "Lot %(lot)s of %(product)s",
                    lot=self.name,
                    product=self.product_id.display_name,
                ),
            )

    def _quality_plan_quarantine(self, quantity=None):
        """What a quarantine of ``quantity`` (default: all on hand) would move.
        Quantities reserved by other operations count: they are unreserved."""
        return self._quality_plan(
            self._quality_stock_quants(), quantity, free_only=False
        )

    def _quality_plan_release(self, quantity=None):
        """What a release of ``quantity`` (default: all) from quarantine would move."""
        return self._quality_plan(
            self._quality_quarantine_quants(), quantity, free_only=True
        )

    # ------------------------------------------------------------------
    # Transfers
    # ------------------------------------------------------------------
    def _quality_quarantine(self, plan, origin):
        """Move planned quants to their warehouse's quarantine location.

        What other operations had reserved of the lot there is unreserved
        first; those operations then try to reserve other lots.

        :return: the validated internal transfers
        """
        self.ensure_one()
        unreserved = self._quality_unreserve(plan)
        moves = []
        for quant, qty in plan:
            warehouse = quant.location_id.warehouse_id
            if not warehouse.mfg_quarantine_location_id:
                warehouse._quality_ensure_quarantine_location()
            moves.append((quant.location_id, warehouse.mfg_quarantine_location_id, qty))
        transfers = self._quality_transfer(moves, origin)
        to_assign = unreserved.filtered(
            lambda m: m.state in ("confirmed", "partially_available", "assigned")
        )
        if to_assign:
            to_assign._action_assign()
        return transfers

    def _quality_unreserve(self, plan):
        """Drop the open move lines that reserve this lot where the plan takes
        more than is free. Returns the moves that lost their reservation."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        locations = self.env["stock.location"]
        for quant, qty in plan:
            free = quant.quantity - quant.reserved_quantity
            if round(qty - free, digits) > 0:
                locations |= quant.location_id
        if not locations:
            return self.env["stock.move"]
        lines = self.env["stock.move.line"].search(
            [
                ("lot_id", "=", self.id),
                ("location_id", "in", locations.ids),
                ("state", "not in", ("done", "cancel")),
            ]
        )
        moves = lines.move_id
        for picking in moves.picking_id:
            picking._mfg_note(
                self.env._(
                    "Lot %(lot)s failed inspection: its reservation was released "
                    "and the lot moved to quarantine.",
                    lot=self.name,
                )
            )
        lines.unlink()
        return moves

    def _quality_release(self, plan, origin):
        """Move planned quarantine quants back to their warehouse's stock."""
        self.ensure_one()
        moves = [
            (quant.location_id, quant.location_id.warehouse_id.lot_stock_id, qty)
            for quant, qty in plan
        ]
        return self._quality_transfer(moves, origin)

    def _quality_transfer(self, moves, origin):
        """One validated internal transfer per (source, destination) pair."""
        self.ensure_one()
        grouped = {}
        for source, dest, qty in moves:
            grouped.setdefault((source, dest), 0.0)
            grouped[(source, dest)] += qty
        pickings = self.env["stock.picking"]
        for (source, dest), qty in grouped.items():
            pickings |= self._quality_validated_picking(source, dest, qty, origin)
        return pickings

    def _prepare_quality_picking_vals(self, source, dest, origin):
        warehouse = dest.warehouse_id or source.warehouse_id
        return {
            "picking_type_id": warehouse.int_type_id.id,
            "location_id": source.id,
            "location_dest_id": dest.id,
            "origin": origin,
            "company_id": warehouse.company_id.id,
            "move_ids": [
                Command.create(
                    {
                        "name": origin or self.name,
                        "product_id": self.product_id.id,
                        "product_uom": self.product_id.uom_id.id,
                        "product_uom_qty": 0.0,
                        "location_id": source.id,
                        "location_dest_id": dest.id,
                        "company_id": warehouse.company_id.id,
                    }
                )
            ],
        }

    def _quality_validated_picking(self, source, dest, qty, origin):
        vals = self._prepare_quality_picking_vals(source, dest, origin)
        vals["move_ids"][0][2]["product_uom_qty"] = qty
        picking = self.env["stock.picking"].create(vals)
        picking.action_confirm()
        move = picking.move_ids
        # The lot is named explicitly: no reservation strategy picks another one.
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": self.product_id.id,
                "product_uom_id": self.product_id.uom_id.id,
                "lot_id": self.id,
                "quantity": qty,
                "location_id": source.id,
                "location_dest_id": dest.id,
            }
        )
        move.picked = True
        result = picking.with_context(
            skip_backorder=True, cancel_backorder=True
        ).button_validate()
        if picking.state != "done":
            raise UserError(
                self.env._(
                    "Transfer %(picking)s of lot %(lot)s could not be validated "
                    "(%(result)s).",
                    picking=picking.name,
                    lot=self.name,
                    result=result,
                )
            )
        return picking

    def _quality_update_hold(self, released=False):
        """Lift the hold once nothing suspect of the lot is outside quarantine.

        - nothing left in quarantine and no open nonconformance: lifted;
        - after a *release* decision, when what is still undecided all waits in
          quarantine: lifted too, so the released quantity is usable at once
          (what remains in quarantine is out of reach of reservations anyway).
        Rework, return and scrap decisions alone never lift it.
        """
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for lot in self.filtered("mfg_quality_hold"):
            open_ncs = lot._quality_open_nonconformances_anywhere()
            in_quarantine = sum(lot._quality_quarantine_quants().mapped("quantity"))
            undecided = sum(open_ncs.mapped("quantity_remaining"))
            if round(in_quarantine, digits) <= 0 and not open_ncs:
                lot.mfg_quality_hold = False
            elif released and round(undecided - in_quarantine, digits) <= 0:
                lot.mfg_quality_hold = False
                lot._mfg_note(
                    self.env._(
                        "Quality hold lifted by a release; %(qty)s %(uom)s still wait "
                        "in quarantine for a decision.",
                        qty="%g" % in_quarantine,
                        uom=lot.product_uom_id.name,
                    )
                )
