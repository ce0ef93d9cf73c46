# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the MES connector tests: a small shop with two work centers, a
lot-tracked finished product, an untracked and a lot-tracked component."""

import json

from odoo.tests import new_test_user

from odoo.addons.mfg_integration_base.tests.common import MfgCommon, MfgHttpCommon

from ..core import flows as mes_flows

TECH_GROUPS = ("mes_connector.mes_connector_group_technical",)


def order_snapshot(production):
    """What a user sees of an MO after the shop floor: its state, quantities,
    moves, scraps and work orders with their time records."""
    workorders = []
    for wo in production.workorder_ids.sorted("sequence"):
        workorders.append(
            {
                "sequence": wo.sequence,
                "state": wo.state,
                "mes_state": wo.mes_operation_state,
                "date_start": wo.date_start,
                "date_finished": wo.date_finished,
                "duration": round(wo.duration, 2),
                "times": sorted(
                    (str(t.date_start), str(t.date_end), t.loss_id.name, t.duration)
                    for t in wo.time_ids
                ),
            }
        )
    return {
        "state": production.state,
        "mes_release_state": production.mes_release_state,
        "qty_producing": production.qty_producing,
        "qty_produced": production.qty_produced,
        "lot": production.lot_producing_id.name,
        "moves": sorted(
            (m.product_id.default_code, m.state, round(m.quantity, 4), m.picked)
            for m in production.move_raw_ids | production.move_finished_ids
        ),
        "scraps": sorted(
            (s.product_id.default_code, s.scrap_qty, s.state, s.lot_id.name or "")
            for s in production.scrap_ids
        ),
        "workorders": workorders,
    }


class MesTestMixin:
    @classmethod
    def _mes_setup(cls):
        env = cls.env
        cls.planner = new_test_user(
            env, login="mes_planner", groups="mrp.group_mrp_user,stock.group_stock_user"
        )
        cls.connector = cls._mfg_create_connector(
            "mes1", kind="mes", flows=mes_flows.INBOUND_FLOWS, tech_groups=TECH_GROUPS
        )
        cls.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.shelf = env["stock.location"].create(
            {"name": "Shelf MES", "location_id": cls.stock.id, "barcode": "SHELF-MES"}
        )
        cls.uom_unit = env.ref("uom.product_uom_unit")
        cls.uom_dozen = env.ref("uom.product_uom_dozen")
        cls.wc_cut = env["mrp.workcenter"].create(
            {
                "name": "MES Cutting",
                "code": "MES-CUT",
                "costs_hour": 60,
                "time_efficiency": 100,
            }
        )
        cls.wc_asm = env["mrp.workcenter"].create(
            {
                "name": "MES Assembly",
                "code": "MES-ASM",
                "costs_hour": 30,
                "time_efficiency": 100,
            }
        )
        product = env["product.product"]
        cls.finished = product.create(
            {
                "name": "MES Table",
                "default_code": "FG-TABLE",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.comp_plain = product.create(
            {"name": "MES Screw", "default_code": "C-SCREW", "is_storable": True}
        )
        cls.comp_lot = product.create(
            {
                "name": "MES Board",
                "default_code": "C-BOARD",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.other = product.create(
            {
                "name": "MES Paint",
                "default_code": "C-PAINT",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        lot = env["stock.lot"]
        cls.lot_board = lot.create({"name": "BOARD-1", "product_id": cls.comp_lot.id})
        cls.lot_board_2 = lot.create({"name": "BOARD-2", "product_id": cls.comp_lot.id})
        cls.lot_paint = lot.create({"name": "PAINT-1", "product_id": cls.other.id})
        cls.lot_table = lot.create({"name": "TABLE-1", "product_id": cls.finished.id})
        cls.bom = env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.finished.product_tmpl_id.id,
                "product_qty": 1.0,
                "consumption": "flexible",
                "operation_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Cutting",
                            "workcenter_id": cls.wc_cut.id,
                            "time_mode": "manual",
                            "time_cycle_manual": 6.0,
                            "sequence": 1,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Assembly",
                            "workcenter_id": cls.wc_asm.id,
                            "time_mode": "manual",
                            "time_cycle_manual": 12.0,
                            "sequence": 2,
                        },
                    ),
                ],
                "bom_line_ids": [
                    (0, 0, {"product_id": cls.comp_plain.id, "product_qty": 4}),
                    (0, 0, {"product_id": cls.comp_lot.id, "product_qty": 1}),
                ],
            }
        )
        quant = env["stock.quant"]
        quant._update_available_quantity(cls.comp_plain, cls.stock, 200)
        quant._update_available_quantity(
            cls.comp_lot, cls.shelf, 30, lot_id=cls.lot_board
        )
        quant._update_available_quantity(
            cls.comp_lot, cls.shelf, 30, lot_id=cls.lot_board_2
        )

    @classmethod
    def _mes_create_mo(cls, qty=5.0, confirm=True, **vals):
        production = cls.env["mrp.production"].create(
            {
                "product_id": cls.finished.id,
                "product_qty": qty,
                "bom_id": cls.bom.id,
                "user_id": cls.planner.id,
                **vals,
            }
        )
        if confirm:
            production.action_confirm()
        return production

    @staticmethod
    def _mes_payload(production, sequence, **fields):
        return {
            "schema_version": "1.0",
            "ordering_key": production.name,
            "sequence": sequence,
            **fields,
        }

    def _mes_send(self, events, connector=None):
        """Store ``(flow_code, payload)`` events as the webhook does, then drain."""
        connector = connector or self.connector
        messages = self.env["mfg.sync.message"]
        for flow_code, payload in events:
            messages |= self._mfg_receive(connector, flow_code, payload)
        self._mfg_process(connector)
        messages.invalidate_recordset()
        return messages

    def _mes_quants(self, products=None):
        """{(product code, lot, location): quantity} of the test products."""
        products = products or (
            self.finished | self.comp_plain | self.comp_lot | self.other
        )
        quants = self.env["stock.quant"].search([("product_id", "in", products.ids)])
        result = {}
        for quant in quants:
            key = (
                quant.product_id.default_code,
                quant.lot_id.name or "",
                quant.location_id.complete_name,
            )
            result[key] = result.get(key, 0.0) + quant.quantity
        return {key: round(qty, 4) for key, qty in result.items() if round(qty, 4)}

    def _mes_snapshot(self, production):
        """What a user sees of an MO after the shop floor: stock, times, states."""
        self.env.invalidate_all()
        return {**order_snapshot(production), "quants": self._mes_quants()}

    @staticmethod
    def _mes_canonical(message):
        return json.loads(message.payload_canonical)


class MesCommon(MesTestMixin, MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mes_setup()


class MesHttpCommon(MesTestMixin, MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mes_setup()
