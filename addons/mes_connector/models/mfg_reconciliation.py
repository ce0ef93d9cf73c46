# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reconciliation of MES snapshots (stock, MO status and quantities) and the
connector's site (warehouse). Read-only for stock: a run only lists differences."""

from odoo import fields, models

from ..core import reconcile


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    mes_warehouse_id = fields.Many2one(
        "stock.warehouse",
        string="Site (warehouse)",
        help="Ties the connector to one plant: MES events for MOs of another "
        "warehouse are refused, and stock reconciliation covers this warehouse.",
        mfg_template="ask",
    )


class MfgReconciliation(models.Model):
    _inherit = "mfg.reconciliation"

    def _get_comparators(self):
        comparators = super()._get_comparators()
        comparators[reconcile.INVENTORY_SNAPSHOT] = self._compare_inventory
        comparators[reconcile.ORDER_SNAPSHOT] = self._compare_orders
        return comparators

    def _snapshot_locations(self, connector, names):
        """{name as sent: location}, within the connector's site when it has one."""
        Location = self.env["stock.location"].sudo()
        scope = [("company_id", "in", [False, connector.company_id.id])]
        if connector.mes_warehouse_id:
            scope.append(("warehouse_id", "=", connector.mes_warehouse_id.id))
        found = {}
        for name in names:
            found[name] = Location.search(
                scope + ["|", ("barcode", "=", name), ("complete_name", "=", name)],
                limit=1,
            )
        return found

    def _compare_inventory(self, connector, snapshot, tolerance):
        lines = snapshot.get("lines", [])
        locations = self._snapshot_locations(
            connector, {line["location"] for line in lines}
        )
        external, unknown = {}, []
        for line in lines:
            location = locations[line["location"]]
            if not location:
                unknown.append(line["location"])
                continue
            key = reconcile.stock_key(
                line["product"], line.get("lot"), location.complete_name
            )
            external[key] = external.get(key, 0.0) + line["quantity"]
        # The snapshot's scope: the products it names, in the locations it names
        # (an MES rarely knows every product of a shared stock location).
        codes = list({line["product"] for line in lines})
        quants = (
            self.env["stock.quant"]
            .sudo()
            .search(
                [
                    (
                        "location_id",
                        "in",
                        [loc.id for loc in locations.values() if loc],
                    ),
                    ("product_id.default_code", "in", codes),
                ]
            )
        )
        odoo = {}
        for quant in quants:
            key = reconcile.stock_key(
                quant.product_id.default_code or quant.product_id.display_name,
                quant.lot_id.name,
                quant.location_id.complete_name,
            )
            odoo[key] = odoo.get(key, 0.0) + quant.quantity
        result = reconcile.compare_quantities(external, odoo, tolerance)
        result += [
            {
                "label": self.env._("Location unknown to Odoo (or outside the site)"),
                "key": name,
                "external_value": name,
                "odoo_value": "",
                "difference": 0.0,
                "above_tolerance": True,
            }
            for name in sorted(set(unknown))
        ]
        return result

    def _compare_orders(self, connector, snapshot, tolerance):
        orders = snapshot.get("orders", [])
        external = {
            order["mo"]: {
                "status": order["status"],
                "produced": order.get("produced"),
                "consumed": {
                    c["product"]: c["quantity"] for c in order.get("consumed", [])
                },
            }
            for order in orders
        }
        productions = (
            self.env["mrp.production"]
            .sudo()
            .search(
                [
                    ("name", "in", list(external)),
                    ("company_id", "=", connector.company_id.id),
                ]
            )
        )
        odoo = {}
        for production in productions:
            consumed = {}
            for move in production.move_raw_ids.filtered(lambda m: m.state != "cancel"):
                code = move.product_id.default_code or move.product_id.display_name
                consumed[code] = consumed.get(code, 0.0) + move.quantity
            produced = (
                production.qty_produced
                if production.state == "done"
                else production.qty_producing
            )
            odoo[production.name] = {
                "status": reconcile.odoo_order_status(production.state),
                "produced": produced,
                "consumed": consumed,
            }
        return reconcile.compare_orders(external, odoo, tolerance)
