# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""QIF 3.0 Results as the wire format of quality.inspection.result, through
Odoo's HTTP server and the queue: the same quarantine, lines and nonconformance
as the canonical JSON.

The QIF 3.0 XSDs are not shipped: MFG_QIF_XSD_DIR names a folder laid out as
QIF's own (QIFApplications/, QIFLibrary/); the tests that need it are skipped
without it."""

import os
import unittest
import uuid

from lxml import etree

from odoo.tests import tagged

from ..core import flows as qb_flows
from ..core import qif
from .common import QualityHttpCommon

RESULT = qb_flows.FLOW_INSPECTION_RESULT
XSD_DIR = os.environ.get("MFG_QIF_XSD_DIR")
HAS_XSD = bool(XSD_DIR and os.path.isdir(XSD_DIR))
NO_XSD = "MFG_QIF_XSD_DIR does not name a folder of the QIF 3.0 XSDs"


@tagged("post_install", "-at_install")
class TestQualityQif(QualityHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector.flow_ids.filtered(lambda f: f.code == RESULT).write(
            {"payload_format": qb_flows.QIF}
        )

    def _qif_payload(self, **vals):
        payload = dict(
            self._fail_payload(inspection_id=str(uuid.uuid4())), schema_version="1.0"
        )
        payload["characteristics"] = [
            {
                "name": "Bore diameter",
                "target": 10.0,
                "lower_limit": 9.5,
                "upper_limit": 10.5,
                "value": 10.7,
                "unit": "mm",
                "verdict": "fail",
            },
            {"name": "Flatness", "upper_limit": 0.2, "value": 0.05, "unit": "mm"},
        ]
        payload.update(vals)
        return payload

    def _document(self, payload, name):
        root = qif.render_results(payload, {"document_id": str(uuid.uuid4())})
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        self._mfg_keep_sample(f"qif-in-{name}-{payload['inspection_id'][:8]}.xml", data)
        return data

    def _post_xml(self, body, webhook_id=None):
        return self._mfg_post(
            self.connector,
            RESULT,
            body=body,
            content_type="application/xml",
            webhook_id=webhook_id,
        )

    def _inspection(self, payload):
        return self.env["mfg.quality.inspection"].search(
            [("name", "=", payload["inspection_id"])]
        )

    def test_qif_fail_quarantines_like_json_and_fills_the_lines(self):
        payload = self._qif_payload()
        webhook_id = uuid.uuid4().hex
        body = self._document(payload, "fail")
        response = self._post_xml(body, webhook_id=webhook_id)
        self.assertEqual(response.status_code, 202, response.text)
        # the sender's retry is answered as the first request, nothing redone
        again = self._post_xml(body, webhook_id=webhook_id)
        self.assertEqual(again.status_code, 200, again.text)
        self.assertTrue(again.json()["duplicate"])
        self._quality_drain()
        message = (
            self.env["mfg.sync.message"].sudo().browse(response.json()["message_id"])
        )
        self.assertEqual(message.state, "done", message.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        inspection = self._inspection(payload)
        self.assertEqual(
            [
                (
                    line.name,
                    line.value,
                    line.unit,
                    line.has_nominal and line.nominal,
                    line.has_lower_limit and line.lower_limit,
                    line.upper_limit,
                    line.verdict,
                )
                for line in inspection.line_ids
            ],
            [
                ("Bore diameter", "10.7", "mm", 10.0, 9.5, 10.5, "fail"),
                ("Flatness", "0.05", "mm", False, False, 0.2, "pass"),
            ],
        )
        self.assertEqual(self._nc_of_lot().state, "contained")
        self.assertEqual(message.content_type, "application/xml")
        self.assertIn("StandardsDefinitions", message.format_notes)

    def test_qif_pass_after_json_fail_releases_the_lot(self):
        json_msg = self._send(RESULT, self._fail_payload(inspection_id="JSON-1"))
        self.assertEqual(json_msg.state, "done", json_msg.error_text)
        self._assert_quantities(stock=0, quarantine=10)
        payload = self._qif_payload(verdict="pass", characteristics=[])
        response = self._post_xml(self._document(payload, "pass"))
        self.assertEqual(response.status_code, 202, response.text)
        self._quality_drain()
        self._assert_quantities(stock=10, quarantine=0)

    def test_unknown_lot_fails_the_message_with_the_reason(self):
        payload = self._qif_payload(lot="NO-SUCH-LOT")
        response = self._post_xml(self._document(payload, "unknown-lot"))
        self.assertEqual(response.status_code, 202, response.text)
        self._quality_drain()
        message = (
            self.env["mfg.sync.message"].sudo().browse(response.json()["message_id"])
        )
        self.assertEqual(message.state, "failed")
        self.assertIn("NO-SUCH-LOT", message.error_text)
        self._assert_quantities(stock=10, quarantine=0)

    def test_hostile_and_unmappable_documents_get_4xx_never_500(self):
        good = self._document(self._qif_payload(), "base")
        ns = b'xmlns="http://qifstandards.org/xsd/qif3"'
        cases = [
            (
                b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "a">'
                b'<!ENTITY b "&a;&a;">]>'
                b"<QIFDocument " + ns + b">&b;</QIFDocument>",
                400,
                "DOCTYPE",
            ),
            (
                b'<?xml version="1.0"?><!DOCTYPE QIFDocument SYSTEM "file:///etc/passwd">'
                b"<QIFDocument " + ns + b"/>",
                400,
                "DOCTYPE",
            ),
            (
                b"<QIFDocument "
                + ns
                + b">"
                + b"<Results>" * 100
                + b"</Results>" * 100
                + b"</QIFDocument>",
                400,
                "deeper",
            ),
            (good.replace(b"UTF-8", b"UTF-16"), 400, "UTF-16"),
            (
                good.replace(
                    b"<InspectionStatusEnum>FAIL", b"<InspectionStatusEnum>UNKNOWN", 1
                ),
                400,
                "not a verdict",
            ),
            (good.replace(b"<LotNumber>LOT-A</LotNumber>", b""), 422, "lot"),
            (
                good.replace(b"qifstandards.org/xsd/qif3", b"example.com/qif"),
                400,
                "namespace",
            ),
        ]
        for body, status, reason in cases:
            response = self._post_xml(body)
            self.assertEqual(response.status_code, status, response.text[:300])
            self.assertIn(reason, response.json()["message"])
        self._assert_quantities(stock=10, quarantine=0)
        stored = (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [("connector_id", "=", self.connector.id), ("state", "!=", "rejected")]
            )
        )
        self.assertFalse(stored.filtered(lambda m: m.direction == "inbound"))

    @unittest.skipUnless(HAS_XSD, NO_XSD)
    def test_official_xsd_folder_validates_what_comes_in(self):
        self.connector.sudo().xsd_dir = XSD_DIR
        payload = self._qif_payload()
        response = self._post_xml(self._document(payload, "xsd"))
        self.assertEqual(response.status_code, 202, response.text)
        # a characteristic measurement without its status breaks QIF's sequence
        bad = self._document(self._qif_payload(), "xsd-before-breaking")
        bad = bad.replace(
            b"<Status><CharacteristicStatusEnum>FAIL</CharacteristicStatusEnum></Status>",
            b"",
        )
        response = self._post_xml(bad)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn("QIFDocument.xsd", response.json()["message"])
