# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scenario's payloads follow the flows' JSON Schemas; MES streams are in
order per MO, and their shuffled twins hold the same deliveries."""

import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from simulators import scenario

ADDONS = Path(__file__).resolve().parents[2] / "addons"
START = datetime(2026, 11, 23, 8, 0)

ORDER = {
    "schema_version": "1.0",
    "production_order": "WH/MO/00042",
    "product": {"code": "PLANT-PUMP"},
    "quantity": 2.0,
    "uom": "Units",
    "components": [
        {
            "product": {"code": "PLANT-HOUSING"},
            "quantity": 2.0,
            "uom": "Units",
            "operation_sequence": 10,
        },
        {
            "product": {"code": "PLANT-IMPELLER"},
            "quantity": 2.0,
            "uom": "Units",
            "operation_sequence": 20,
            "reserved_lots": [{"lot": "IMP-L1", "quantity": 2}],
        },
        {
            "product": {"code": "PLANT-SCREW"},
            "quantity": 16.0,
            "uom": "Units",
            "operation_sequence": 20,
        },
        {"product": {"code": "PLANT-GASKET"}, "quantity": 4.0, "uom": "Units"},
    ],
    "work_orders": [
        {"sequence": 20, "operation": "Assembly", "workcenter": "PLANT-ASM"},
        {
            "sequence": 10,
            "operation": "Machining",
            "workcenter": "PLANT-MACH",
            "expected_duration_minutes": 40,
        },
    ],
}


def _validate(flow, payload):
    (schema_file,) = ADDONS.glob(f"*/core/schemas/{flow}.v1.json")
    jsonschema.Draft202012Validator(json.loads(schema_file.read_text())).validate(
        payload
    )


def test_plm_payloads_follow_their_schemas():
    _validate("plm.bom.released", scenario.bom_release_rev_b())
    _validate("plm.change.released", scenario.change_release())
    _validate("plm.item.released", scenario.item_release())


def test_shop_floor_stream_is_ordered_and_valid():
    events = scenario.shop_floor_events(ORDER, START)
    for flow, payload in events:
        _validate(flow, payload)
    assert [p["sequence"] for _f, p in events] == list(range(1, len(events) + 1))
    assert {p["ordering_key"] for _f, p in events} == {"WH/MO/00042"}
    steps = [
        (f.split(".")[1], p.get("event") or p.get("product") or p.get("lot"))
        for f, p in events
    ]
    assert steps == [
        ("operation", "started"),  # Machining first: sequence 10
        ("material", "PLANT-HOUSING"),
        ("material", "PLANT-GASKET"),  # no operation of its own: the first one
        ("operation", "finished"),
        ("operation", "started"),
        ("material", "PLANT-IMPELLER"),
        ("material", "PLANT-SCREW"),
        ("scrap", "PLANT-SCREW"),
        ("operation", "finished"),
        ("production", "PUMP-WH-MO-00042"),
    ]
    impeller = next(p for _f, p in events if p.get("product") == "PLANT-IMPELLER")
    assert impeller["lot"] == "IMP-L1"
    timestamps = [p["timestamp"] for _f, p in events]
    assert timestamps == sorted(timestamps)


def test_bad_lot_stream_names_a_lot_odoo_lacks():
    events = scenario.bad_lot_events(ORDER, START)
    for flow, payload in events:
        _validate(flow, payload)
    assert events[-1][1]["lot"] == scenario.UNKNOWN_LOT


def test_shuffled_twin_holds_the_same_deliveries_with_copies_under_the_same_id():
    deliveries = scenario.with_webhook_ids(
        scenario.shop_floor_events(ORDER, START), seed=1
    )
    assert deliveries == scenario.with_webhook_ids(
        scenario.shop_floor_events(ORDER, START), seed=1
    )
    stream = scenario.shuffled_with_duplicates(deliveries, seed=7, duplicates=3)
    assert len(stream) == len(deliveries) + 3
    assert stream[: len(deliveries)] != deliveries
    ids = [d[0] for d in stream]
    assert set(ids) == {d[0] for d in deliveries}
    copies = [i for i in set(ids) if ids.count(i) == 2]
    assert len(copies) == 3
    by_id = {}
    for webhook_id, flow, payload in stream:
        assert by_id.setdefault(webhook_id, (flow, payload)) == (flow, payload)


REQUEST = {
    "schema_version": "1.0",
    "request_id": "IR-7-3",
    "product": "PLANT-PUMP",
    "lot": "PUMP-WH-MO-00042",
    "quantity": 2.0,
    "origin": {"type": "production", "reference": "WH/MO/00042"},
}


@pytest.mark.parametrize("verdict", ["pass", "fail"])
def test_qms_payloads_follow_their_schemas(verdict):
    result = scenario.inspection_result(REQUEST, verdict, "INSP-1", "PLANT-PRESS-1")
    _validate("quality.inspection.result", result)
    assert result["production"] == "WH/MO/00042"
    assert ("cause" in result) == (verdict == "fail")
    _validate("quality.disposition.decided", scenario.disposition("NC/0001", 2.0))
    _validate("maintenance.alert", scenario.maintenance_alert("ALERT-1"))
