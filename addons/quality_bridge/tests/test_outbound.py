# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.mfg_integration_base.tests.http_server import ScriptedSystem

from .common import QualityCommon

REQUESTED = "quality.inspection.requested"
CHANGED = "quality.nonconformance.changed"


@tagged("post_install", "-at_install")
class TestOutbound(QualityCommon):
    def _receive(self, product, lot_name, qty=6):
        po = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "user_id": self.buyer.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_qty": qty})
                ],
            }
        )
        po.button_confirm()
        receipt = po.picking_ids
        receipt.move_ids.move_line_ids.unlink()
        receipt.move_ids.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "lot_name": lot_name,
                            "quantity": qty,
                            "location_id": receipt.location_id.id,
                            "location_dest_id": self.stock.id,
                            "picking_id": receipt.id,
                        }
                    )
                ]
            }
        )
        receipt.move_ids.picked = True
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        return po, receipt

    def test_receipt_of_product_to_inspect_requests_an_inspection(self):
        self.product.mfg_inspection_required = True
        po, receipt = self._receive(self.product, "LOT-R1")
        requests = self._outbound(REQUESTED, receipt)
        self.assertEqual(len(requests), 1)
        request = requests[0]
        self.assertEqual(request["product"], "QB-BRACKET")
        self.assertEqual(request["lot"], "LOT-R1")
        self.assertEqual(request["quantity"], 6)
        self.assertEqual(
            request["origin"], {"type": "receipt", "reference": receipt.name}
        )
        self.assertEqual(request["purchase_order"], po.name)
        self.assertEqual(request["vendor"], "Acme Castings")

    def test_receipt_of_product_without_inspection_requests_nothing(self):
        _po, receipt = self._receive(self.product, "LOT-R2")
        self.assertFalse(self._outbound(REQUESTED, receipt))
        # the quarantine transfer of a failed lot is no receipt either
        self.product.mfg_inspection_required = True
        self._send("quality.inspection.result", self._fail_payload(lot="LOT-R2"))
        self.assertEqual(self._qty(self.quarantine, receipt.move_line_ids.lot_id), 6)
        self.assertFalse(self._outbound(REQUESTED))

    def test_done_mo_of_product_to_inspect_requests_an_inspection(self):
        self.product.mfg_inspection_required = True
        bom = self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.product.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create(
                        {"product_id": self.other_product.id, "product_qty": 1}
                    )
                ],
            }
        )
        mo_form = Form(self.env["mrp.production"])
        mo_form.product_id = self.product
        mo_form.bom_id = bom
        mo_form.product_qty = 3
        mo = mo_form.save()
        mo.action_confirm()
        mo_form = Form(mo)
        mo_form.lot_producing_id = self.env["stock.lot"].create(
            {"name": "LOT-M1", "product_id": self.product.id}
        )
        mo_form.qty_producing = 3
        mo = mo_form.save()
        mo.move_raw_ids.move_line_ids.lot_id = self.other_lot
        mo.move_raw_ids.picked = True
        mo.button_mark_done()
        self.assertEqual(mo.state, "done")
        requests = self._outbound(REQUESTED, mo)
        self.assertEqual(len(requests), 1)
        self.assertEqual(
            requests[0]["origin"], {"type": "production", "reference": mo.name}
        )
        self.assertEqual(requests[0]["lot"], "LOT-M1")
        self.assertEqual(requests[0]["quantity"], 3)

    def test_manual_nonconformance_is_announced(self):
        nc = self.env["mfg.quality.nonconformance"].create(
            {
                "product_id": self.product.id,
                "lot_id": self.lot.id,
                "quantity": 2,
                "severity": "minor",
                "connector_id": self.connector.id,
            }
        )
        self.assertTrue(nc.name.startswith("NC/"))
        changes = self._outbound(CHANGED, nc)
        self.assertEqual(len(changes), 1)
        self.assertEqual(changes[0]["state"], "open")
        self.assertEqual(changes[0]["source"], "manual")
        self.assertEqual(changes[0]["product"], "QB-BRACKET")
        nc.action_contain()
        self.assertEqual(
            [c["state"] for c in self._outbound(CHANGED, nc)], ["open", "contained"]
        )
        self.assertEqual(self._outbound(CHANGED, nc)[-1]["previous_state"], "open")

    def test_no_active_flow_no_message(self):
        self._mfg_flow(self.connector, CHANGED).active = False
        nc = self.env["mfg.quality.nonconformance"].create(
            {"product_id": self.product.id, "quantity": 1}
        )
        self.assertFalse(
            self.env["mfg.sync.message"]
            .sudo()
            .search([("res_model", "=", nc._name), ("res_id", "=", nc.id)])
        )

    def test_scrap_by_the_mes_opens_a_nonconformance_when_asked(self):
        mes = self._mfg_create_connector(
            "mes-sim",
            flows=["generic.record.upsert"],
            tech_groups=("stock.group_stock_user",),
        )

        def scrap_as(user, qty):
            scrap = (
                self.env["stock.scrap"]
                .with_user(user)
                .create(
                    {
                        "product_id": self.product.id,
                        "lot_id": self.lot.id,
                        "scrap_qty": qty,
                        "location_id": self.stock.id,
                        "origin": "MO/0042 (MES: burr)",
                    }
                )
            )
            scrap.do_scrap()
            return scrap

        scrap_as(mes.technical_user_id, 1)
        self.assertFalse(self._nc_of_lot(), "not asked for yet")
        self.connector.quality_nc_from_mes_scrap = True
        scrap = scrap_as(mes.technical_user_id, 2)
        scrap_as(self.planner, 1)  # a person's scrap is no MES scrap
        nc = self._nc_of_lot()
        self.assertEqual(len(nc), 1)
        self.assertRecordValues(
            nc, [{"source": "mes_scrap", "state": "closed", "quantity": 2.0}]
        )
        self.assertEqual(nc.disposition_ids.scrap_ids, scrap)
        self.assertEqual(
            [c["state"] for c in self._outbound(CHANGED, nc)], ["open", "closed"]
        )
        self.assertEqual(self._qty(self.stock), 6)

    def test_quality_system_receives_the_nonconformance_changes(self):
        """The outbox really reaches the QMS: signed POSTs, in order, then done."""
        with ScriptedSystem() as qms:
            self.connector.write(
                {
                    "base_url": qms.url,
                    "outbound_secret": "whsec_cXVhbGl0eS1icmlkZ2UtdGVzdC1zaWduaW5n",
                }
            )
            self._send("quality.inspection.result", self._fail_payload())
            nc = self._nc_of_lot()
            self._mfg_process(self.connector)
            posts = [r for r in qms.received if r["path"] == f"/{CHANGED}"]
            self.assertEqual(
                [json.loads(r["body"])["state"] for r in posts], ["open", "contained"]
            )
            self.assertTrue(
                all(
                    "webhook-signature" in {h.lower() for h in r["headers"]}
                    for r in posts
                )
            )
            self.assertEqual(json.loads(posts[0]["body"])["nonconformance"], nc.name)
        messages = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("res_model", "=", nc._name),
                    ("res_id", "=", nc.id),
                    ("direction", "=", "outbound"),
                ]
            )
        )
        self.assertEqual(set(messages.mapped("state")), {"done"})
