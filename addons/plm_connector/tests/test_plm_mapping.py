# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The flow's mapping rows, as a PLM speaking its own dialect meets them: one
mapping step for JSON and PLM XML alike, rows that override the fields they
name while the rest passes through, a drop row, and a failed mapping."""

import base64

from odoo.tests import tagged

from .common import PlmHttpCommon

ITEM_XML_EA = """<?xml version="1.0" encoding="UTF-8"?>
<PlmRelease schemaVersion="1.0">
  <ItemRelease partNumber="VALVE-31" revision="A" unit="EA" productType="storable"
               lifecycleState="released">
    <Name>Ball valve</Name>
    <Weight>0.5</Weight>
    <Manufacturer name="ACME Valves" partNumber="AV-31"/>
  </ItemRelease>
</PlmRelease>"""

BOM_XML_EA = """<?xml version="1.0" encoding="UTF-8"?>
<PlmRelease schemaVersion="1.0">
  <BomRelease partNumber="PUMP-100" revision="B" changeNumber="ECO-0043"
              supersedesRevision="A">
    <Operation ref="OP10" sequence="10" workCenter="T-ASM" name="Assemble"/>
    <Line component="HOUSING-10" quantity="1" unit="EA" operationRef="OP10"/>
    <Line component="SCREW-M6" quantity="8" unit="EA"/>
  </BomRelease>
</PlmRelease>"""


@tagged("post_install", "-at_install")
class TestPlmMapping(PlmHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector.plm_auto_approve = True

    def _map_units(self, flow_code, path):
        """The CONFIGURE example: one Unit of measure row, EA is Units."""
        return self.env["mfg.field.mapping"].create(
            {
                "flow_id": self._mfg_flow(self.connector, flow_code).id,
                "source_path": path,
                "target_path": path,
                "transform": "uom",
                "value_map_ids": [
                    (0, 0, {"external_value": "EA", "canonical_value": "Units"})
                ],
            }
        )

    def _post_xml(self, flow_code, body):
        response = self._mfg_post(
            self.connector, flow_code, body=body, content_type="application/xml"
        )
        self.assertEqual(response.status_code, 202, response.text)
        message = (
            self.env["mfg.sync.message"].sudo().browse(response.json()["message_id"])
        )
        self._mfg_process(self.connector)
        return message

    def _template(self, part_number):
        return self.env["product.template"].search(
            [("plm_part_number", "=", part_number)]
        )

    # ------------------------------------------------------ one mapping step
    def test_xml_item_release_goes_through_the_flow_value_map(self):
        self._map_units("plm.item.released", "unit")
        message = self._post_xml("plm.item.released", ITEM_XML_EA)
        self.assertEqual(message.state, "done", message.error_text)
        valve = self._template("VALVE-31")
        self.assertEqual(valve.uom_id, self.unit)
        self.assertEqual(valve.name, "Ball valve")
        self.assertAlmostEqual(valve.weight, 0.5)

    def test_xml_bom_release_maps_the_unit_of_every_line(self):
        self._map_units("plm.bom.released", "lines[].unit")
        message = self._post_xml("plm.bom.released", BOM_XML_EA)
        self.assertEqual(message.state, "done", message.error_text)
        bom = self._boms_of(self.pump)
        self.assertEqual(bom.plm_revision, "B")
        self.assertEqual(
            {
                (line.product_id.default_code, line.product_uom_id)
                for line in bom.bom_line_ids
            },
            {("HOUSING-10", self.unit), ("SCREW-M6", self.unit)},
        )

    def test_xml_upload_wizard_goes_through_the_flow_value_map(self):
        self._map_units("plm.item.released", "unit")
        wizard = (
            self.env["mfg.plm.xml.import.wizard"]
            .with_user(self.approver)
            .create(
                {
                    "connector_id": self.connector.id,
                    "xml_file": base64.b64encode(ITEM_XML_EA.encode()),
                }
            )
        )
        wizard.action_import()
        self._mfg_process(self.connector)
        self.assertEqual(wizard.message_id.state, "done", wizard.message_id.error_text)
        self.assertEqual(self._template("VALVE-31").uom_id, self.unit)

    def test_failed_xml_release_is_mapped_again_when_replayed(self):
        """A value the flow does not map yet fails the release for a person to
        fix; once the row exists, Replay maps the stored XML again."""
        self._map_units("plm.item.released", "unit")
        body = ITEM_XML_EA.replace('lifecycleState="released"', 'lifecycleState="REL"')
        message = self._post_xml("plm.item.released", body)
        self.assertEqual(message.state, "failed")
        self.assertIn("lifecycle_state", message.error_text)
        self.assertFalse(self._template("VALVE-31"))
        self.env["mfg.field.mapping"].create(
            {
                "flow_id": message.flow_id.id,
                "source_path": "lifecycle_state",
                "target_path": "lifecycle_state",
                "transform": "value_map",
                "value_map_ids": [
                    (0, 0, {"external_value": "REL", "canonical_value": "released"})
                ],
            }
        )
        message.action_replay()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        valve = self._template("VALVE-31")
        self.assertEqual(
            (valve.uom_id, valve.plm_lifecycle_state), (self.unit, "released")
        )

    # ----------------------------------------- rows override, rest passes
    def test_one_value_map_row_keeps_every_other_field(self):
        self._map_units("plm.item.released", "unit")
        message = self._plm_release(
            "plm.item.released", self._item_payload(part_number="VALVE-32", unit="EA")
        )
        self.assertEqual(message.state, "done", message.error_text)
        valve = self._template("VALVE-32")
        self.assertEqual(valve.uom_id, self.unit)
        self.assertEqual(valve.name, "Check valve")
        self.assertEqual(valve.plm_revision, "A")
        self.assertAlmostEqual(valve.weight, 0.35)
        self.assertEqual(
            valve.plm_manufacturer_part_ids.mapped("manufacturer_part_number"),
            ["AV-30"],
        )

    def test_drop_row_removes_a_field_the_contract_refuses(self):
        payload = self._item_payload(part_number="VALVE-33", plm_object_id="0x7f3a")
        refused = self._plm_release("plm.item.released", payload)
        self.assertEqual(refused.state, "failed")
        self.assertIn("plm_object_id", refused.error_text)
        self.env["mfg.field.mapping"].create(
            {
                "flow_id": self._mfg_flow(self.connector, "plm.item.released").id,
                "source_path": "plm_object_id",
                "transform": "drop",
            }
        )
        refused.action_replay()
        self._mfg_process(self.connector)
        self.assertEqual(refused.state, "done", refused.error_text)
        self.assertEqual(self._template("VALVE-33").name, "Check valve")

    def test_failed_mapping_fails_the_message_with_its_path(self):
        lifecycle = self.env["mfg.field.mapping"].create(
            {
                "flow_id": self._mfg_flow(self.connector, "plm.item.released").id,
                "source_path": "lifecycle_state",
                "target_path": "lifecycle_state",
                "transform": "value_map",
                "value_map_ids": [
                    (0, 0, {"external_value": "R", "canonical_value": "released"})
                ],
            }
        )
        message = self._plm_release(
            "plm.item.released",
            self._item_payload(part_number="VALVE-34", lifecycle_state="X"),
        )
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_kind, "validation")
        self.assertIn("lifecycle_state", message.error_text)
        self.assertFalse(self._template("VALVE-34"))
        activity = self._mfg_exception_activities(message)
        self.assertEqual(activity.user_id, self.mfg_responsible)
        self.env["mfg.value.map"].create(
            {
                "mapping_id": lifecycle.id,
                "external_value": "X",
                "canonical_value": "released",
            }
        )
        message.action_replay()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertEqual(self._template("VALVE-34").plm_lifecycle_state, "released")
