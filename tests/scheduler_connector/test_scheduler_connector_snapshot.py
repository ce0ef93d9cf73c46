"""Unit tests of scheduler_connector/core snapshot helpers and schemas."""

import importlib
import importlib.util
import json
import os
import re
import sys
from datetime import datetime, timedelta

import jsonschema
import pytest
from mfg_integration_base_core import flow_declaration

CORE_DIR = os.path.join(
    os.path.dirname(__file__), "..", "..", "addons", "scheduler_connector", "core"
)
PKG = "scheduler_connector_core"


def _load(name):
    if PKG not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PKG,
            os.path.join(CORE_DIR, "__init__.py"),
            submodule_search_locations=[CORE_DIR],
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[PKG] = module
        spec.loader.exec_module(module)
    return importlib.import_module(f"{PKG}.{name}")


snapshot = _load("snapshot")
flows = _load("flows")

NOW = datetime(2026, 11, 23, 8, 0, 0)


def _schema(flow):
    with open(flows.schema_path(flow)) as f:
        return json.load(f)


def test_no_odoo_import_in_core():
    for root, _dirs, files in os.walk(CORE_DIR):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(root, name)) as f:
                    text = f.read()
                assert not re.search(
                    r"^\s*(import odoo|from odoo)", text, re.MULTILINE
                ), name


def test_declared_flows_have_schemas():
    declared = flow_declaration.declare(flows.FLOWS)
    codes = (
        flows.FLOW_SNAPSHOT,
        flows.FLOW_ORDER_CHANGED,
        flows.FLOW_SCHEDULE_PUBLISHED,
    )
    assert tuple(declared) == codes
    for flow in declared.values():
        assert flow.schema_dir == flows.SCHEMA_DIR
        jsonschema.Draft202012Validator.check_schema(_schema(flow.code))


def test_workorder_refs_unique_and_id_free():
    refs = snapshot.workorder_refs([(11, "Cut"), (12, "Weld"), (13, "Cut")])
    assert refs == {11: "Cut [1]", 12: "Weld", 13: "Cut [2]"}


def test_workcenter_key():
    assert snapshot.workcenter_key("WC1", "Assembly") == "WC1"
    assert snapshot.workcenter_key(False, "Assembly") == "Assembly"


def test_merge_intervals():
    h = timedelta(hours=1)
    merged = snapshot.merge_intervals(
        [
            (NOW + 2 * h, NOW + 3 * h),
            (NOW, NOW + h),
            (NOW + h, NOW + 2 * h),
            (NOW + 5 * h, NOW + 5 * h),
        ]
    )
    assert merged == [(NOW, NOW + 3 * h)]


def test_component_readiness():
    later = NOW + timedelta(days=2)
    assert snapshot.component_readiness(5, 5, None, NOW) == (True, NOW)
    assert snapshot.component_readiness(5, 2, later, NOW) == (False, later)
    assert snapshot.component_readiness(5, 2, None, NOW) == (False, None)
    assert snapshot.component_readiness(5, 5, later, NOW) == (False, later)


def test_material_readiness():
    later = NOW + timedelta(days=2)
    latest = NOW + timedelta(days=4)
    assert snapshot.material_readiness([], NOW) == ("available", NOW)
    assert snapshot.material_readiness(
        [(True, NOW), (False, later), (False, latest)], NOW
    ) == ("expected", latest)
    assert snapshot.material_readiness([(False, None), (False, later)], NOW) == (
        "unavailable",
        None,
    )


def test_order_frozen():
    assert snapshot.order_frozen([NOW + timedelta(hours=2), None], NOW, 24)
    assert not snapshot.order_frozen([NOW + timedelta(days=3)], NOW, 24)
    assert not snapshot.order_frozen([NOW + timedelta(hours=2)], NOW, 0)


def _sample_snapshot():
    header = snapshot.snapshot_header(NOW, 7, 24, "YourCompany", "snap-1")
    wo = {
        "ref": "Cut",
        "name": "Cut",
        "sequence": 10,
        "work_center": "WC-A",
        "alternative_work_centers": ["WC-B"],
        "expected_duration_minutes": 60.0,
        "setup_minutes": 5.0,
        "cleanup_minutes": 5.0,
        "state": "ready",
        "started": False,
        "frozen": False,
        "planned_start": None,
        "planned_end": None,
        "depends_on": [],
    }
    return dict(
        header,
        schema_version="1.0",
        work_centers=[
            {
                "code": "WC-A",
                "name": "Assembly",
                "capacity": 1.0,
                "time_efficiency": 100.0,
                "setup_minutes": 5.0,
                "cleanup_minutes": 5.0,
                "alternatives": ["WC-B"],
                "calendar": "Standard 40 hours/week",
                "timezone": "Europe/Brussels",
                "working_intervals": snapshot.intervals_payload(
                    [(NOW, NOW + timedelta(hours=8))]
                ),
            }
        ],
        orders=[
            {
                "mo": "WH/MO/00001",
                "product": {"code": "FURN_001", "name": "Table"},
                "quantity": 2.0,
                "uom": "Units",
                "state": "confirmed",
                "priority": "0",
                "deadline": None,
                "planned_start": "2026-11-25T08:00:00Z",
                "planned_end": None,
                "frozen": False,
                "material": {
                    "state": "available",
                    "ready_date": "2026-11-23T08:00:00Z",
                    "components": [],
                },
                "work_orders": [wo],
            }
        ],
    )


def test_sample_snapshot_validates():
    jsonschema.validate(
        _sample_snapshot(),
        _schema(flows.FLOW_SNAPSHOT),
        cls=jsonschema.Draft202012Validator,
    )


def test_snapshot_schema_rejects_missing_ref():
    payload = _sample_snapshot()
    del payload["orders"][0]["work_orders"][0]["ref"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            payload, _schema(flows.FLOW_SNAPSHOT), cls=jsonschema.Draft202012Validator
        )


def test_published_schema():
    schema = _schema(flows.FLOW_SCHEDULE_PUBLISHED)
    good = {
        "schema_version": "1.0",
        "schedule_id": "S-1",
        "version": 1,
        "generated_at": "2026-11-23T07:30:00Z",
        "assignments": [
            {
                "mo": "MO/1",
                "workorder": "Cut",
                "start": "2026-11-25T08:00:00Z",
                "end": "2026-11-25T09:00:00Z",
            }
        ],
    }
    jsonschema.validate(good, schema, cls=jsonschema.Draft202012Validator)
    for mutate in (
        lambda p: p.pop("version"),
        lambda p: p.update(version=0),
        lambda p: p["assignments"][0].pop("mo"),
        lambda p: p["assignments"][0].update(id=12),
        lambda p: p.update(schema_version="2.0"),
    ):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema, cls=jsonschema.Draft202012Validator)


def test_order_changed_schema():
    schema = _schema(flows.FLOW_ORDER_CHANGED)
    payload = {
        "schema_version": "1.0",
        "event": "quantity_changed",
        "mo": "WH/MO/00001",
        "state": "confirmed",
        "product": {"code": "P", "name": "P"},
        "quantity": 3.0,
        "uom": "Units",
        "priority": "0",
        "deadline": None,
        "changed_at": "2026-11-23T07:30:00Z",
        "previous": {"quantity": 2.0},
    }
    jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)
    payload["event"] = "exploded"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)
