# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import float_compare


class StockMove(models.Model):
    _inherit = "stock.move"

    mes_consumed_qty = fields.Float(
        string="Consumed (MES)",
        digits="Product Unit of Measure",
        copy=False,
        readonly=True,
        help="Quantity the MES reported as consumed, in the move's unit.",
    )

    def _action_assign(self, force_qty=False):
        res = super()._action_assign(force_qty=force_qty)
        productions = self.raw_material_production_id
        if productions:
            productions._mes_auto_release("components_ready")
        return res

    def _mes_consume(self, quantity, lot, location):
        """Add ``quantity`` (in the move's unit) consumed from ``location`` / ``lot``.

        The MES is the source of truth of what was consumed: its first report on a
        move replaces the reservation lines of that move; later reports add up.
        The move is marked picked and manual so that Odoo's own "produce" does not
        recompute it from the BoM.
        """
        self.ensure_one()
        planned, already = self.product_uom_qty, self.mes_consumed_qty
        if not self.mes_consumed_qty:
            self.move_line_ids.unlink()
        line = self.move_line_ids.filtered(
            lambda ml: ml.lot_id == lot and ml.location_id == location
        )[:1]
        if line:
            line.quantity += self.product_uom._compute_quantity(
                quantity, line.product_uom_id
            )
            line.picked = True
        else:
            self.env["stock.move.line"].create(
                {
                    "move_id": self.id,
                    "product_id": self.product_id.id,
                    "product_uom_id": self.product_uom.id,
                    "location_id": location.id,
                    "location_dest_id": self.location_dest_id.id,
                    "lot_id": lot.id,
                    "quantity": quantity,
                    "picked": True,
                    "company_id": self.company_id.id,
                }
            )
        self.write(
            {
                "picked": True,
                "manual_consumption": True,
                "mes_consumed_qty": already + quantity,
            }
        )
        self._mes_note_over_consumption(planned, already)

    def _mes_note_over_consumption(self, planned, before):
        """A note on the MO when the MES goes past the ``planned`` quantity
        (once: on the report that crosses it)."""
        rounding = self.product_uom.rounding
        if (
            float_compare(before, planned, precision_rounding=rounding)
            <= 0
            < float_compare(self.mes_consumed_qty, planned, precision_rounding=rounding)
        ):
            self.raw_material_production_id._mes_note(
                self.env._(
                    "MES over-consumption: %(qty)s %(uom)s of %(product)s consumed, "
                    "%(planned)s planned.",
                    qty=self.mes_consumed_qty,
                    uom=self.product_uom.name,
                    product=self.product_id.display_name,
                    planned=planned,
                )
            )
