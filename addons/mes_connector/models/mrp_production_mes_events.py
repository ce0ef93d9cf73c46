# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""mrp.production, split by concern: the handlers of the five inbound MES flows.

Each event names its MO (``ordering_key``); the engine hands the events of one
MO over in sequence order, once (ENGINE_API.md §2), as
``env["mrp.production"]._mes_receive_<event>(message, payload)``. A handler
finds what the event names (mrp_production_mes_lookup.py), has the business
model apply it (the work order, the component move, the scrap, the MO, the
work center's time record) and returns the MO. Writes go through the MO's
environment (``production.env``): what the MES reports is not sent back to it.
"""

from odoo import api, models
from odoo.tools import float_compare

from odoo.addons.mfg_integration_base.exceptions import MfgValidationError


class MrpProduction(models.Model):
    _inherit = "mrp.production"

    @api.model
    def _mes_receive_operation_event(self, message, payload):
        """mes.operation.event: a work order started, paused, resumed, finished."""
        production = self._mes_event_production(message, payload)
        workorder = production._mes_find_workorder(payload["workorder"])
        timestamp = production._mes_event_time(payload, "timestamp")
        workcenter = None
        if payload.get("workcenter"):
            workcenter = production._mes_find_workcenter(payload["workcenter"])
        workorder._mes_apply_operation_event(
            payload["event"],
            timestamp,
            operator=payload.get("operator"),
            workcenter=workcenter,
        )
        production._mes_mark_in_progress()
        return production

    @api.model
    def _mes_receive_material_consumed(self, message, payload):
        """mes.material.consumed: a component (and lot) consumed from a location."""
        production = self._mes_event_production(message, payload)
        product = production._mes_find_product(payload["product"], message.connector_id)
        if product == production.product_id:
            raise MfgValidationError(
                self.env._(
                    "%(product)s is what the order produces, not a component.",
                    product=product.display_name,
                ),
                record=production,
            )
        lot = production._mes_find_lot(payload.get("lot"), product, required=True)
        production._mes_check_lot_here(lot, message.connector_id)
        workorder = production.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = production._mes_find_workorder(payload["workorder"])
        move = production._mes_component_move(product, workorder)
        quantity = production._mes_event_quantity(payload, move.product_uom)
        if payload.get("location"):
            location = production._mes_find_location(
                payload["location"], move.location_id
            )
        else:
            location = production._mes_lot_location(product, lot, move.location_id)
        move._mes_consume(quantity, lot, location)
        production._mes_mark_in_progress()
        return production

    @api.model
    def _mes_receive_scrap_reported(self, message, payload):
        """mes.scrap.reported: a component or the finished product scrapped."""
        production = self._mes_event_production(message, payload)
        product = production._mes_find_product(payload["product"], message.connector_id)
        if product not in production.move_raw_ids.product_id | production.product_id:
            raise MfgValidationError(
                self.env._(
                    "%(product)s is neither a component nor the product of %(mo)s.",
                    product=product.display_name,
                    mo=production.name,
                ),
                record=production,
            )
        lot = production._mes_find_lot(payload.get("lot"), product, required=True)
        workorder = production.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = production._mes_find_workorder(payload["workorder"])
        quantity = production._mes_event_quantity(payload, product.uom_id)
        location = None
        if product != production.product_id:
            production._mes_check_lot_here(lot, message.connector_id)
            # a component is scrapped where it is: the named location, else where
            # the lot (or product) lies under the MO's source location
            parent = production.location_src_id
            if payload.get("location"):
                location = production._mes_find_location(payload["location"], parent)
            else:
                location = production._mes_lot_location(product, lot, parent)
        production.env["stock.scrap"]._mes_scrap(
            production,
            product,
            quantity,
            lot=lot,
            workorder=workorder,
            location=location,
            reason=payload.get("reason"),
        )
        production._mes_mark_in_progress()
        return production

    @api.model
    def _mes_receive_production_completed(self, message, payload):
        """mes.production.completed: quantity (and lot) produced; the MO is closed
        when the connector says so and the quantity is reached or final."""
        production = self._mes_event_production(message, payload)
        timestamp = production._mes_event_time(payload, "timestamp")
        quantity = production._mes_event_quantity(payload, production.product_uom_id)
        connector = message.connector_id
        lot = production._mes_finished_lot(payload.get("lot"), connector)
        production._mes_record_production(quantity, lot)
        production._mes_mark_in_progress()
        reached = float_compare(
            production.qty_producing,
            production.product_qty,
            precision_rounding=production.product_uom_id.rounding,
        )
        if connector.mes_auto_done and (payload.get("final") or reached >= 0):
            production._mes_close(timestamp, message.flow_id)
        return production

    @api.model
    def _mes_receive_downtime_reported(self, message, payload):
        """mes.downtime.reported: a work center stood still, for a loss reason."""
        production = self._mes_event_production(message, payload)
        workcenter = production._mes_find_workcenter(payload["workcenter"])
        start = production._mes_event_time(payload, "start")
        end = production._mes_event_time(payload, "end")
        if end < start:
            raise MfgValidationError(
                self.env._(
                    "Downtime ends (%(end)s) before it starts (%(start)s).",
                    end=end,
                    start=start,
                ),
                record=production,
            )
        loss = production.env["mrp.workcenter.productivity.loss"]._mes_find(
            payload["reason"]
        )
        if not loss:
            raise MfgValidationError(
                self.env._(
                    "No loss reason has the MES code %(code)s.", code=payload["reason"]
                ),
                record=production,
            )
        workorder = production.env["mrp.workorder"]
        if payload.get("workorder"):
            workorder = production._mes_find_workorder(payload["workorder"])
        production.env["mrp.workcenter.productivity"]._mes_record_downtime(
            production,
            workcenter,
            loss,
            start,
            end,
            workorder=workorder,
            details=(payload.get("operator"), payload.get("description")),
        )
        production._mes_mark_in_progress()
        return production
