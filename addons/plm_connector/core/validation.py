# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Business validation of a BOM release (pure python).

The caller (the ``mfg.plm.change`` model) gathers what Odoo knows in a few
batched queries and passes it as plain data; this module decides. Each problem
is a dict ``{"code", "reference", "message"}`` a person can read.
"""

from . import bom_graph
from .bom_diff import operation_ref

UNKNOWN_COMPONENT = "unknown_component"
UNKNOWN_WORKCENTER = "unknown_workcenter"
UNKNOWN_UNIT = "unknown_unit"
UNIT_MISMATCH = "unit_mismatch"
CYCLE = "cycle"
BAD_QUANTITY = "bad_quantity"
UNKNOWN_OPERATION = "unknown_operation"
DUPLICATE_OPERATION = "duplicate_operation"
UNKNOWN_PART = "unknown_part"

PROBLEM_CODES = {
    UNKNOWN_COMPONENT: "Unknown component",
    UNKNOWN_WORKCENTER: "Unknown work center",
    UNKNOWN_UNIT: "Unknown unit of measure",
    UNIT_MISMATCH: "Unit mismatch",
    CYCLE: "Cycle in the BOM",
    BAD_QUANTITY: "Zero or negative quantity",
    UNKNOWN_OPERATION: "Unknown operation reference",
    DUPLICATE_OPERATION: "Duplicate operation",
    UNKNOWN_PART: "Unknown part",
}


def problem(code, reference, message):
    return {"code": code, "reference": str(reference or ""), "message": message}


def released_boms(payload):
    """The BOMs a release carries: the top one, then its subassemblies, each
    as ``{"part_number", "revision", "supersedes_revision", "lines",
    "operations"}``."""
    top = {
        "part_number": payload["part_number"],
        "revision": payload.get("revision"),
        "supersedes_revision": payload.get("supersedes_revision"),
        "lines": payload.get("lines") or [],
        "operations": payload.get("operations") or [],
    }
    boms = [top]
    for sub in payload.get("subassemblies") or ():
        boms.append(
            {
                "part_number": sub["part_number"],
                "revision": sub.get("revision") or payload.get("revision"),
                "supersedes_revision": sub.get("supersedes_revision"),
                "lines": sub.get("lines") or [],
                "operations": sub.get("operations") or [],
            }
        )
    return boms


def release_graph(payload):
    """``parent part -> [component parts]`` for the BOMs of a release."""
    return {
        bom["part_number"]: [str(line["component"]) for line in bom["lines"]]
        for bom in released_boms(payload)
    }


def _operation_problems(parent, operations, workcenters):
    """Problems of one BOM's operations, and the set of their references."""
    problems, refs = [], set()
    for operation in operations:
        ref = operation_ref(operation)
        if ref in refs:
            problems.append(
                problem(
                    DUPLICATE_OPERATION,
                    f"{parent}/{ref}",
                    f"BOM {parent}: operation {ref} appears twice",
                )
            )
        refs.add(ref)
        code = operation.get("workcenter_code")
        if code not in workcenters:
            problems.append(
                problem(
                    UNKNOWN_WORKCENTER,
                    f"{parent}/{ref}",
                    f"BOM {parent}, operation {ref}: work center "
                    f"code '{code}' does not exist",
                )
            )
    return problems, refs


def _component_category(component, parent, reference, known_parts, carried, units):
    """(unit category of the component or None, problems)."""
    if component in known_parts:
        return known_parts[component], []
    if component in carried:
        return units.get(carried[component].get("unit")), []
    return None, [
        problem(
            UNKNOWN_COMPONENT,
            reference,
            f"BOM {parent}: component {component} is neither in Odoo nor carried "
            "as an item by this release",
        )
    ]


def _line_problems(parent, line, refs, known_parts, carried, units):
    component = str(line["component"])
    reference = f"{parent}/{line.get('find_number') or component}"
    problems = []
    quantity = line.get("quantity")
    if quantity is None or float(quantity) <= 0:
        problems.append(
            problem(
                BAD_QUANTITY,
                reference,
                f"BOM {parent}, component {component}: quantity "
                f"must be positive, got {quantity}",
            )
        )
    if component == parent:
        problems.append(
            problem(
                CYCLE,
                reference,
                f"BOM {parent}: component {component} is its own parent",
            )
        )
    category, unknown = _component_category(
        component, parent, reference, known_parts, carried, units
    )
    problems += unknown
    unit = line.get("unit")
    if unit and unit not in units:
        problems.append(
            problem(
                UNKNOWN_UNIT,
                reference,
                f"BOM {parent}, component {component}: unit "
                f"'{unit}' does not exist in Odoo",
            )
        )
    elif unit and category is not None and units[unit] != category:
        problems.append(
            problem(
                UNIT_MISMATCH,
                reference,
                f"BOM {parent}, component {component}: unit "
                f"'{unit}' is not in the component's unit category",
            )
        )
    op_ref = line.get("operation_ref")
    if op_ref and str(op_ref) not in refs:
        problems.append(
            problem(
                UNKNOWN_OPERATION,
                reference,
                f"BOM {parent}, component {component}: operation "
                f"'{op_ref}' is not an operation of this BOM",
            )
        )
    return problems


def validate_bom_release(payload, known_parts, units, workcenters, existing_graph=None):
    """Problems of a ``plm.bom.released`` payload.

    - ``known_parts``: ``{part_number: uom_category}`` of parts Odoo knows
      (the category may be ``None`` when not checked);
    - ``units``: ``{unit name: uom_category}`` of Odoo's units (after the value
      map turned PLM units into Odoo names);
    - ``workcenters``: set of work center codes of the company;
    - ``existing_graph``: ``{part: [components]}`` of the BOMs in effect in
      Odoo below the released parts (BOMs being replaced excluded).
    """
    problems = []
    carried = {item["part_number"]: item for item in payload.get("items") or ()}
    for item in carried.values():
        if item.get("unit") and item["unit"] not in units:
            problems.append(
                problem(
                    UNKNOWN_UNIT,
                    item["part_number"],
                    f"Item {item['part_number']}: unit "
                    f"'{item['unit']}' does not exist in Odoo",
                )
            )
    for bom in released_boms(payload):
        parent = bom["part_number"]
        if parent not in known_parts and parent not in carried:
            problems.append(
                problem(
                    UNKNOWN_PART,
                    parent,
                    f"Part {parent} is neither in Odoo nor carried "
                    "as an item by this release",
                )
            )
        found, refs = _operation_problems(parent, bom["operations"], workcenters)
        problems += found
        for line in bom["lines"]:
            problems += _line_problems(parent, line, refs, known_parts, carried, units)
    if not any(p["code"] == CYCLE for p in problems):
        graph = dict(existing_graph or {})
        graph.update(release_graph(payload))
        cycle = bom_graph.find_cycle(graph)
        if cycle:
            problems.append(
                problem(
                    CYCLE,
                    cycle[0],
                    "Cycle in the BOM: " + " → ".join(map(str, cycle)),
                )
            )
    return problems
