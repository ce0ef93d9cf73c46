# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of quality_bridge's Odoo tests."""

import json

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.mfg_integration_base.tests.common import MfgCommon, MfgHttpCommon

from ..core import flows as qb_flows

INBOUND = [
    qb_flows.FLOW_INSPECTION_RESULT,
    qb_flows.FLOW_DISPOSITION_DECIDED,
    qb_flows.FLOW_MAINTENANCE_ALERT,
]
OUTBOUND = [
    qb_flows.FLOW_INSPECTION_REQUESTED,
    qb_flows.FLOW_NONCONFORMANCE_CHANGED,
    qb_flows.FLOW_MAINTENANCE_DONE,
]
# What the QMS connector's technical user needs for its flows (least privilege:
# stock moves and scraps, MRP records and work center blocks, activities on POs).
TECH_GROUPS = (
    "stock.group_stock_user",
    "mrp.group_mrp_user",
    "purchase.group_purchase_user",
    "maintenance.group_equipment_manager",
)


class QualityFixturesMixin:
    @classmethod
    def _quality_setup(cls):
        cls.connector = cls._mfg_create_connector(
            "qms1",
            kind="quality",
            flows=INBOUND + OUTBOUND,
            tech_groups=TECH_GROUPS,
            base_url="http://127.0.0.1:9/qms",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.quarantine = cls.warehouse.mfg_quarantine_location_id
        cls.scrap_location = cls.env["stock.location"].search(
            [("scrap_location", "=", True), ("company_id", "=", cls.env.company.id)],
            limit=1,
        )
        cls.buyer = new_test_user(
            cls.env,
            login="qb_buyer",
            groups="base.group_user,purchase.group_purchase_user",
        )
        cls.planner = new_test_user(
            cls.env, login="qb_planner", groups="base.group_user,mrp.group_mrp_user"
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Acme Castings"})
        Product = cls.env["product.product"]
        cls.product = Product.create(
            {
                "name": "Bracket",
                "default_code": "QB-BRACKET",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.other_product = Product.create(
            {
                "name": "Hinge",
                "default_code": "QB-HINGE",
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "LOT-A", "product_id": cls.product.id}
        )
        cls.other_lot = cls.env["stock.lot"].create(
            {"name": "LOT-H", "product_id": cls.other_product.id}
        )
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(cls.product, cls.stock, 10.0, lot_id=cls.lot)
        Quant._update_available_quantity(
            cls.other_product, cls.stock, 5.0, lot_id=cls.other_lot
        )
        cls.workcenter = cls.env["mrp.workcenter"].create(
            {"name": "Press line", "code": "WC-PRESS"}
        )
        cls.equipment = cls.env["maintenance.equipment"].create(
            {
                "name": "QB Press 1",
                "serial_no": "QB-SN-PRESS-1",
                "mfg_workcenter_id": cls.workcenter.id,
            }
        )

    # --------------------------------------------------------------- helpers
    def _qty(self, location, lot=None, product=None):
        """On-hand quantity of the lot exactly in ``location`` (not its children)."""
        lot = lot or self.lot
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "=", lot.id),
                ("product_id", "=", (product or lot.product_id).id),
                ("location_id", "=", location.id),
            ]
        )
        return sum(quants.mapped("quantity"))

    def _assert_quantities(self, stock, quarantine, scrapped=0.0, lot=None):
        self.assertEqual(self._qty(self.stock, lot), stock, "quantity in WH/Stock")
        self.assertEqual(
            self._qty(self.quarantine, lot), quarantine, "quantity in quarantine"
        )
        self.assertEqual(
            self._qty(self.scrap_location, lot), scrapped, "quantity scrapped"
        )

    def _quality_drain(self, codes=None):
        """Process the due inbound messages of the connector, through the queue
        job method. Outbound flows are left alone: no HTTP in these tests."""
        codes = codes or INBOUND
        for _round in range(20):
            flows = self.connector.flow_ids.filtered(lambda f: f.code in codes)
            due = (
                self.env["mfg.sync.message"]
                .sudo()
                .search(
                    [
                        ("flow_id", "in", flows.ids),
                        ("state", "=", "queued"),
                        "|",
                        ("next_attempt_at", "=", False),
                        ("next_attempt_at", "<=", fields.Datetime.now()),
                    ]
                )
            )
            if not due:
                return
            for flow in due.flow_id:
                flow._mfg_drain()
        raise AssertionError("inbound messages still due")

    def _send(self, flow_code, payload):
        message = self._mfg_receive(
            self.connector, flow_code, dict(payload, schema_version="1.0")
        )
        self._quality_drain()
        message.invalidate_recordset()
        return message

    def _fail_payload(self, **vals):
        payload = {
            "inspection_id": "INSP-1",
            "verdict": "fail",
            "product": "QB-BRACKET",
            "lot": "LOT-A",
            "inspector": "J. Doe",
            "inspected_at": "2026-03-02T08:30:00Z",
            "characteristics": [
                {
                    "name": "Bore diameter",
                    "value": 10.7,
                    "unit": "mm",
                    "lower_limit": 9.5,
                    "upper_limit": 10.5,
                },
                {"name": "Surface", "value": "ok", "verdict": "pass"},
            ],
        }
        payload.update(vals)
        return payload

    def _outbound(self, flow_code, record=None):
        flow = self.connector.flow_ids.filtered(lambda f: f.code == flow_code)
        domain = [("flow_id", "=", flow.id), ("direction", "=", "outbound")]
        if record is not None:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        messages = self.env["mfg.sync.message"].sudo().search(domain, order="id")
        return [json.loads(m.payload_canonical) for m in messages]

    def _nc_of_lot(self, lot=None):
        return self.env["mfg.quality.nonconformance"].search(
            [("lot_id", "=", (lot or self.lot).id)]
        )

    def _activities(self, record, user=None):
        domain = [("res_model", "=", record._name), ("res_id", "=", record.id)]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].sudo().search(domain)


class QualityCommon(QualityFixturesMixin, MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quality_setup()


class QualityHttpCommon(QualityFixturesMixin, MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._quality_setup()
