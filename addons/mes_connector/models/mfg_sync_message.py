# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbound MES flows: resolve what the event names within the MO, then apply it.

The engine hands each handler the events of one MO in sequence order, once
(ENGINE_API.md §2). Handlers never trust an Odoo id from the payload: MOs are
found by name, work orders within the MO, work centers by code, products by
internal reference or external id, lots by name within the product.
"""

from odoo import models
from odoo.tools import float_compare

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
)

from ..core import flows as mes_flows
from ..core import operations as mes_operations
from ..core import timeutil
from ..core.exceptions import MesCoreError


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _mfg_ordering_record(self):
        """A gap in an MES stream is an exception on the MO it is about."""
        self.ensure_one()
        if self.flow_id.code in mes_flows.INBOUND_FLOWS and self.ordering_key:
            production = (
                self.env["mrp.production"]
                .sudo()
                .search(
                    [
                        ("name", "=", self.ordering_key),
                        ("company_id", "=", self.company_id.id),
                    ],
                    limit=1,
                )
            )
            if production:
                return production
        return super()._mfg_ordering_record()

    def _mfg_open_exception_activity(self, text, record=None, user=None):
        """An exception on an MO goes to its planner unless someone is named."""
        if not user and record and record._name == "mrp.production" and record.user_id:
            user = record.user_id
        return super()._mfg_open_exception_activity(text, record=record, user=user)

    # -------------------------------------------------------------- resolving
    def _mes_fail(self, message, production=None, conflict=False):
        error_class = MfgConflictError if conflict else MfgValidationError
        if production:
            return error_class(message, record=production, user=production.user_id)
        return error_class(message)

    def _mes_get_production(self, payload):
        name = payload["ordering_key"]
        production = self.env["mrp.production"].search(
            [("name", "=", name), ("company_id", "=", self.env.company.id)], limit=2
        )
        if len(production) != 1:
            raise self._mes_fail(
                self.env._(
                    "No single manufacturing order is named %(name)s.", name=name
                )
            )
        if production.state in ("done", "cancel"):
            raise self._mes_fail(
                self.env._(
                    "Manufacturing order %(name)s is %(state)s: the MES event %(flow)s "
                    "(sequence %(seq)s) is refused and stock is untouched.",
                    name=production.name,
                    state=production.state,
                    flow=self.flow_id.code,
                    seq=payload.get("sequence"),
                ),
                production,
                conflict=True,
            )
        if production.state == "draft":
            raise self._mes_fail(
                self.env._(
                    "Manufacturing order %(name)s is not confirmed.",
                    name=production.name,
                ),
                production,
                conflict=True,
            )
        return production

    def _mes_time(self, payload, field, production):
        try:
            return timeutil.parse_datetime(payload.get(field), field=field)
        except MesCoreError as error:
            raise self._mes_fail(str(error), production) from error

    def _mes_get_workorder(self, production, reference):
        workorders = [
            {"id": wo.id, "sequence": wo.sequence, "name": wo.name}
            for wo in production.workorder_ids
        ]
        try:
            workorder_id = mes_operations.find_workorder(workorders, reference)
        except MesCoreError as error:
            raise self._mes_fail(
                self.env._("%(mo)s: %(error)s.", mo=production.name, error=error),
                production,
            ) from error
        return production.workorder_ids.filtered(lambda wo: wo.id == workorder_id)

    def _mes_get_workcenter(self, code, production):
        workcenter = self.env["mrp.workcenter"].search(
            [("code", "=", code), ("company_id", "in", [False, self.env.company.id])],
            limit=2,
        )
        if len(workcenter) != 1:
            raise self._mes_fail(
                self.env._("No single work center has the code %(code)s.", code=code),
                production,
            )
        return workcenter

    def _mes_get_product(self, code, production):
        product = self.connector_id._mfg_resolve("product.product", code)
        if not product:
            product = self.env["product.product"].search(
                [
                    ("default_code", "=", code),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                limit=2,
            )
        if len(product) != 1:
            raise self._mes_fail(
                self.env._("No single product has the reference %(code)s.", code=code),
                production,
            )
        return product

    def _mes_get_lot(self, name, product, production, required=False):
        if not name:
            if required and product.tracking != "none":
                raise self._mes_fail(
                    self.env._(
                        "%(product)s is tracked by lot or serial number: "
                        "the MES must name it.",
                        product=product.display_name,
                    ),
                    production,
                )
            return self.env["stock.lot"]
        if product.tracking == "none":
            raise self._mes_fail(
                self.env._(
                    "%(product)s is not tracked by lot; the MES sent lot %(lot)s.",
                    product=product.display_name,
                    lot=name,
                ),
                production,
            )
        lots = self.env["stock.lot"].search(
            [("name", "=", name), ("company_id", "in", [False, self.env.company.id])]
        )
        lot = lots.filtered(lambda lot: lot.product_id == product)[:1]
        if lot:
            return lot
        if lots:
            raise self._mes_fail(
                self.env._(
                    "Lot %(lot)s belongs to %(other)s, not to %(product)s.",
                    lot=name,
                    other=", ".join(lots.product_id.mapped("display_name")),
                    product=product.display_name,
                ),
                production,
            )
        raise self._mes_fail(
            self.env._(
                "Lot %(lot)s of %(product)s does not exist in Odoo.",
                lot=name,
                product=product.display_name,
            ),
            production,
        )

    def _mes_check_lot_here(self, lot, production):
        """A lot the MES consumes (or scraps) must be on hand within the
        connector's company and site (its warehouse, when it has one), unless it
        is on hand nowhere yet: a lot shared between companies (no company) that
        only another company or site holds is an error, never a move line for
        stock this plant does not have."""
        if not lot:
            return
        connector = self.connector_id
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
        raise self._mes_fail(
            self.env._(
                "Lot %(lot)s of %(product)s is on hand only in %(elsewhere)s, not in "
                "%(here)s: refused, stock untouched.",
                lot=lot.name,
                product=lot.product_id.display_name,
                elsewhere=", ".join(sorted(set(elsewhere))),
                here=warehouse.name or connector.company_id.name,
            ),
            production,
        )

    def _mes_quantity(self, payload, to_uom, production):
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
            raise self._mes_fail(
                self.env._(
                    "Unit %(uom)s is unknown or not convertible to %(to)s.",
                    uom=name,
                    to=to_uom.name,
                ),
                production,
            )
        return uom._compute_quantity(quantity, to_uom)

    def _mes_get_location(self, name, parent, production):
        company_ids = [False, self.env.company.id]
        location = self.env["stock.location"].search(
            [("barcode", "=", name), ("company_id", "in", company_ids)], limit=1
        ) or self.env["stock.location"].search(
            [("complete_name", "=", name), ("company_id", "in", company_ids)], limit=1
        )
        if not location or not location._child_of(parent):
            raise self._mes_fail(
                self.env._(
                    "Location %(name)s is unknown or not within %(parent)s.",
                    name=name,
                    parent=parent.complete_name,
                ),
                production,
            )
        return location

    # -------------------------------------------------------------- handlers
    def _handle_mes_operation_event(self, payload):
        production = self._mes_get_production(payload)
        workorder = self._mes_get_workorder(production, payload["workorder"])
        timestamp = self._mes_time(payload, "timestamp", production)
        workcenter = None
        if payload.get("workcenter"):
            workcenter = self._mes_get_workcenter(payload["workcenter"], production)
        workorder._mes_apply_operation_event(
            payload["event"],
            timestamp,
            operator=payload.get("operator"),
            workcenter=workcenter,
        )
        production._mes_mark_in_progress()
        return production

    def _handle_mes_material_consumed(self, payload):
        production = self._mes_get_production(payload)
        product = self._mes_get_product(payload["product"], production)
        if product == production.product_id:
            raise self._mes_fail(
                self.env._(
                    "%(product)s is what the order produces, not a component.",
                    product=product.display_name,
                ),
                production,
            )
        lot = self._mes_get_lot(payload.get("lot"), product, production, required=True)
        self._mes_check_lot_here(lot, production)
        workorder = self.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = self._mes_get_workorder(production, payload["workorder"])
        move = production._mes_component_move(product, workorder)
        quantity = self._mes_quantity(payload, move.product_uom, production)
        if payload.get("location"):
            location = self._mes_get_location(
                payload["location"], move.location_id, production
            )
        else:
            location = production._mes_lot_location(product, lot, move.location_id)
        planned = move.product_uom_qty
        already = move.mes_consumed_qty
        move._mes_consume(quantity, lot, location)
        rounding = move.product_uom.rounding
        if (
            float_compare(already, planned, precision_rounding=rounding)
            <= 0
            < float_compare(move.mes_consumed_qty, planned, precision_rounding=rounding)
        ):
            production._mes_note(
                self.env._(
                    "MES over-consumption: %(qty)s %(uom)s of %(product)s consumed, "
                    "%(planned)s planned.",
                    qty=move.mes_consumed_qty,
                    uom=move.product_uom.name,
                    product=product.display_name,
                    planned=planned,
                )
            )
        production._mes_mark_in_progress()
        return production

    def _handle_mes_scrap_reported(self, payload):
        production = self._mes_get_production(payload)
        product = self._mes_get_product(payload["product"], production)
        allowed = production.move_raw_ids.product_id | production.product_id
        if product not in allowed:
            raise self._mes_fail(
                self.env._(
                    "%(product)s is neither a component nor the product of %(mo)s.",
                    product=product.display_name,
                    mo=production.name,
                ),
                production,
            )
        lot = self._mes_get_lot(payload.get("lot"), product, production, required=True)
        workorder = self.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = self._mes_get_workorder(production, payload["workorder"])
        quantity = self._mes_quantity(payload, product.uom_id, production)
        vals = {}
        if product != production.product_id:
            self._mes_check_lot_here(lot, production)
            # a component is scrapped where it is: the named location, else where
            # the lot (or product) lies under the MO's source location
            parent = production.location_src_id
            if payload.get("location"):
                vals["location_id"] = self._mes_get_location(
                    payload["location"], parent, production
                ).id
            else:
                vals["location_id"] = production._mes_lot_location(
                    product, lot, parent
                ).id
        reason = payload.get("reason")
        tags = self.env["stock.scrap.reason.tag"]
        if reason:
            tags = tags.search([("name", "=ilike", reason)], limit=1)
        scrap = self.env["stock.scrap"].create(
            {
                "product_id": product.id,
                "product_uom_id": product.uom_id.id,
                "scrap_qty": quantity,
                "lot_id": lot.id,
                "production_id": production.id,
                "workorder_id": workorder.id,
                "company_id": production.company_id.id,
                "origin": f"{production.name} (MES: {reason})"
                if reason and not tags
                else production.name,
                "scrap_reason_tag_ids": [(6, 0, tags.ids)],
                **vals,
            }
        )
        scrap.do_scrap()
        production._mes_mark_in_progress()
        return production

    def _handle_mes_production_completed(self, payload):
        production = self._mes_get_production(payload)
        timestamp = self._mes_time(payload, "timestamp", production)
        quantity = self._mes_quantity(payload, production.product_uom_id, production)
        lot = production._mes_finished_lot(payload.get("lot"), self.connector_id, self)
        production._mes_record_production(quantity, lot, self)
        production._mes_mark_in_progress()
        connector = self.connector_id
        reached = float_compare(
            production.qty_producing,
            production.product_qty,
            precision_rounding=production.product_uom_id.rounding,
        )
        if connector.mes_auto_done and (payload.get("final") or reached >= 0):
            production._mes_close(timestamp, connector)
        return production

    def _handle_mes_downtime_reported(self, payload):
        production = self._mes_get_production(payload)
        workcenter = self._mes_get_workcenter(payload["workcenter"], production)
        start = self._mes_time(payload, "start", production)
        end = self._mes_time(payload, "end", production)
        if end < start:
            raise self._mes_fail(
                self.env._(
                    "Downtime ends (%(end)s) before it starts (%(start)s).",
                    end=end,
                    start=start,
                ),
                production,
            )
        loss = self.env["mrp.workcenter.productivity.loss"]._mes_find(payload["reason"])
        if not loss:
            raise self._mes_fail(
                self.env._(
                    "No loss reason has the MES code %(code)s.", code=payload["reason"]
                ),
                production,
            )
        workorder = self.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = self._mes_get_workorder(production, payload["workorder"])
        description = " - ".join(
            part
            for part in (
                self.env._("MES downtime"),
                payload.get("operator"),
                payload.get("description"),
            )
            if part
        )
        if workorder:
            # named in the text only: a work order's time records are its working
            # time (duration, cost); downtime belongs to the work center
            description = f"{description} - {workorder.display_name}"
        self.env["mrp.workcenter.productivity"].create(
            {
                "workcenter_id": workcenter.id,
                "loss_id": loss.id,
                "date_start": start,
                "date_end": end,
                "description": description,
                "company_id": production.company_id.id,
                "mes_tracked": True,
            }
        )
        production._mes_mark_in_progress()
        return production
