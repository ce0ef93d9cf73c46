# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unit tests of mes_connector/core: no Odoo, no database."""

import datetime
import json
import pathlib
import random

import jsonschema
import pytest
from mes_connector_core_loader import core
from mfg_integration_base_core import flow_declaration

flows = core.flows
operations = core.operations
payloads = core.payloads
timeutil = core.timeutil
exc = core.exceptions

VALIDATOR = jsonschema.Draft202012Validator


def _schema(code):
    return json.loads(pathlib.Path(flows.schema_path(code)).read_text())


def _errors(code, payload):
    validator = VALIDATOR(_schema(code), format_checker=VALIDATOR.FORMAT_CHECKER)
    return sorted(err.message for err in validator.iter_errors(payload))


def test_no_odoo_import_in_core():
    for path in pathlib.Path(flows.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert "import odoo" not in text and "from odoo" not in text, path


DECLARED = flow_declaration.declare(flows.FLOWS)


@pytest.mark.parametrize("code", sorted(DECLARED))
def test_every_flow_has_a_valid_schema(code):
    schema = _schema(code)
    VALIDATOR.check_schema(schema)
    assert "schema_version" in schema["required"]
    if DECLARED[code].ordered:
        assert {"ordering_key", "sequence"} <= set(schema["required"])
    assert DECLARED[code].schema_dir == flows.SCHEMA_DIR


def test_flow_directions_and_order():
    events = {
        "mes.operation.event",
        "mes.material.consumed",
        "mes.scrap.reported",
        "mes.production.completed",
        "mes.downtime.reported",
    }
    assert set(flows.INBOUND_FLOWS) == events
    # shop-floor events: ordered per MO, on the capacity-1 channel, applied
    # on the MO; the snapshots are compared, not applied
    for code in events:
        flow = DECLARED[code]
        assert (flow.direction, flow.ordered, flow.channel, flow.model) == (
            "inbound",
            True,
            flows.ORDERED_CHANNEL,
            "mrp.production",
        )
    assert {c for c, f in DECLARED.items() if f.direction == "outbound"} == {
        "mes.order.released",
        "mes.order.changed",
        "mes.performance.acknowledged",
    }
    snapshots = {"inventory.snapshot", "mes.order.snapshot"}
    assert {c for c, f in DECLARED.items() if not f.ordered} - {
        c for c, f in DECLARED.items() if f.direction == "outbound"
    } == snapshots
    assert {DECLARED[c].model for c in snapshots} == {"mfg.reconciliation"}


def _op_event(**kw):
    payload = {
        "schema_version": "1.0",
        "ordering_key": "WH/MO/00001",
        "sequence": 1,
        "workorder": {"sequence": 1},
        "event": "started",
        "timestamp": "2026-01-05T08:00:00Z",
    }
    payload.update(kw)
    return payload


def test_operation_event_schema_accepts_canonical_payload():
    assert _errors("mes.operation.event", _op_event()) == []


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"event": "exploded"}, "is not one of"),
        ({"sequence": 0}, "less than the minimum"),
        ({"workorder": {}}, "should be non-empty"),
        ({"workorder": {"id": 12}}, "Additional properties"),
        ({"timestamp": "yesterday"}, "is not a 'date-time'"),
    ],
)
def test_operation_event_schema_rejects(change, fragment):
    errors = _errors("mes.operation.event", _op_event(**change))
    assert any(fragment in err for err in errors), errors


def test_operation_event_schema_requires_ordering_key():
    payload = _op_event()
    del payload["ordering_key"]
    assert _errors("mes.operation.event", payload) == [
        "'ordering_key' is a required property"
    ]


def test_consumption_schema_rejects_zero_quantity():
    payload = {
        "schema_version": "1.0",
        "ordering_key": "MO1",
        "sequence": 2,
        "product": "C-1",
        "quantity": 0,
    }
    assert any(
        "less than or equal" in e for e in _errors("mes.material.consumed", payload)
    )
    payload["quantity"] = 2.5
    assert _errors("mes.material.consumed", payload) == []


def test_parse_datetime_to_naive_utc():
    assert timeutil.parse_datetime(
        "2026-01-05T09:30:15.123+01:00"
    ) == datetime.datetime(2026, 1, 5, 8, 30, 15)
    assert timeutil.parse_datetime("2026-01-05T08:30:00Z") == datetime.datetime(
        2026, 1, 5, 8, 30
    )
    assert timeutil.parse_datetime("2026-01-05 08:30:00") == datetime.datetime(
        2026, 1, 5, 8, 30
    )
    with pytest.raises(exc.InvalidTimestampError, match="start"):
        timeutil.parse_datetime("5 Jan", field="start")
    with pytest.raises(exc.InvalidTimestampError):
        timeutil.parse_datetime(None)


def test_format_datetime_roundtrip():
    value = datetime.datetime(2026, 1, 5, 8, 30, 0, 500)
    text = timeutil.format_datetime(value)
    assert text == "2026-01-05T08:30:00Z"
    assert timeutil.parse_datetime(text) == value.replace(microsecond=0)
    assert timeutil.format_datetime(False) is None


def test_transitions_of_a_normal_run():
    state = operations.IDLE
    actions = []
    for event in ("started", "paused", "resumed", "finished"):
        state, action = operations.transition(state, event)
        actions.append(action)
    assert state == operations.FINISHED
    assert actions == ["open", "close", "open", "close_finish"]


@pytest.mark.parametrize(
    "state, event",
    [
        ("idle", "paused"),
        ("idle", "resumed"),
        ("running", "started"),
        ("running", "resumed"),
        ("paused", "paused"),
        ("finished", "started"),
        ("finished", "finished"),
    ],
)
def test_invalid_transitions_are_conflicts(state, event):
    with pytest.raises(exc.InvalidTransitionError) as info:
        operations.transition(state, event)
    assert info.value.error_kind == "conflict"


WOS = [
    {"id": 11, "sequence": 1, "name": "Cutting"},
    {"id": 12, "sequence": 2, "name": "Assembly"},
    {"id": 13, "sequence": 3, "name": "assembly "},
]


def test_find_workorder_by_sequence_or_name():
    assert operations.find_workorder(WOS, {"sequence": 2}) == 12
    assert operations.find_workorder(WOS, {"operation": "cutting"}) == 11
    assert (
        operations.find_workorder(WOS, {"sequence": 3, "operation": "Assembly"}) == 13
    )


def test_find_workorder_errors():
    with pytest.raises(exc.WorkorderNotFoundError, match="sequence 9"):
        operations.find_workorder(WOS, {"sequence": 9})
    with pytest.raises(exc.WorkorderNotFoundError):
        operations.find_workorder(WOS, {"sequence": 1, "operation": "Assembly"})
    with pytest.raises(exc.AmbiguousWorkorderError, match="2 work orders"):
        operations.find_workorder(WOS, {"operation": "Assembly"})
    with pytest.raises(exc.WorkorderNotFoundError):
        operations.find_workorder(WOS, {})


def _order():
    return {
        "name": "WH/MO/00007",
        "company": "YourCompany",
        "product": {"code": "FG-1", "name": "Table"},
        "tracking": "lot",
        "quantity": 5.0,
        "uom": "Units",
        "date_start": datetime.datetime(2026, 1, 5, 8, 0),
        "date_finished": datetime.datetime(2026, 1, 5, 12, 0),
        "date_deadline": False,
        "finished_lot": "LOT-FG-1",
        "origin": False,
        "components": [
            {
                "product": {"code": "C-1", "name": "Leg"},
                "quantity": 20.0,
                "uom": "Units",
                "operation_sequence": 1,
                "reserved_lots": [
                    {"lot": "L1", "quantity": 20.0, "location": "WH/Stock"}
                ],
            }
        ],
        "work_orders": [
            {
                "sequence": 1,
                "operation": "Assembly",
                "workcenter": "ASM",
                "expected_duration_minutes": 60.0,
                "instructions": None,
            }
        ],
    }


def test_build_order_released_is_schema_valid():
    payload = payloads.build_order_released(_order())
    assert _errors("mes.order.released", payload) == []
    assert payload["date_start"] == "2026-01-05T08:00:00Z"
    assert "date_deadline" not in payload and "origin" not in payload
    assert payload["work_orders"][0] == {
        "sequence": 1,
        "operation": "Assembly",
        "workcenter": "ASM",
        "expected_duration_minutes": 60.0,
    }
    assert payload["components"][0]["reserved_lots"][0]["lot"] == "L1"


def test_changes_between():
    before = {
        "product_qty": 5.0,
        "date_start": 1,
        "date_finished": 2,
        "state": "confirmed",
        "mes_on_hold": False,
    }
    assert payloads.changes_between(before, dict(before)) == []
    assert payloads.changes_between(before, dict(before, product_qty=4.0)) == [
        "quantity"
    ]
    assert payloads.changes_between(
        before, dict(before, date_start=3, date_finished=4)
    ) == ["dates"]
    assert payloads.changes_between(before, dict(before, state="cancel")) == [
        "cancelled"
    ]
    assert payloads.changes_between(before, dict(before, state="progress")) == []
    assert payloads.changes_between(before, dict(before, mes_on_hold=True)) == ["hold"]
    on_hold = dict(before, mes_on_hold=True)
    assert payloads.changes_between(on_hold, before) == ["released_from_hold"]


def test_build_order_changed_is_schema_valid():
    order = _order()
    order["state"] = "cancel"
    payload = payloads.build_order_changed(order, ["cancelled"])
    assert _errors("mes.order.changed", payload) == []
    assert payload["cancelled"] is True and payload["on_hold"] is False


def test_consumption_deviations():
    lines = [
        {"product": "A", "expected": 4.0, "consumed": 4.004, "rounding": 0.01},
        {"product": "B", "expected": 4.0, "consumed": 5.0, "rounding": 0.01},
        {"product": "C", "expected": 2.0, "consumed": 1.5, "rounding": 0.01},
    ]
    result = payloads.consumption_deviations(lines)
    assert [(r["product"], r["kind"], r["deviation"]) for r in result] == [
        ("B", "over", 1.0),
        ("C", "under", -0.5),
    ]


def test_find_workorder_is_order_independent():
    shuffled = list(WOS[:2])
    random.Random(4).shuffle(shuffled)
    assert operations.find_workorder(shuffled, {"operation": "Cutting"}) == 11
