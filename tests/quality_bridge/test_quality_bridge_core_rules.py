import pytest
from quality_bridge_core import characteristics as chars
from quality_bridge_core import exceptions, quantities
from quality_bridge_core import nonconformance as nc


@pytest.mark.parametrize(
    "char, expected",
    [
        ({"name": "d", "value": 10.0, "lower_limit": 9.5, "upper_limit": 10.5}, "pass"),
        ({"name": "d", "value": 10.5, "lower_limit": 9.5, "upper_limit": 10.5}, "pass"),
        (
            {"name": "d", "value": 10.51, "lower_limit": 9.5, "upper_limit": 10.5},
            "fail",
        ),
        ({"name": "d", "value": 9.4, "lower_limit": 9.5}, "fail"),
        ({"name": "d", "value": "12", "upper_limit": 11}, "fail"),
        ({"name": "d", "value": "ok"}, None),
        ({"name": "d", "value": True, "upper_limit": 2}, None),
        ({"name": "d", "value": 1, "upper_limit": 2, "verdict": "fail"}, "fail"),
        ({"name": "colour", "value": "red", "verdict": "pass"}, "pass"),
    ],
)
def test_characteristic_verdict(char, expected):
    assert chars.characteristic_verdict(char) == expected


def test_overall_verdict_computed_and_declared():
    good = {"name": "a", "value": 1, "upper_limit": 2}
    bad = {"name": "b", "value": 3, "upper_limit": 2}
    assert chars.overall_verdict(None, [good]) == ("pass", [])
    assert chars.overall_verdict(None, [good, bad]) == ("fail", [])
    # the quality system's declared pass wins, but the failing names are reported
    assert chars.overall_verdict("pass", [good, bad]) == ("pass", ["b"])
    assert chars.overall_verdict("fail", [good]) == ("fail", [])


def test_plan_takes_everything_by_default():
    plan = quantities.plan_quant_moves([("q1", 4.0), ("q2", 0.0), ("q3", 6.0)])
    assert plan == [("q1", 4.0), ("q3", 6.0)]


def test_plan_partial_in_removal_order():
    plan = quantities.plan_quant_moves([("q1", 4.0), ("q2", 6.0)], requested=5)
    assert plan == [("q1", 4.0), ("q2", 1.0)]


def test_plan_refuses_more_than_on_hand():
    with pytest.raises(exceptions.InsufficientQuantityError) as err:
        quantities.plan_quant_moves(
            [("q1", 4.0), ("q2", 6.0)], requested=10.5, label="LOT-1"
        )
    assert "10.5 requested but only 10.0 on hand" in str(err.value)
    assert "LOT-1" in str(err.value)


def test_plan_refuses_non_positive():
    with pytest.raises(exceptions.InsufficientQuantityError):
        quantities.plan_quant_moves([("q1", 4.0)], requested=0)


def test_plan_ignores_negative_quants():
    assert quantities.plan_quant_moves([("q1", -2.0), ("q2", 3.0)]) == [("q2", 3.0)]


def test_disposition_quantities():
    assert quantities.check_disposition_quantity(10, [4], 6) == 0
    assert quantities.check_disposition_quantity(10, [], 3) == 7
    with pytest.raises(exceptions.InsufficientQuantityError) as err:
        quantities.check_disposition_quantity(10, [6], 5)
    assert "exceeds the 4.0 left" in str(err.value)
    with pytest.raises(exceptions.InsufficientQuantityError):
        quantities.check_disposition_quantity(10, [], -1)
    # float noise does not refuse an exact remainder
    assert quantities.check_disposition_quantity(0.3, [0.1, 0.1], 0.1) == 0


def test_nonconformance_states():
    nc.check_transition("open", "contained")
    nc.check_transition("contained", "closed")
    nc.check_transition("closed", "closed")
    with pytest.raises(exceptions.StateConflictError):
        nc.check_transition("closed", "contained")
    with pytest.raises(exceptions.StateConflictError):
        nc.check_transition("dispositioned", "open")
    with pytest.raises(exceptions.StateConflictError) as err:
        nc.check_accepts_disposition("closed", "NC/0001")
    assert err.value.error_kind == "conflict"
    nc.check_accepts_disposition("contained")
    assert nc.state_after_disposition(0) == "closed"
    assert nc.state_after_disposition(2) == "dispositioned"
