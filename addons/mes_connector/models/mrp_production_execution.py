# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""mrp.production, inbound side: what the MES reports is applied to the MO.

Split from mrp_production.py (release and changes, outbound) by responsibility.
"""

from markupsafe import Markup, escape

from odoo import models
from odoo.tools import float_compare, float_is_zero

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
)

from .mrp_production import SKIP_OUTBOUND

COMPLETION_EXCEPTION_KEY = "mes.production.completed"


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    def _mes_note(self, text):
        # engine bookkeeping: never fails the MES event (no sender address needed)
        self._mfg_note(Markup("<p>%s</p>") % escape(text))

    # ------------------------------------------------------------ consumption
    def _mes_component_move(self, product, workorder):
        """The component move the consumption goes to; an extra one, as Odoo lets a
        user add a component line to a started order, when the MO has none."""
        self.ensure_one()
        moves = self.move_raw_ids.filtered(
            lambda m: (
                m.product_id == product
                and m.state not in ("done", "cancel")
                and not m.scrapped
            )
        ).sorted("id")
        if workorder:
            moves = moves.filtered(lambda m: m.workorder_id == workorder) or moves
        if moves:
            return moves[0]
        move = self.env["stock.move"].create(
            self._get_move_raw_values(product, 0.0, product.uom_id)
        )
        move._action_confirm(merge=False)
        self._mes_note(
            self.env._(
                "MES consumed %(product)s, which the order did not plan: "
                "extra component line added.",
                product=product.display_name,
            )
        )
        return move

    def _mes_lot_location(self, product, lot, parent):
        """Where to consume from when the MES names no location: the first location
        under ``parent`` holding the product (and lot), else ``parent`` itself."""
        domain = [
            ("product_id", "=", product.id),
            ("location_id", "child_of", parent.id),
            ("quantity", ">", 0),
        ]
        if lot:
            domain.append(("lot_id", "=", lot.id))
        quant = self.env["stock.quant"].search(domain, order="id", limit=1)
        return quant.location_id or parent

    # ------------------------------------------------------------- completion
    def _mes_finished_lot(self, name, connector):
        self.ensure_one()
        product = self.product_id
        if not name:
            if product.tracking != "none" and not self.lot_producing_id:
                raise MfgValidationError(
                    self.env._(
                        "%(product)s is tracked: the MES must name the finished "
                        "lot or serial.",
                        product=product.display_name,
                    ),
                    record=self,
                )
            return self.lot_producing_id
        if (
            connector.mes_create_finished_lots
            and product.tracking != "none"
            and not self.env["stock.lot"].search_count(
                [
                    ("name", "=", name),
                    ("company_id", "in", [False, self.company_id.id]),
                ],
                limit=1,
            )
        ):
            return self.env["stock.lot"].create(
                {
                    "name": name,
                    "product_id": product.id,
                    "company_id": self.company_id.id,
                }
            )
        return self._mes_find_lot(name, product)

    def _mes_record_production(self, quantity, lot):
        """Add ``quantity`` (MO unit) to the quantity being produced, with ``lot``."""
        self.ensure_one()
        rounding = self.product_uom_id.rounding
        if (
            lot
            and self.lot_producing_id
            and lot != self.lot_producing_id
            and not float_is_zero(self.qty_producing, precision_rounding=rounding)
        ):
            raise MfgConflictError(
                self.env._(
                    "%(mo)s is already producing lot %(current)s; "
                    "the MES reports lot %(lot)s. "
                    "One order makes one lot: split the order first.",
                    mo=self.name,
                    current=self.lot_producing_id.name,
                    lot=lot.name,
                ),
                record=self,
            )
        new_qty = self.qty_producing + quantity
        if (
            self.product_id.tracking == "serial"
            and float_compare(new_qty, 1.0, precision_rounding=rounding) > 0
        ):
            raise MfgConflictError(
                self.env._(
                    "%(mo)s makes one serial-numbered unit; "
                    "the MES reports %(qty)s in all.",
                    mo=self.name,
                    qty=new_qty,
                ),
                record=self,
            )
        vals = {"qty_producing": new_qty}
        if lot:
            vals["lot_producing_id"] = lot.id
        self.with_context(**{SKIP_OUTBOUND: True}).write(vals)
        # what the MO form's onchange does: components not reported by the MES
        # follow the BoM for the quantity produced
        self._set_qty_producing(False)

    def _mes_close(self, timestamp, flow):
        """Mark the MO done as the flow's connector says, with Odoo's backorder
        rules."""
        self.ensure_one()
        connector = flow.connector_id
        issues = self._get_consumption_issues()
        if any(order.consumption == "strict" for order, *_rest in issues):
            lines = Markup("").join(
                Markup("<li>%s: %s / %s</li>")
                % (product.display_name, consumed, expected)
                for _order, product, consumed, expected in issues
            )
            self.env["mail.activity"]._mfg_upsert_exception(
                self,
                key=COMPLETION_EXCEPTION_KEY,
                summary=self.env._("MES completion: consumption blocks closing"),
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    self.env._(
                        "The MES completed %(mo)s but its bill of materials is "
                        "strict and "
                        "the consumption (consumed / expected) differs:",
                        mo=self.name,
                    ),
                    lines,
                ),
                user=flow.sudo()._mfg_responsible(record=self),
            )
            return False
        if issues:
            self._mes_note(
                self.env._(
                    "Closed from the MES with consumption off plan: %(lines)s",
                    lines="; ".join(
                        f"{product.display_name} {consumed} / {expected}"
                        for _order, product, consumed, expected in issues
                    ),
                )
            )
        to_backorder = False
        if (
            float_compare(
                self.qty_producing,
                self.product_qty,
                precision_rounding=self.product_uom_id.rounding,
            )
            < 0
        ):
            policy = self.picking_type_id.create_backorder
            to_backorder = policy == "always" or (
                policy == "ask" and connector.mes_backorder_policy == "backorder"
            )
        context = {
            "skip_consumption": True,
            "skip_backorder": True,
            "mo_ids_to_backorder": self.ids if to_backorder else [],
            "skip_redirection": True,
            SKIP_OUTBOUND: True,
        }
        self.with_context(**context).button_mark_done()
        self.with_context(**{SKIP_OUTBOUND: True}).date_finished = timestamp
        self.env["mail.activity"]._mfg_close_exception(
            self, key=COMPLETION_EXCEPTION_KEY
        )
        backorders = self.procurement_group_id.mrp_production_ids.filtered(
            lambda p: (
                p != self
                and p.state not in ("done", "cancel")
                and p.mes_release_state == "not_released"
            )
        )
        backorders._mes_auto_release("confirm")
        return True
