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
