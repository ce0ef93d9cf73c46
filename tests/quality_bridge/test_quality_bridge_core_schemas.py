import json
import pathlib

import jsonschema
import pytest
from mfg_integration_base_core import flow_declaration
from quality_bridge_core import flows, payloads

CORE_DIR = pathlib.Path(flows.__file__).resolve().parent


def _validator(code):
    with open(flows.schema_path(code)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_every_flow_is_declared_with_a_valid_schema():
    declared = flow_declaration.declare(flows.FLOWS)
    assert set(declared) == {
        flows.FLOW_INSPECTION_RESULT,
        flows.FLOW_DISPOSITION_DECIDED,
        flows.FLOW_MAINTENANCE_ALERT,
        flows.FLOW_INSPECTION_REQUESTED,
        flows.FLOW_NONCONFORMANCE_CHANGED,
        flows.FLOW_MAINTENANCE_DONE,
    }
    for code in declared:
        _validator(code)


def test_core_never_imports_odoo():
    for path in CORE_DIR.rglob("*.py"):
        text = path.read_text()
        assert "import odoo" not in text and "from odoo" not in text, path


INSPECTION = {
    "schema_version": "1.0",
    "inspection_id": "INSP-1",
    "verdict": "fail",
    "product": "P-1",
    "lot": "LOT-1",
    "quantity": 4,
    "inspected_at": "2026-01-01T10:00:00Z",
    "characteristics": [
        {
            "name": "d",
            "value": 10.7,
            "unit": "mm",
            "lower_limit": 9.5,
            "upper_limit": 10.5,
        }
    ],
    "cause": {"equipment": "Press 1"},
}


def test_inspection_result_schema():
    v = _validator("quality.inspection.result")
    assert not list(v.iter_errors(INSPECTION))
    bad = dict(INSPECTION, verdict="maybe", quantity=-1, quantiy=3)
    paths = {tuple(e.absolute_path) for e in v.iter_errors(bad)}
    assert ("verdict",) in paths and ("quantity",) in paths
    assert any("quantiy" in e.message for e in v.iter_errors(bad))
    missing = {k: val for k, val in INSPECTION.items() if k != "lot"}
    assert any(
        "'lot' is a required property" in e.message for e in v.iter_errors(missing)
    )


@pytest.mark.parametrize(
    "code, payload, ok",
    [
        (
            "quality.disposition.decided",
            {"nonconformance": "NC/1", "disposition": "scrap", "quantity": 2},
            True,
        ),
        (
            "quality.disposition.decided",
            {"nonconformance": "NC/1", "disposition": "burn", "quantity": 2},
            False,
        ),
        (
            "quality.disposition.decided",
            {"nonconformance": "NC/1", "disposition": "scrap", "quantity": 0},
            False,
        ),
        (
            "maintenance.alert",
            {
                "alert_id": "A1",
                "equipment": "Press",
                "summary": "Vibration",
                "block_workcenter": True,
            },
            True,
        ),
        ("maintenance.alert", {"alert_id": "A1", "summary": "Vibration"}, False),
        (
            "maintenance.alert",
            {
                "alert_id": "A1",
                "equipment": "P",
                "summary": "x",
                "raised_at": "yesterday",
            },
            False,
        ),
    ],
)
def test_inbound_schemas(code, payload, ok):
    v = _validator(code)
    assert (not list(v.iter_errors(dict(payload, schema_version="1.0")))) is ok


def test_outbound_builders_match_schemas():
    req = payloads.inspection_requested(
        "R-1",
        "P-1",
        5.0,
        "receipt",
        "WH/IN/00001",
        lot="LOT-1",
        uom="Units",
        purchase_order="P00001",
        vendor=None,
        requested_at="2026-01-01T10:00:00Z",
    )
    assert "vendor" not in req
    assert not list(_validator("quality.inspection.requested").iter_errors(req))
    ncp = payloads.nonconformance_changed(
        "NC/0001",
        "closed",
        "inspection",
        "major",
        5.0,
        5.0,
        previous_state="dispositioned",
        product="P-1",
        lot="LOT-1",
        dispositions=[{"disposition": "scrap", "quantity": 5.0, "decided_by": None}],
    )
    assert ncp["dispositions"] == [{"disposition": "scrap", "quantity": 5.0}]
    assert not list(_validator("quality.nonconformance.changed").iter_errors(ncp))
    done = payloads.maintenance_done(
        "A-1", "Press vibration", equipment="Press 1", duration_hours=0.0
    )
    assert done["duration_hours"] == 0.0
    assert not list(_validator("maintenance.request.done").iter_errors(done))


def test_ordering_key_and_sequence_go_together():
    v = _validator("quality.inspection.result")
    assert not list(v.iter_errors(dict(INSPECTION, ordering_key="LOT-1", sequence=2)))
    assert list(v.iter_errors(dict(INSPECTION, ordering_key="LOT-1")))
    assert list(v.iter_errors(dict(INSPECTION, ordering_key="LOT-1", sequence=0)))
