import plm_connector_core as core

validation = core.validation

UNITS = {"Units": "unit", "Dozens": "unit", "kg": "weight"}
KNOWN = {"P": "unit", "C1": "unit", "C2": "weight", "S": "unit"}
WCS = {"ASM", "TST"}


def _payload(lines, operations=(), **extra):
    payload = {
        "schema_version": "1.0",
        "part_number": "P",
        "revision": "B",
        "change_number": "ECO-1",
        "lines": list(lines),
        "operations": list(operations),
    }
    payload.update(extra)
    return payload


def _codes(problems):
    return sorted(p["code"] for p in problems)


def test_valid_release_has_no_problem():
    payload = _payload(
        [
            {
                "component": "C1",
                "quantity": 2,
                "unit": "Units",
                "operation_ref": "OP10",
            },
            {"component": "C2", "quantity": 0.5, "unit": "kg"},
        ],
        [{"ref": "OP10", "workcenter_code": "ASM", "name": "Assemble"}],
    )
    assert validation.validate_bom_release(payload, KNOWN, UNITS, WCS) == []


def test_unknown_component():
    problems = validation.validate_bom_release(
        _payload([{"component": "NOPE", "quantity": 1}]), KNOWN, UNITS, WCS
    )
    assert _codes(problems) == ["unknown_component"]
    assert "NOPE" in problems[0]["message"]


def test_component_carried_as_item_is_known():
    payload = _payload(
        [{"component": "NEW", "quantity": 1, "unit": "Units"}],
        items=[{"part_number": "NEW", "revision": "A", "name": "New", "unit": "Units"}],
    )
    assert validation.validate_bom_release(payload, KNOWN, UNITS, WCS) == []


def test_unknown_workcenter():
    payload = _payload(
        [{"component": "C1", "quantity": 1}],
        [{"ref": "OP10", "workcenter_code": "XX", "name": "Weld"}],
    )
    problems = validation.validate_bom_release(payload, KNOWN, UNITS, WCS)
    assert _codes(problems) == ["unknown_workcenter"]
    assert "'XX'" in problems[0]["message"]


def test_unknown_unit_and_unit_mismatch():
    payload = _payload(
        [
            {"component": "C1", "quantity": 1, "unit": "furlong"},
            {"component": "C2", "quantity": 1, "unit": "Units"},
        ]
    )
    problems = validation.validate_bom_release(payload, KNOWN, UNITS, WCS)
    assert _codes(problems) == ["unit_mismatch", "unknown_unit"]


def test_zero_and_negative_quantity():
    payload = _payload(
        [{"component": "C1", "quantity": 0}, {"component": "S", "quantity": -2}]
    )
    problems = validation.validate_bom_release(payload, KNOWN, UNITS, WCS)
    assert _codes(problems) == ["bad_quantity", "bad_quantity"]


def test_self_parent():
    problems = validation.validate_bom_release(
        _payload([{"component": "P", "quantity": 1}]), KNOWN, UNITS, WCS
    )
    assert _codes(problems) == ["cycle"]
    assert "own parent" in problems[0]["message"]


def test_deep_cycle_through_subassemblies():
    payload = _payload(
        [{"component": "S", "quantity": 1}],
        subassemblies=[
            {"part_number": "S", "lines": [{"component": "C1", "quantity": 1}]},
            {"part_number": "C1", "lines": [{"component": "P", "quantity": 1}]},
        ],
    )
    problems = validation.validate_bom_release(payload, KNOWN, UNITS, WCS)
    assert _codes(problems) == ["cycle"]
    assert problems[0]["message"] == "Cycle in the BOM: C1 → P → S → C1"


def test_deep_cycle_through_existing_boms():
    payload = _payload([{"component": "S", "quantity": 1}])
    problems = validation.validate_bom_release(
        payload, KNOWN, UNITS, WCS, existing_graph={"S": ["C1"], "C1": ["P"]}
    )
    assert _codes(problems) == ["cycle"]


def test_unknown_operation_reference_and_duplicate_operation():
    payload = _payload(
        [{"component": "C1", "quantity": 1, "operation_ref": "OP99"}],
        [
            {"ref": "OP10", "workcenter_code": "ASM", "name": "A"},
            {"ref": "OP10", "workcenter_code": "ASM", "name": "B"},
        ],
    )
    assert _codes(validation.validate_bom_release(payload, KNOWN, UNITS, WCS)) == [
        "duplicate_operation",
        "unknown_operation",
    ]


def test_unknown_parent():
    payload = _payload([{"component": "C1", "quantity": 1}], part_number="GHOST")
    assert _codes(validation.validate_bom_release(payload, KNOWN, UNITS, WCS)) == [
        "unknown_part"
    ]


def test_released_boms_inherit_revision():
    payload = _payload(
        [{"component": "S", "quantity": 1}],
        subassemblies=[
            {"part_number": "S", "lines": [{"component": "C1", "quantity": 1}]}
        ],
    )
    assert [
        (b["part_number"], b["revision"]) for b in validation.released_boms(payload)
    ] == [("P", "B"), ("S", "B")]
