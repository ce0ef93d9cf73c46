# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The standards the simulated plant speaks: the MES reads Odoo's B2MML schedule
and sends B2MML performance documents, the QMS a QIF result, the PLM serves OData
parts to Odoo's signed GETs; each checked against the addons' own parsers."""

import json
import uuid
from datetime import datetime

import requests
from lxml import etree
from mes_connector_core import b2mml_schedule
from mes_connector_core import flows as mes_flows
from mfg_integration_base_core import flow_declaration, pull, signatures, xmldoc
from plm_connector_core import odata
from quality_bridge_core import qif

from simulators import formats, scenario, signing
from simulators.plm import PlmSimulator

RELEASED = {
    "schema_version": "1.0",
    "production_order": "WH/MO/00042",
    "product": {"code": "PLANT-PUMP"},
    "quantity": 5.0,
    "uom": "Units",
    "components": [
        {
            "product": {"code": "PLANT-IMPELLER"},
            "quantity": 5.0,
            "uom": "Units",
            "operation_sequence": 10,
            "reserved_lots": [{"lot": "IMP-1", "quantity": 3.0}],
        },
        {"product": {"code": "PLANT-SCREW"}, "quantity": 20.0, "uom": "Units"},
    ],
    "work_orders": [
        {
            "sequence": 10,
            "operation": "Assembly",
            "workcenter": "ASM",
            "expected_duration_minutes": 45.5,
        },
        {"sequence": 20, "operation": "Test", "workcenter": "TST"},
    ],
}


def test_the_mes_reads_the_schedule_odoo_sends():
    root = b2mml_schedule.render_order_released(
        RELEASED, {"created_at": "2026-01-05T07:00:00Z", "document_id": "x"}
    )
    order = formats.read_operations_schedule(etree.tostring(root))
    assert order["production_order"] == "WH/MO/00042"
    assert order["quantity"] == 5.0
    assert [
        (w["sequence"], w["operation"], w["workcenter"], w["expected_duration_minutes"])
        for w in order["work_orders"]
    ] == [(10, "Assembly", "ASM", 45.5), (20, "Test", "TST", None)]
    components = {c["product"]["code"]: c for c in order["components"]}
    assert components["PLANT-IMPELLER"]["quantity"] == 5.0
    assert components["PLANT-IMPELLER"]["reserved_lots"][0]["lot"] == "IMP-1"
    # the screw has no operation: the first segment needs it, as in Odoo
    assert components["PLANT-SCREW"]["operation_sequence"] == 10


def test_the_mes_events_parse_back_in_odoo():
    events = scenario.shop_floor_events(
        {**RELEASED, "components": RELEASED["components"]},
        datetime(2026, 1, 5, 8, 0),
    )
    declared = flow_declaration.declare(mes_flows.FLOWS)
    for flow, payload in events:
        document = formats.b2mml_event(flow, payload)
        wire = declared[flow].wire_format(mes_flows.B2MML)
        reader = xmldoc.Reader(xmldoc.parse(document), wire.namespace)
        parsed = wire.parser(reader)
        parsed.pop("event_id", None)
        expected = {k: v for k, v in payload.items() if k != "event_id"}
        if flow == "mes.production.completed":
            expected.setdefault("final", False)
        assert parsed == expected, flow


def test_the_qms_result_parses_back_in_odoo():
    result = {
        "schema_version": "1.0",
        "inspection_id": formats.qif_inspection_id("INSP-1"),
        "verdict": "pass",
        "product": "PLANT-PUMP",
        "lot": "PUMP-1",
        "characteristics": [
            {
                "name": "Leak rate",
                "value": 0.1,
                "unit": "ml/min",
                "lower_limit": 0,
                "upper_limit": 0.5,
            },
        ],
    }
    document = formats.qif_result(result)
    parsed = qif.parse_results(xmldoc.Reader(xmldoc.parse(document), qif.NS))
    assert parsed == {
        **result,
        "characteristics": [{**result["characteristics"][0], "lower_limit": 0.0}],
    }
    uuid.UUID(parsed["inspection_id"])  # QIF's QPId is a UUID


def test_the_plm_serves_its_parts_to_signed_gets_only():
    plm = PlmSimulator().start()
    try:
        plm.outbound_secret = signing.new_secret()
        first = plm.release_item("P-1", "A", "One")
        plm.release_item("P-2", "A", "Two")
        url = pull.first_url(plm.base_url, "/odata/Parts", None, "ModifiedOn", "ID", 10)
        assert requests.get(url, timeout=5).status_code == 401
        signed = signatures.sign_headers(plm.outbound_secret, uuid.uuid4().hex, b"")
        page = requests.get(url, headers=signed, timeout=5)
        records, next_link = pull.read_page(page.content, "ModifiedOn", "ID")
        assert [r["Number"] for r in records] == ["P-1", "P-2"]
        assert next_link is None
        assert odata.part_to_item(records[0])["name"] == "One"
        after = pull.first_url(
            plm.base_url,
            "/odata/Parts",
            pull.record_cursor(first, "ModifiedOn", "ID"),
            "ModifiedOn",
            "ID",
            10,
        )
        signed = signatures.sign_headers(plm.outbound_secret, uuid.uuid4().hex, b"")
        page = json.loads(requests.get(after, headers=signed, timeout=5).content)
        assert [r["Number"] for r in page["value"]] == ["P-2"]
    finally:
        plm.stop()
