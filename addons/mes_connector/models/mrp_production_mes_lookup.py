# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""mrp.production, split by concern: what an MES event names, found for its MO
(lookups shared by the five handlers of mrp_production_mes_events.py).

Never an Odoo id from the payload: the MO by name, work orders within the MO,
work centers by code, products by external id or internal reference, lots by
name within the product, locations by barcode or full name within a parent.
An unknown name fails the event with an activity on the MO for its planner.
"""

from odoo import api, models

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
    core_errors,
)

from ..core import operations as mes_operations
from ..core import timeutil
from .mrp_production import SKIP_OUTBOUND


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    @api.model
    def _mes_event_production(self, message, payload):
        """The open MO the event is about (its ``ordering_key``), in an
        environment whose writes are not sent back to the MES."""
        name = payload["ordering_key"]
        production = self.with_context(**{SKIP_OUTBOUND: True}).search(
            [("name", "=", name), ("company_id", "=", self.env.company.id)], limit=2
        )
        if len(production) != 1:
            raise MfgValidationError(
                self.env._(
                    "No single manufacturing order is named %(name)s.", name=name
                )
            )
        if production.state in ("done", "cancel"):
            raise MfgConflictError(
                self.env._(
                    "Manufacturing order %(name)s is %(state)s: the MES event %(flow)s "
                    "(sequence %(seq)s) is refused and stock is untouched.",
                    name=production.name,
                    state=production.state,
                    flow=message.flow_id.code,
                    seq=payload.get("sequence"),
                ),
                record=production,
            )
        if production.state == "draft":
            raise MfgConflictError(
                self.env._(
                    "Manufacturing order %(name)s is not confirmed.",
                    name=production.name,
                ),
                record=production,
            )
        production._mes_check_site(message.connector_id)
        return production

    def _mes_check_site(self, connector):
        """An MES tied to one plant (the connector's warehouse) reports on that
        plant's MOs only."""
        warehouse = connector.mes_warehouse_id
        if warehouse and self.picking_type_id.warehouse_id != warehouse:
            raise MfgConflictError(
                self.env._(
                    "Manufacturing order %(mo)s belongs to %(other)s, not to this "
                    "connector's site %(site)s: refused, stock untouched.",
                    mo=self.name,
                    other=self.picking_type_id.warehouse_id.name,
                    site=warehouse.name,
                ),
                record=self,
            )

    def _mes_event_time(self, payload, field):
        """The payload's date-time ``field``, naive UTC."""
        with core_errors(record=self):
            return timeutil.parse_datetime(payload.get(field), field=field)

    def _mes_find_workorder(self, reference):
        workorders = [
            {"id": wo.id, "sequence": wo.sequence, "name": wo.name}
            for wo in self.workorder_ids
        ]
        with core_errors(record=self, subject=self.name):
            workorder_id = mes_operations.find_workorder(workorders, reference)
        return self.workorder_ids.filtered(lambda wo: wo.id == workorder_id)

    def _mes_find_workcenter(self, code):
        workcenter = self.env["mrp.workcenter"].search(
            [("code", "=", code), ("company_id", "in", [False, self.env.company.id])],
            limit=2,
        )
        if len(workcenter) != 1:
            raise MfgValidationError(
                self.env._("No single work center has the code %(code)s.", code=code),
                record=self,
            )
        return workcenter

    def _mes_find_product(self, code, connector):
        product = connector._mfg_resolve("product.product", code)
        if not product:
            product = self.env["product.product"].search(
                [
                    ("default_code", "=", code),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                limit=2,
            )
        if len(product) != 1:
            raise MfgValidationError(
                self.env._("No single product has the reference %(code)s.", code=code),
                record=self,
            )
        return product

    def _mes_find_lot(self, name, product, required=False):
        if not name:
            if required and product.tracking != "none":
                raise MfgValidationError(
                    self.env._(
                        "%(product)s is tracked by lot or serial number: "
                        "the MES must name it.",
                        product=product.display_name,
                    ),
                    record=self,
                )
            return self.env["stock.lot"]
        if product.tracking == "none":
            raise MfgValidationError(
                self.env._(
                    "%(product)s is not tracked by lot; the MES sent lot %(lot)s.",
                    product=product.display_name,
                    lot=name,
                ),
                record=self,
            )
        lots = self.env["stock.lot"].search(
            [("name", "=", name), ("company_id", "in", [False, self.env.company.id])]
        )
        lot = lots.filtered(lambda lot: lot.product_id == product)[:1]
        if lot:
            return lot
        if lots:
            raise MfgValidationError(
                self.env._(
                    "Lot %(lot)s belongs to %(other)s, not to %(product)s.",
                    lot=name,
                    other=", ".join(lots.product_id.mapped("display_name")),
                    product=product.display_name,
                ),
                record=self,
            )
        raise MfgValidationError(
            self.env._(
                "Lot %(lot)s of %(product)s does not exist in Odoo.",
                lot=name,
                product=product.display_name,
            ),
            record=self,
        )

    def _mes_check_lot_here(self, lot, connector):
        """A lot the MES consumes (or scraps) must be on hand within the
        connector's company and site (its warehouse, when it has one), unless it
        is on hand nowhere yet: a lot shared between companies (no company) that
        only another company or site holds is an error, never a move line for
        stock this plant does not have."""
        if not lot:
            return
        warehouse = connector.mes_warehouse_id
        # sudo: only to know where the lot is, across companies; nothing is touched
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ]
            )
        )
        here = quants.filtered(
            lambda q: (
                q.company_id == connector.company_id
                and (not warehouse or q.location_id.warehouse_id == warehouse)
            )
        )
        if not quants or here:
            return
        elsewhere = quants.mapped(
            lambda q: q.location_id.warehouse_id.name or q.company_id.name
        )
        raise MfgValidationError(
            self.env._(
                "Lot %(lot)s of %(product)s is on hand only in %(elsewhere)s, not in "
                "%(here)s: refused, stock untouched.",
                lot=lot.name,
                product=lot.product_id.display_name,
                elsewhere=", ".join(sorted(set(elsewhere))),
                here=warehouse.name or connector.company_id.name,
            ),
            record=self,
        )

    def _mes_event_quantity(self, payload, to_uom):
        """The payload's quantity in ``to_uom`` (payload ``uom`` by name)."""
        quantity = payload["quantity"]
        name = payload.get("uom")
        if not name or name == to_uom.name:
            return quantity
        uom = self.env["uom.uom"].search(
            [("name", "=ilike", name), ("category_id", "=", to_uom.category_id.id)],
            limit=1,
        )
        if not uom:
            raise MfgValidationError(
                self.env._(
                    "Unit %(uom)s is unknown or not convertible to %(to)s.",
                    uom=name,
                    to=to_uom.name,
                ),
                record=self,
            )
        return uom._compute_quantity(quantity, to_uom)

    def _mes_find_location(self, name, parent):
        company_ids = [False, self.env.company.id]
        location = self.env["stock.location"].search(
            [("barcode", "=", name), ("company_id", "in", company_ids)], limit=1
        ) or self.env["stock.location"].search(
            [("complete_name", "=", name), ("company_id", "in", company_ids)], limit=1
        )
        if not location or not location._child_of(parent):
            raise MfgValidationError(
                self.env._(
                    "Location %(name)s is unknown or not within %(parent)s.",
                    name=name,
                    parent=parent.complete_name,
                ),
                record=self,
            )
        return location
