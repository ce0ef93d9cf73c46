from mes_connector_core import reconcile


def test_quantities_agree_give_no_line():
    data = {"A / - / WH/Stock": 5.0}
    assert reconcile.compare_quantities(data, dict(data), tolerance=0) == []


def test_quantities_difference_and_tolerance():
    lines = reconcile.compare_quantities(
        {"A / L1 / WH/Stock": 27.0, "B / - / WH/Stock": 10.4},
        {"A / L1 / WH/Stock": 30.0, "B / - / WH/Stock": 10.0, "C / - / WH/Stock": 1.0},
        tolerance=1.0,
    )
    by_key = {line["key"]: line for line in lines}
    assert by_key["A / L1 / WH/Stock"]["difference"] == -3.0
    assert by_key["A / L1 / WH/Stock"]["above_tolerance"]
    assert not by_key["B / - / WH/Stock"]["above_tolerance"]
    assert by_key["C / - / WH/Stock"]["external_value"] == "0.0", (
        "missing on one side counts as zero"
    )


def test_orders_status_always_counts_quantities_by_tolerance():
    odoo = {"MO1": {"status": "released", "produced": 0.0, "consumed": {"X": 2.0}}}
    lines = reconcile.compare_orders(
        {
            "MO1": {"status": "in_progress", "produced": 0.5, "consumed": {"X": 2.0}},
            "MO9": {"status": "completed"},
        },
        odoo,
        tolerance=1.0,
    )
    assert [(line["label"], line["above_tolerance"]) for line in lines] == [
        ("MO status", True),
        ("Produced quantity", False),
        ("MO unknown to Odoo", True),
    ]


def test_odoo_states_map_to_mes_words():
    assert reconcile.odoo_order_status("progress") == "in_progress"
    assert reconcile.odoo_order_status("done") == "completed"
