# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""B2MML (ISA-95, MESA V0700) as the wire format of the MES flows, through Odoo's
HTTP server and the queue: the MO goes out as an OperationsSchedule, the shop
floor comes back as OperationsPerformance documents and ends exactly like JSON.

MESA's XSDs are not shipped: MFG_B2MML_XSD_DIR names a folder holding them
(V0700 'Schema'); the tests that need it are skipped without it."""

import json
import os
import unittest
import uuid

from lxml import etree

from odoo.tests import tagged

from odoo.addons.mfg_integration_base.tests.http_server import ScriptedSystem

from ..core import b2mml, b2mml_performance
from ..core import flows as mes_flows
from .common import TECH_GROUPS, MesHttpCommon
from .mes_streams import order_stream, shuffled_with_duplicates

XSD_DIR = os.environ.get("MFG_B2MML_XSD_DIR")
HAS_XSD = bool(XSD_DIR and os.path.isdir(XSD_DIR))
NO_XSD = "MFG_B2MML_XSD_DIR does not name a folder of MESA's V0700 XSDs"
Q = {"b": b2mml.NS}
ENVELOPE = {"created_at": "2026-01-05T07:00:00Z", "sender": "MES"}


@tagged("post_install", "-at_install")
class TestMesB2mml(MesHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector.mes_auto_done = True
        cls.connector.flow_ids.write({"payload_format": mes_flows.B2MML})

    def setUp(self):
        super().setUp()
        self.mo = self._mes_create_mo()

    def _document(self, flow_code, payload):
        root = b2mml_performance.render_event(flow_code, payload, ENVELOPE)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        self._mfg_keep_sample(
            f"b2mml-in-{flow_code}-{payload['sequence']}-{uuid.uuid4().hex[:6]}.xml",
            data,
        )
        return data

    def _post_xml(self, flow_code, body, webhook_id=None, connector=None):
        return self._mfg_post(
            connector or self.connector,
            flow_code,
            body=body,
            content_type="application/xml",
            webhook_id=webhook_id,
        )

    def _messages(self):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.connector.id),
                    ("direction", "=", "inbound"),
                ]
            )
        )

    # ------------------------------------------------------------ inbound
    def test_shop_floor_in_b2mml_ends_exactly_like_json(self):
        events = order_stream(self.mo.name)
        with self.env.cr.savepoint() as savepoint:
            for flow_code, payload in events:
                response = self._mfg_post(self.connector, flow_code, payload)
                self.assertEqual(response.status_code, 202, response.text)
            self._mfg_process(self.connector)
            self.assertEqual(set(self._messages().mapped("state")), {"done"})
            expected = self._mes_snapshot(self.mo)
            savepoint.rollback()
        self.env.invalidate_all()
        self.assertEqual(self.mo.state, "confirmed")
        # The same events as B2MML, shuffled, some re-sent with their webhook id
        stream = shuffled_with_duplicates(events, seed=5, duplicates=4)
        ids, statuses = {}, []
        for flow_code, payload in stream:
            key = (flow_code, payload["sequence"])
            retry = key in ids
            ids.setdefault(key, uuid.uuid4().hex)
            response = self._post_xml(
                flow_code, self._document(flow_code, payload), webhook_id=ids[key]
            )
            statuses.append(response.status_code)
            self.assertEqual(response.status_code, 200 if retry else 202, response.text)
        self._mfg_process(self.connector)
        messages = self._messages()
        self.assertEqual(messages.mapped("state").count("done"), len(events))
        self.assertEqual(set(messages.mapped("content_type")), {"application/xml"})
        self.assertEqual(self._mes_snapshot(self.mo), expected)
        self.assertEqual((self.mo.state, self.mo.qty_produced), ("done", 5.0))

    def test_unsupported_elements_are_logged_on_the_message(self):
        payload = self._mes_payload(
            self.mo, 1, product="C-BOARD", quantity=2, lot="BOARD-1"
        )
        root = b2mml_performance.render_event(
            "mes.material.consumed", payload, ENVELOPE
        )
        segment = root.find(".//b:SegmentResponse", Q)
        test_result = etree.SubElement(segment, f"{{{b2mml.NS}}}MaterialActual")
        etree.SubElement(test_result, f"{{{b2mml.NS}}}ID").text = "sample"
        etree.SubElement(
            test_result, f"{{{b2mml.NS}}}MaterialUse"
        ).text = "Destructive Sample"
        body = etree.tostring(root)
        self._mfg_keep_sample("b2mml-in-with-unsupported-element.xml", body)
        response = self._post_xml("mes.material.consumed", body)
        self.assertEqual(response.status_code, 202, response.text)
        message = self._messages()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done", message.error_text)
        self.assertIn("SegmentResponse/MaterialActual", message.format_notes)
        board = self.mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_lot)
        self.assertEqual(
            [(ml.lot_id.name, ml.quantity) for ml in board.move_line_ids if ml.picked],
            [("BOARD-1", 2.0)],
        )

    def test_a_document_in_another_encoding_is_applied_as_sent(self):
        payload = self._mes_payload(
            self.mo,
            1,
            workorder={"operation": "Cutting"},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
            operator="Zoë",
        )
        root = b2mml_performance.render_event("mes.operation.event", payload, ENVELOPE)
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-16")
        self._mfg_keep_sample("b2mml-in-utf16-operation-started.xml", body)
        response = self._post_xml("mes.operation.event", body)
        self.assertEqual(response.status_code, 202, response.text)
        self._mfg_process(self.connector)
        message = self._messages()
        self.assertEqual(message.state, "done", message.error_text)
        cutting = self.mo.workorder_ids.filtered(lambda w: w.name == "Cutting")
        self.assertIn("Zoë", cutting.time_ids.description)

    def test_a_document_that_does_not_map_gets_400_with_the_reason(self):
        payload = self._mes_payload(self.mo, 1, product="C-BOARD", quantity=2)
        body = self._document("mes.material.consumed", payload).replace(
            b"Consumed", b"Inventoried"
        )
        response = self._post_xml("mes.material.consumed", body)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"], "malformed_xml")
        self.assertIn("exactly one consumed MaterialActual", response.json()["message"])
        # a canonical field the document breaks is the flow's 422, as for JSON
        body = self._document("mes.material.consumed", {**payload, "quantity": 0.0})
        response = self._post_xml("mes.material.consumed", body)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("quantity", response.text)
        self.assertEqual(set(self._messages().mapped("state")), {"rejected"})

    def test_hostile_documents_get_4xx_never_500(self):
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b'<ProcessOperationsPerformance xmlns="http://www.mesa.org/xml/B2MML">'
            b"&c;</ProcessOperationsPerformance>"
        )
        external = (
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">'
            b'<ProcessOperationsPerformance xmlns="http://www.mesa.org/xml/B2MML"/>'
        )
        deep = (
            b'<ProcessOperationsPerformance xmlns="http://www.mesa.org/xml/B2MML">'
            + b"<DataArea>" * 200
            + b"</DataArea>" * 200
            + b"</ProcessOperationsPerformance>"
        )
        huge = b"<a>" + b"x" * (self.connector.max_payload_size + 1) + b"</a>"
        latin = (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<ProcessOperationsPerformance xmlns="http://www.mesa.org/xml/B2MML">'
            b"\xe9</ProcessOperationsPerformance>"
        )
        foreign = b'<OperationsPerformance xmlns="urn:other"/>'
        cases = [
            (laughs, 400, "DOCTYPE"),
            (external, 400, "DOCTYPE"),
            (deep, 400, "XML"),
            (huge, 413, "over"),
            (latin, 400, "UTF-8"),
            (foreign, 400, "namespace"),
            (b"not xml at all", 400, "Malformed"),
        ]
        for body, status, reason in cases:
            response = self._post_xml("mes.operation.event", body)
            self.assertEqual(response.status_code, status, response.text[:300])
            self.assertIn(reason, response.json()["message"])
        self.assertFalse(
            self._messages().filtered(lambda m: m.state != "rejected"),
            "nothing hostile is stored as a message to process",
        )

    @unittest.skipUnless(HAS_XSD, NO_XSD)
    def test_official_xsd_folder_validates_what_comes_in(self):
        self.connector.sudo().xsd_dir = XSD_DIR
        payload = self._mes_payload(
            self.mo,
            1,
            workorder={"operation": "Cutting"},
            event="started",
            timestamp="2026-01-05T08:00:00Z",
        )
        good = self._document("mes.operation.event", payload)
        response = self._post_xml("mes.operation.event", good)
        self.assertEqual(response.status_code, 202, response.text)
        # ProcessSegmentID after SegmentRequirementID breaks the V0700 sequence
        bad = good.replace(b"<ProcessSegmentID>Cutting</ProcessSegmentID>", b"")
        bad = bad.replace(
            b"</SegmentResponse>",
            b"<ProcessSegmentID>Cutting</ProcessSegmentID></SegmentResponse>",
        )
        response = self._post_xml("mes.operation.event", bad)
        self.assertEqual(response.status_code, 400, response.text)
        self.assertIn("B2MML-OperationsPerformance.xsd", response.json()["message"])
        self.assertTrue(response.json()["details"])

    # ----------------------------------------------------------- outbound
    def _outbound_connector(self, url, xsd_dir=None):
        connector = self._mfg_create_connector(
            "mesxml",
            kind="mes",
            flows=mes_flows.OUTBOUND_FLOWS,
            tech_groups=TECH_GROUPS,
            base_url=url,
            connect_timeout=2.0,
            read_timeout=2.0,
        )
        connector.flow_ids.write({"payload_format": mes_flows.B2MML})
        if xsd_dir:
            connector.sudo().xsd_dir = xsd_dir
        return connector

    def test_release_and_change_go_out_as_an_operations_schedule(self):
        with ScriptedSystem() as system:
            out = self._outbound_connector(system.url, XSD_DIR if HAS_XSD else None)
            production = self._mes_create_mo(qty=4)
            self._mfg_process(out)
            production.action_cancel()
            self._mfg_process(out)
        messages = (
            self.env["mfg.sync.message"]
            .sudo()
            .search([("connector_id", "=", out.id)], order="id")
        )
        self.assertEqual(
            messages.mapped("state"), ["done", "done"], messages.mapped("error_text")
        )
        release, cancel = system.received
        self.assertEqual(release["headers"]["Content-Type"], "application/xml")
        self._mfg_keep_sample(f"b2mml-out-release-{production.id}.xml", release["body"])
        self._mfg_keep_sample(f"b2mml-out-cancel-{production.id}.xml", cancel["body"])
        root = etree.fromstring(release["body"])
        self.assertEqual(etree.QName(root).localname, "ProcessOperationsSchedule")
        self.assertEqual(
            root.findtext("b:ApplicationArea/b:BODID", namespaces=Q),
            messages[0].idempotency_key,
        )
        request = root.find("b:DataArea/b:OperationsSchedule/b:OperationsRequest", Q)
        self.assertEqual(request.findtext("b:ID", namespaces=Q), production.name)
        segments = request.findall("b:SegmentRequirement", Q)
        self.assertEqual(
            [
                (
                    s.findtext("b:ProcessSegmentID", namespaces=Q),
                    s.findtext("b:EquipmentRequirement/b:EquipmentID", namespaces=Q),
                )
                for s in segments
            ],
            [("Cutting", "MES-CUT"), ("Assembly", "MES-ASM")],
        )
        materials = sorted(
            (
                m.findtext("b:MaterialDefinitionID", namespaces=Q),
                m.findtext("b:MaterialLotID", namespaces=Q) or "",
                m.findtext("b:MaterialUse", namespaces=Q),
                float(m.findtext("b:Quantity/b:QuantityString", namespaces=Q)),
            )
            for m in request.iter(f"{{{b2mml.NS}}}MaterialRequirement")
        )
        self.assertEqual(
            materials,
            [
                ("C-BOARD", "BOARD-1", "Consumed", 4.0),
                ("C-SCREW", "", "Consumed", 16.0),
                ("FG-TABLE", "", "Produced", 4.0),
            ],
        )
        cancel_root = etree.fromstring(cancel["body"])
        self.assertEqual(etree.QName(cancel_root).localname, "CancelOperationsSchedule")

    @unittest.skipUnless(HAS_XSD, NO_XSD)
    def test_a_document_the_official_xsd_refuses_is_not_sent(self):
        with ScriptedSystem() as system:
            out = self._outbound_connector(system.url, XSD_DIR)
            production = self._mes_create_mo()
            message = (
                self.env["mfg.sync.message"]
                .sudo()
                .search([("connector_id", "=", out.id)])
            )
            # A work center code with a line break is no valid xsd:normalizedString
            # ... nor anything a real work center has: make the duration invalid.
            canonical = message.payload_canonical.replace(
                '"expected_duration_minutes":30.0', '"expected_duration_minutes":-30.0'
            )
            self.env.cr.execute(
                "UPDATE mfg_sync_message SET payload_canonical = %s WHERE id = %s",
                [canonical, message.id],
            )
            message.invalidate_recordset()
            self._mfg_process(out)
        self.assertEqual(message.state, "failed")
        self.assertIn("B2MML-OperationsSchedule.xsd", message.error_text)
        self.assertFalse(system.received)
        self.assertTrue(self._mfg_exception_activities(production))


@tagged("post_install", "-at_install")
class TestMesB2mmlAcknowledge(MesHttpCommon):
    """The verb model: a Process verb asking for it is answered by an
    AcknowledgeOperationsPerformance once the event is applied or refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector.flow_ids.write({"payload_format": mes_flows.B2MML})
        cls.env["mfg.flow"].create(
            {
                "connector_id": cls.connector.id,
                "code": mes_flows.PERFORMANCE_ACKNOWLEDGED,
                "payload_format": mes_flows.B2MML,
            }
        )

    def _post(self, payload, code):
        root = b2mml_performance.render_event(
            "mes.material.consumed", payload, {**ENVELOPE, "document_id": "BOD-7"}
        )
        root.find(f"{{{b2mml.NS}}}DataArea/{{{b2mml.NS}}}Process").set(
            "acknowledgeCode", code
        )
        body = etree.tostring(root)
        self._mfg_keep_sample(f"b2mml-in-ack-{code}-{payload['sequence']}.xml", body)
        response = self._mfg_post(
            self.connector,
            "mes.material.consumed",
            body=body,
            content_type="application/xml",
        )
        self.assertEqual(response.status_code, 202, response.text)
        self._mfg_process(self.connector, direction="inbound")

    def _acks(self):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search(
                [
                    ("connector_id", "=", self.connector.id),
                    ("flow_code", "=", mes_flows.PERFORMANCE_ACKNOWLEDGED),
                ],
                order="id",
            )
        )

    def test_always_is_acknowledged_on_success_on_error_only_when_refused(self):
        mo = self._mes_create_mo()
        self._post(self._mes_payload(mo, 1, product="C-SCREW", quantity=4), "OnError")
        self.assertFalse(self._acks(), "OnError and applied: no acknowledgement")
        self._post(self._mes_payload(mo, 2, product="C-SCREW", quantity=4), "Always")
        self._post(
            self._mes_payload(mo, 3, product="C-BOARD", quantity=1, lot="NO-LOT"),
            "OnError",
        )
        acks = self._acks()
        payloads = [json.loads(a.payload_canonical) for a in acks]
        self.assertEqual(
            [(p["sequence"], p["status"]) for p in payloads],
            [(2, "accepted"), (3, "rejected")],
        )
        self.assertIn("NO-LOT", payloads[1]["reason"])
        self.assertEqual(payloads[1]["document_id"], "BOD-7")
        self.assertEqual(set(acks.mapped("state")), {"queued"})
        # sent as B2MML, validated when the official XSDs are at hand
        with ScriptedSystem() as system:
            self.connector.base_url = system.url
            if HAS_XSD:
                self.connector.sudo().xsd_dir = XSD_DIR
            self._mfg_process(self.connector)
        self.assertEqual(set(acks.mapped("state")), {"done"}, acks.mapped("error_text"))
        for request in system.received:
            self._mfg_keep_sample(
                f"b2mml-out-ack-{uuid.uuid4().hex[:6]}.xml", request["body"]
            )
        root = etree.fromstring(system.received[1]["body"])
        self.assertEqual(
            etree.QName(root).localname, "AcknowledgeOperationsPerformance"
        )
        code = root.findtext(
            "b:DataArea/b:Acknowledge/b:ResponseCriteria/b:ChangeStatus/b:Code",
            namespaces=Q,
        )
        self.assertEqual(code, "Rejected")
