from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mfg_integration_base_core import mapping

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
keys = st.text(alphabet="abcdefghij", min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.dictionaries(keys, json_values, max_size=6))
def test_no_rules_is_identity(payload):
    assert mapping.apply_rules(payload, []) == payload


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.dictionaries(keys, json_scalars, min_size=1, max_size=6))
def test_direct_rules_rename_every_key(payload):
    rules = [{"source": k, "target": f"out.{k}"} for k in payload]
    result = mapping.apply_rules(payload, rules)
    assert result.get("out", {}) == {k: v for k, v in payload.items() if v is not None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    items=st.lists(
        st.tuples(st.text(min_size=1, max_size=5), st.integers()), max_size=8
    )
)
def test_list_paths_map_each_element(items):
    payload = {"items": [{"pn": pn, "q": q} for pn, q in items]}
    rules = [
        {"source": "items[].pn", "target": "lines[].product"},
        {"source": "items[].q", "target": "lines[].quantity"},
    ]
    result = mapping.apply_rules(payload, rules)
    assert result.get("lines", []) == [
        {"product": pn, "quantity": q} for pn, q in items
    ]


def test_value_map_uom_constant_default_required():
    rules = [
        {
            "source": "unit",
            "target": "uom",
            "transform": "uom",
            "value_map": {"EA": "Units"},
        },
        {"target": "source_system", "transform": "constant", "constant": "PLM"},
        {"source": "prio", "target": "priority", "default": "0"},
        {
            "source": "state",
            "target": "state",
            "transform": "value_map",
            "value_map": {"R": "released"},
        },
    ]
    result = mapping.apply_rules(
        {"unit": "EA", "state": "R", "schema_version": "1.0"}, rules
    )
    assert result == {
        "uom": "Units",
        "source_system": "PLM",
        "priority": "0",
        "state": "released",
        "schema_version": "1.0",
    }
    with pytest.raises(mapping.MappingError) as err:
        mapping.apply_rules({"state": "X"}, rules[3:])
    assert err.value.path == "state"
    with pytest.raises(mapping.MappingError, match="required"):
        mapping.apply_rules({}, [{"source": "a.b", "target": "x", "required": True}])


def test_error_names_the_list_element_path():
    rules = [
        {
            "source": "lines[].unit",
            "target": "l[].u",
            "transform": "value_map",
            "value_map": {"EA": "Units"},
        }
    ]
    with pytest.raises(mapping.MappingError) as err:
        mapping.apply_rules({"lines": [{"unit": "EA"}, {"unit": "KG"}]}, rules)
    assert err.value.path == "lines.unit[1]" or "[1]" in err.value.path


def test_datetime_with_timezone_to_utc():
    rule = {
        "source": "t",
        "target": "t",
        "transform": "datetime",
        "datetime_format": "%d/%m/%Y %H:%M",
        "timezone": "Europe/Brussels",
    }
    assert mapping.apply_rules({"t": "01/07/2026 10:00"}, [rule]) == {
        "t": "2026-07-01T08:00:00"
    }
    iso = {"source": "t", "target": "t", "transform": "datetime"}
    assert mapping.apply_rules({"t": "2026-01-01T10:00:00+02:00"}, [iso]) == {
        "t": "2026-01-01T08:00:00"
    }
    with pytest.raises(mapping.MappingError, match="date/time"):
        mapping.apply_rules({"t": "yesterday"}, [iso])


def test_lookup_uses_resolver_and_fails_clearly():
    rule = {
        "source": "partner",
        "target": "partner_id",
        "transform": "lookup",
        "lookup_model": "res.partner",
    }
    found = mapping.apply_rules(
        {"partner": "P1"}, [rule], lookup=lambda m, v: 42 if v == "P1" else False
    )
    assert found == {"partner_id": 42}
    with pytest.raises(mapping.MappingError, match="no res.partner bound"):
        mapping.apply_rules({"partner": "P2"}, [rule], lookup=lambda m, v: False)


# ------------------------------------------ rows override, the rest passes
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.dictionaries(keys, json_values, max_size=6), value=json_scalars)
def test_a_row_changes_only_the_field_it_names(payload, value):
    rules = [{"target": "zz", "transform": "constant", "constant": value}]
    assert mapping.apply_rules(payload, rules) == {**payload, "zz": value}


def test_one_value_map_row_keeps_every_other_field():
    payload = {
        "schema_version": "1.0",
        "part_number": "P-1",
        "unit": "EA",
        "lines": [{"component": "C", "unit": "EA", "quantity": 2}],
    }
    rules = [
        {
            "source": "unit",
            "target": "unit",
            "transform": "uom",
            "value_map": {"EA": "Units"},
        },
        {
            "source": "lines[].unit",
            "target": "lines[].unit",
            "transform": "uom",
            "value_map": {"EA": "Units"},
        },
    ]
    result = mapping.apply_rules(payload, rules)
    assert result == {
        "schema_version": "1.0",
        "part_number": "P-1",
        "unit": "Units",
        "lines": [{"component": "C", "unit": "Units", "quantity": 2}],
    }
    assert payload["unit"] == "EA", "the incoming payload is left alone"


def test_uom_row_passes_units_its_table_does_not_list():
    rule = {
        "source": "unit",
        "target": "unit",
        "transform": "uom",
        "value_map": {"EA": "Units"},
    }
    assert mapping.apply_rules({"unit": "kg"}, [rule]) == {"unit": "kg"}


def test_rename_moves_the_value():
    rules = [{"source": "partNo", "target": "part_number"}]
    assert mapping.apply_rules({"partNo": "P", "name": "N"}, rules) == {
        "part_number": "P",
        "name": "N",
    }


def test_rename_inside_list_elements_keeps_their_other_fields():
    rules = [{"source": "lines[].qty", "target": "lines[].quantity"}]
    result = mapping.apply_rules(
        {"lines": [{"qty": 1, "component": "A"}, {"qty": 2, "component": "B"}]}, rules
    )
    assert result == {
        "lines": [{"quantity": 1, "component": "A"}, {"quantity": 2, "component": "B"}]
    }


def test_drop_removes_a_field_and_list_fields():
    rules = [
        {"source": "internal_id", "transform": "drop"},
        {"source": "lines[].plm_oid", "transform": "drop"},
        {"source": "absent.path", "transform": "drop"},
    ]
    result = mapping.apply_rules(
        {
            "internal_id": 7,
            "name": "N",
            "lines": [{"plm_oid": 1, "c": "A"}, {"c": "B"}],
        },
        rules,
    )
    assert result == {"name": "N", "lines": [{"c": "A"}, {"c": "B"}]}
    with pytest.raises(mapping.MappingError, match="drop without a path"):
        mapping.apply_rules({"a": 1}, [{"transform": "drop", "target": "a"}])


def test_rows_read_the_incoming_payload_and_apply_in_order():
    rules = [
        {"source": "a", "target": "b"},  # a moves to b
        {"source": "b", "target": "c"},  # reads the incoming b, not the new one
        {"target": "d", "transform": "constant", "constant": 1},
        {"target": "d", "transform": "constant", "constant": 2},  # last wins
    ]
    assert mapping.apply_rules({"a": "A", "b": "B"}, rules) == {
        "b": "A",
        "c": "B",
        "d": 2,
    }


def test_swap_of_two_fields():
    rules = [{"source": "x", "target": "y"}, {"source": "y", "target": "x"}]
    assert mapping.apply_rules({"x": 1, "y": 2}, rules) == {"x": 2, "y": 1}


def test_missing_source_writes_nothing_or_the_default():
    rules = [
        {"source": "prio", "target": "priority"},
        {"source": "state", "target": "state", "default": "draft"},
    ]
    assert mapping.apply_rules({"name": "N"}, rules) == {"name": "N", "state": "draft"}


def test_naive_utc_reads_what_the_datetime_transform_and_json_senders_write():
    utc = datetime(2026, 12, 3, 6, 30)
    assert mapping.naive_utc("2026-12-03T06:30:00") == utc
    assert mapping.naive_utc("2026-12-03 06:30:00") == utc
    assert mapping.naive_utc("2026-12-03T06:30:00Z") == utc
    assert mapping.naive_utc("2026-12-03T07:30:00+01:00") == utc
    rule = {"source": "t", "target": "t", "transform": "datetime"}
    written = mapping.apply_rules({"t": "2026-12-03T07:30:00+01:00"}, [rule])["t"]
    assert mapping.naive_utc(written) == utc
    with pytest.raises(ValueError):
        mapping.naive_utc("next Tuesday")
