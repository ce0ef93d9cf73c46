# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 2 for PLM XML: hostile releases get a 4xx and leave a
message; a UTF-16 release (documented as supported) is accepted."""

import uuid

from odoo.tests import tagged

from .common import PlmHttpCommon

BOM = """<?xml version="1.0" encoding="{encoding}"?>
<PlmRelease schemaVersion="1.0">
  <BomRelease partNumber="PUMP-100" revision="B" changeNumber="ECO-0042"
              supersedesRevision="A">
    <Operation ref="OP10" sequence="{sequence}" workCenter="T-ASM" name="Assemble"
               setupTime="15" runTime="12.5"/>
    <Line component="HOUSING-10" quantity="1" unit="Units" findNumber="10"
          operationRef="OP10"/>
    <Line component="SCREW-M6" quantity="8" unit="Units" findNumber="30"/>
  </BomRelease>
</PlmRelease>"""
ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<PlmRelease schemaVersion="1.0">
  <ItemRelease partNumber="VALVE-31" revision="A" unit="Units">
    <Name>Valve</Name><Weight>{weight}</Weight>
  </ItemRelease>
</PlmRelease>"""


@tagged("post_install", "-at_install")
class TestPlmHostileXml(PlmHttpCommon):
    def _post(self, flow_code, body):
        webhook_id = uuid.uuid4().hex
        response = self._mfg_post(
            self.connector,
            flow_code,
            body=body,
            content_type="application/xml",
            webhook_id=webhook_id,
        )
        stored = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.connector.id),
                    ("idempotency_key", "=", webhook_id),
                ]
            )
        )
        return response, stored

    def test_hostile_releases_get_a_4xx(self):
        # (label, flow, body, status)
        cases = [
            (
                'sequence="inf"',
                "plm.bom.released",
                BOM.format(encoding="UTF-8", sequence="inf").encode(),
                400,
            ),
            (
                'sequence="1e30"',
                "plm.bom.released",
                BOM.format(encoding="UTF-8", sequence="1e30").encode(),
                422,
            ),
            (
                "Weight inf",
                "plm.item.released",
                ITEM.format(weight="inf").encode(),
                422,
            ),
            (
                "Weight NaN",
                "plm.item.released",
                ITEM.format(weight="NaN").encode(),
                422,
            ),
        ]
        for label, flow_code, body, status in cases:
            with self.subTest(label):
                response, stored = self._post(flow_code, body)
                self.assertEqual(response.status_code, status, response.text)
                self.assertEqual(stored.mapped("state"), ["rejected"])

    def test_utf16_release_is_accepted(self):
        self.connector.plm_auto_approve = True
        body = BOM.format(encoding="UTF-16", sequence="10").encode("utf-16")
        response, stored = self._post("plm.bom.released", body)
        self.assertEqual(response.status_code, 202, response.text)
        self.assertIn("PUMP-100", stored.payload_raw)
        self._mfg_process(self.connector)
        self.assertEqual(stored.state, "done", stored.error_text)
        self.assertEqual(self._change_of(stored).state, "applied")
