# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end: a signed webhook through Odoo's HTTP server, then the queue."""

import jsonschema
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import PLM_FLOWS, PlmHttpCommon
from .test_plm_bad_input import BOMB, MALFORMED, XXE


@tagged("post_install", "-at_install")
class TestPlmWebhook(PlmHttpCommon):
    def _message(self, response):
        self.assertEqual(response.status_code, 202, response.text)
        return self.env["mfg.sync.message"].sudo().browse(response.json()["message_id"])

    def test_item_release_json(self):
        self.connector.plm_auto_approve = True
        message = self._message(
            self._mfg_post(self.connector, "plm.item.released", self._item_payload())
        )
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        valve = self.env["product.template"].search(
            [("plm_part_number", "=", "VALVE-30")]
        )
        self.assertEqual(valve.plm_revision, "A")
        self.assertEqual(valve.plm_lifecycle_state, "released")

    def test_bom_release_json(self):
        message = self._message(
            self._mfg_post(self.connector, "plm.bom.released", self._bom_payload())
        )
        self._mfg_process(self.connector)
        change = self._change_of(message)
        self.assertEqual(change.state, "to_approve")
        self.assertEqual(len(change.diff_ids), 5)
        change.with_user(self.approver).action_approve()
        change.with_user(self.approver).action_apply()
        self.assertEqual(self._boms_of(self.pump).plm_revision, "B")
        self.assertFalse(self.bom_a.active)

    def test_bom_release_xml(self):
        self.connector.plm_auto_approve = True
        body = """<?xml version="1.0" encoding="UTF-8"?>
<PlmRelease schemaVersion="1.0">
  <BomRelease partNumber="PUMP-100" revision="B" changeNumber="ECO-0042"
              supersedesRevision="A">
    <Operation ref="OP10" sequence="10" workCenter="T-ASM" name="Assemble"
               setupTime="15" runTime="12.5"/>
    <Line component="HOUSING-10" quantity="1" unit="Units" findNumber="10"
          operationRef="OP10"/>
    <Line component="SCREW-M6" quantity="8" unit="Units" findNumber="30"/>
  </BomRelease>
</PlmRelease>"""
        response = self._mfg_post(
            self.connector,
            "plm.bom.released",
            body=body,
            content_type="application/xml",
        )
        message = self._message(response)
        self.assertEqual(message.content_type, "application/xml")
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(self._change_of(message).state, "applied")
        self.assertEqual(
            self._bom_lines(self._boms_of(self.pump)),
            {("HOUSING-10", 1), ("SCREW-M6", 8)},
        )

    @freeze_time("2026-12-02")
    def test_change_release_xml_sample(self):
        with open(
            file_path("plm_connector/core/samples/plm_change_release_sample.xml"), "rb"
        ) as f:
            body = f.read()
        message = self._message(
            self._mfg_post(
                self.connector,
                "plm.change.released",
                body=body,
                content_type="application/xml",
            )
        )
        self._mfg_process(self.connector)
        eco = self._change_of(message)
        self.assertEqual(eco.change_number, "ECO-0042")
        self.assertEqual(eco.priority, "high")
        self.assertEqual(eco.disposition_stock, "rework")
        self.assertEqual(
            [(i.part_number, i.from_revision, i.to_revision) for i in eco.item_ids],
            [("PUMP-100", "A", "B"), ("IMPELLER-20", "A", "B")],
        )
        self.assertEqual(eco.state, "to_approve")

    def test_change_release_json(self):
        message = self._message(
            self._mfg_post(
                self.connector, "plm.change.released", self._change_payload()
            )
        )
        self._mfg_process(self.connector)
        self.assertEqual(self._change_of(message).title, "Stronger screws, new gasket")

    # ------------------------------------------------------- bad XML at the door
    def _assert_xml_refused(self, body, text):
        response = self._mfg_post(
            self.connector,
            "plm.bom.released",
            body=body,
            content_type="application/xml",
        )
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn(text, response.text)
        rejected = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [("connector_id", "=", self.connector.id), ("state", "=", "rejected")]
            )
        )
        self.assertEqual(len(rejected), 1)
        self.assertIn(text, rejected.error_text)
        self.assertFalse(
            self.env["mfg.plm.change"]
            .search([])
            .filtered(lambda c: c.connector_id == self.connector)
        )
        self._assert_bom_a_untouched()

    def test_webhook_malformed_xml(self):
        self._assert_xml_refused(MALFORMED, "Malformed XML")

    def test_webhook_entity_bomb(self):
        self._assert_xml_refused(
            BOMB, "DOCTYPE and ENTITY declarations are not allowed"
        )

    def test_webhook_external_entity(self):
        self._assert_xml_refused(XXE, "DOCTYPE and ENTITY declarations are not allowed")

    def test_webhook_zero_quantity_points_at_the_field(self):
        payload = self._bom_payload()
        payload["lines"][1]["quantity"] = 0
        response = self._mfg_post(self.connector, "plm.bom.released", payload)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("lines[1].quantity", response.text)
        self._assert_bom_a_untouched()

    def test_openapi_document_describes_the_plm_flows(self):
        doc = self.url_open("/mfg/v1/openapi.json").json()
        for code in PLM_FLOWS:
            content = doc["paths"][f"/mfg/v1/{{connector_code}}/{code}"]["post"][
                "requestBody"
            ]["content"]
            self.assertEqual(set(content), {"application/json", "application/xml"})
        schema = doc["components"]["schemas"]["plm_bom_released"]
        validator = jsonschema.Draft202012Validator(schema)
        validator.validate(self._bom_payload())
        bad = self._bom_payload()
        bad["lines"][0]["quantity"] = 0
        self.assertEqual(
            [list(e.absolute_path) for e in validator.iter_errors(bad)],
            [["lines", 0, "quantity"]],
        )
