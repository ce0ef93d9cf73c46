# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Difference between two BOM revisions (pure python).

A BOM here is the canonical dict of ``plm.bom.released``::

    {"lines": [{"component": "C-1", "quantity": 2.0, "unit": "Units",
                "find_number": "10", "operation_ref": "OP10"}, ...],
     "operations": [{"ref": "OP10", "sequence": 10, "workcenter_code": "ASM",
                     "name": "Assemble", "setup_time": 5.0, "run_time": 1.5}, ...]}

Components are matched by part number; when a part number appears on several
lines of one BOM, its occurrences are matched in find-number order and keyed
``C-1#2``, ``C-1#3``. Operations are matched by their reference (``ref``,
defaulting to the sequence).
"""

QTY_PRECISION = 1e-9

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
COMPONENT, OPERATION = "component", "operation"

OPERATION_FIELDS = ("name", "workcenter_code", "sequence", "setup_time", "run_time")


def format_value(value):
    """A value as the differences show it: numbers one way whether they came
    as 4, 4.0 or "4.0" (no trailing zeros, at most 6 decimals)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
    elif isinstance(value, int | float):
        number = float(value)
    else:
        return str(value)
    text = f"{round(number, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def operation_ref(operation):
    ref = operation.get("ref")
    if ref in (None, ""):
        ref = str(operation.get("sequence", ""))
    return str(ref)


def _keyed_lines(lines):
    by_component = {}
    for line in lines or ():
        by_component.setdefault(str(line["component"]), []).append(line)
    keyed = {}
    for component, occurrences in by_component.items():
        occurrences = sorted(
            occurrences, key=lambda line: str(line.get("find_number") or "")
        )
        for index, line in enumerate(occurrences, start=1):
            keyed[component if index == 1 else f"{component}#{index}"] = line
    return keyed


def _float_changed(old, new):
    return abs(float(old or 0.0) - float(new or 0.0)) > QTY_PRECISION


def _line_changes(old, new):
    changes = {}
    if _float_changed(old.get("quantity"), new.get("quantity")):
        changes["quantity"] = (old.get("quantity"), new.get("quantity"))
    if (old.get("unit") or "") != (new.get("unit") or ""):
        changes["unit"] = (old.get("unit"), new.get("unit"))
    return changes


def _operation_changes(old, new):
    changes = {}
    for field in OPERATION_FIELDS:
        old_value, new_value = old.get(field), new.get(field)
        if field in ("setup_time", "run_time"):
            if _float_changed(old_value, new_value):
                changes[field] = (old_value, new_value)
        elif field == "sequence":
            if int(old_value or 0) != int(new_value or 0):
                changes[field] = (old_value, new_value)
        elif (old_value or "") != (new_value or ""):
            changes[field] = (old_value, new_value)
    return changes


def _diff_keyed(kind, old, new, compare):
    result = []
    for key in sorted(set(old) | set(new)):
        if key not in old:
            result.append(
                {
                    "kind": kind,
                    "change": ADDED,
                    "key": key,
                    "old": None,
                    "new": new[key],
                    "fields": {},
                }
            )
        elif key not in new:
            result.append(
                {
                    "kind": kind,
                    "change": REMOVED,
                    "key": key,
                    "old": old[key],
                    "new": None,
                    "fields": {},
                }
            )
        else:
            fields = compare(old[key], new[key])
            if fields:
                result.append(
                    {
                        "kind": kind,
                        "change": CHANGED,
                        "key": key,
                        "old": old[key],
                        "new": new[key],
                        "fields": fields,
                    }
                )
    return result


def diff_bom(old, new):
    """List of differences from ``old`` to ``new`` (either may be ``None``
    for no BOM). Each difference is a dict with ``kind`` (component or
    operation), ``change`` (added, removed, changed), ``key``, ``old``,
    ``new`` and ``fields`` ({field: (old, new)} for a change)."""
    old = old or {}
    new = new or {}
    result = _diff_keyed(
        COMPONENT,
        _keyed_lines(old.get("lines")),
        _keyed_lines(new.get("lines")),
        _line_changes,
    )
    old_ops = {operation_ref(op): op for op in old.get("operations") or ()}
    new_ops = {operation_ref(op): op for op in new.get("operations") or ()}
    result += _diff_keyed(OPERATION, old_ops, new_ops, _operation_changes)
    return result


def summarize(differences):
    """Counts per kind and change, e.g. ``{"component": {"added": 2}}``."""
    summary = {}
    for diff in differences:
        per_kind = summary.setdefault(diff["kind"], {})
        per_kind[diff["change"]] = per_kind.get(diff["change"], 0) + 1
    return summary


def describe(diff):
    """One readable sentence for a difference (English; the model translates
    the labels it shows around it)."""
    what = "Component" if diff["kind"] == COMPONENT else "Operation"
    if diff["change"] == ADDED:
        return f"{what} {diff['key']} added{_brief(diff['kind'], diff['new'])}"
    if diff["change"] == REMOVED:
        return f"{what} {diff['key']} removed{_brief(diff['kind'], diff['old'])}"
    parts = [
        f"{field}: {format_value(old)} → {format_value(new)}"
        for field, (old, new) in sorted(diff["fields"].items())
    ]
    return f"{what} {diff['key']} changed ({'; '.join(parts)})"


def _brief(kind, value):
    if kind == COMPONENT:
        unit = value.get("unit")
        qty = format_value(value.get("quantity"))
        return f" ({qty} {unit})" if unit else f" ({qty})"
    return f" ({value.get('name')} @ {value.get('workcenter_code')})"
