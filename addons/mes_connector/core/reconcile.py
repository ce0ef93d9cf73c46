"""Comparisons of an MES snapshot with Odoo's figures: pure, no Odoo.

Each function returns the differences as line dicts for an
``mfg.reconciliation`` run: label, key, external_value, odoo_value,
difference, above_tolerance. Agreeing keys produce no line.
"""

INVENTORY_SNAPSHOT = "inventory.snapshot"
ORDER_SNAPSHOT = "mes.order.snapshot"


def stock_key(product, lot, location):
    return f"{product} / {lot or '-'} / {location}"


def _line(label, key, external, odoo, difference, tolerance):
    return {
        "label": label,
        "key": key,
        "external_value": "" if external is None else str(external),
        "odoo_value": "" if odoo is None else str(odoo),
        "difference": difference,
        "above_tolerance": abs(difference) > tolerance,
    }


def compare_quantities(external, odoo, tolerance, label="Stock quantity"):
    """``external`` and ``odoo``: {key: quantity}. A key missing on one side
    counts as zero there."""
    lines = []
    for key in sorted(set(external) | set(odoo)):
        theirs, ours = external.get(key, 0.0), odoo.get(key, 0.0)
        difference = round(theirs - ours, 6)
        if difference:
            lines.append(_line(label, key, theirs, ours, difference, tolerance))
    return lines


def compare_orders(external, odoo, tolerance):
    """``external`` and ``odoo``: {MO name: {"status", "produced", "consumed":
    {product: qty}}}. Status mismatches always count; quantities beyond the
    tolerance."""
    lines = []
    for name in sorted(external):
        theirs = external[name]
        ours = odoo.get(name)
        if ours is None:
            lines.append(
                _line("MO unknown to Odoo", name, theirs.get("status"), None, 1.0, 0)
            )
            continue
        if theirs.get("status") and theirs["status"] != ours["status"]:
            lines.append(
                _line("MO status", name, theirs["status"], ours["status"], 1.0, 0)
            )
        if theirs.get("produced") is not None:
            difference = round(theirs["produced"] - ours["produced"], 6)
            if difference:
                lines.append(
                    _line(
                        "Produced quantity",
                        name,
                        theirs["produced"],
                        ours["produced"],
                        difference,
                        tolerance,
                    )
                )
        for product, qty in sorted((theirs.get("consumed") or {}).items()):
            mine = ours["consumed"].get(product, 0.0)
            difference = round(qty - mine, 6)
            if difference:
                lines.append(
                    _line(
                        "Consumed quantity",
                        f"{name} / {product}",
                        qty,
                        mine,
                        difference,
                        tolerance,
                    )
                )
    return lines


def odoo_order_status(state):
    """Odoo MO state → the status words an MES snapshot uses."""
    return {
        "draft": "planned",
        "confirmed": "released",
        "progress": "in_progress",
        "to_close": "completed",
        "done": "completed",
        "cancel": "cancelled",
    }.get(state, state)
