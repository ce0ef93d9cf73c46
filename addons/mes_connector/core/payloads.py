# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Canonical payloads of the outbound flows, built from plain python values.

The models read Odoo records into plain dicts; these functions shape them into
the canonical contract (see ``schemas/``), so the shape is unit-tested without
a database.
"""

from .timeutil import format_datetime

SCHEMA_VERSION = "1.0"

#: fields of the MO whose change is sent as ``mes.order.changed``, and the
#: change kind each one stands for
CHANGE_KINDS = {
    "product_qty": "quantity",
    "date_start": "dates",
    "date_finished": "dates",
    "state": "cancelled",
    "mes_on_hold": "hold",
}


def _clean(value):
    """Drop keys whose value is None, recursively, so optional fields stay absent."""
    if isinstance(value, dict):
        return {key: _clean(val) for key, val in value.items() if val is not None}
    if isinstance(value, list):
        return [_clean(val) for val in value]
    return value


def _product(product):
    return {"code": product["code"], "name": product.get("name")}


def build_order_released(order):
    """``order``: plain dict read from an MO -> canonical ``mes.order.released``."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "production_order": order["name"],
        "ordering_key": order["name"],
        "company": order.get("company"),
        "product": _product(order["product"]),
        "tracking": order.get("tracking") or "none",
        "quantity": order["quantity"],
        "uom": order["uom"],
        "date_start": format_datetime(order.get("date_start")),
        "date_finished": format_datetime(order.get("date_finished")),
        "date_deadline": format_datetime(order.get("date_deadline")),
        "finished_lot": order.get("finished_lot") or None,
        "origin": order.get("origin") or None,
        "components": [
            {
                "product": _product(comp["product"]),
                "quantity": comp["quantity"],
                "uom": comp["uom"],
                "operation_sequence": comp.get("operation_sequence"),
                "reserved_lots": [
                    {
                        "lot": lot["lot"],
                        "quantity": lot["quantity"],
                        "location": lot.get("location"),
                    }
                    for lot in comp.get("reserved_lots") or []
                ],
            }
            for comp in order.get("components") or []
        ],
        "work_orders": [
            {
                "sequence": wo["sequence"],
                "operation": wo["operation"],
                "workcenter": wo["workcenter"],
                "expected_duration_minutes": wo.get("expected_duration_minutes") or 0.0,
                "instructions": wo.get("instructions") or None,
            }
            for wo in order.get("work_orders") or []
        ],
    }
    return _clean(payload)


def changes_between(before, after):
    """Kinds of change between two snapshots of an MO (dicts of CHANGE_KINDS keys).

    Returns a sorted list of distinct kinds; ``cancelled`` only when the new state
    is ``cancel``.
    """
    kinds = set()
    for field, kind in CHANGE_KINDS.items():
        if field not in after or before.get(field) == after.get(field):
            continue
        if field == "state":
            if after[field] == "cancel":
                kinds.add("cancelled")
            continue
        if field == "mes_on_hold":
            kinds.add("hold" if after[field] else "released_from_hold")
            continue
        kinds.add(kind)
    return sorted(kinds)


def build_order_changed(order, changes):
    """``order``: plain dict of the MO's current values; ``changes``: list of kinds."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "production_order": order["name"],
        "ordering_key": order["name"],
        "changes": list(changes),
        "quantity": order["quantity"],
        "uom": order["uom"],
        "date_start": format_datetime(order.get("date_start")),
        "date_finished": format_datetime(order.get("date_finished")),
        "cancelled": order.get("state") == "cancel",
        "on_hold": bool(order.get("on_hold")),
    }
    return _clean(payload)


def consumption_deviations(lines):
    """Components consumed off plan.

    ``lines``: iterable of dicts ``{"product", "expected", "consumed", "rounding"}``
    (quantities in the same unit). Returns a list of
    ``{"product", "expected", "consumed", "deviation", "kind"}`` with kind ``over``
    or ``under`` for each line whose consumed quantity differs from the expected one.
    """
    result = []
    for line in lines:
        rounding = line.get("rounding") or 0.01
        deviation = line["consumed"] - line["expected"]
        if abs(deviation) < rounding / 2.0:
            continue
        result.append(
            {
                "product": line["product"],
                "expected": line["expected"],
                "consumed": line["consumed"],
                "deviation": round(deviation, 6),
                "kind": "over" if deviation > 0 else "under",
            }
        )
    return result
