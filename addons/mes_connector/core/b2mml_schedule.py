# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound B2MML: an MO released or changed, as an ISA-95 OperationsSchedule.

- mes.order.released -> ProcessOperationsSchedule: one OperationsRequest (the MO)
  with one SegmentRequirement per work order (equipment requirement: its work
  center; material requirements: the components consumed by that operation, one
  per reserved lot; the last segment also produces the finished product).
- mes.order.changed -> ChangeOperationsSchedule (CancelOperationsSchedule when
  the MO is cancelled): the MO's state, dates and quantity in one segment
  requirement that stands for the whole order.
Element order follows the V0700 sequences (the XSD validation checks it).
"""

from .b2mml import quantity, sub, verb_document

WHOLE_ORDER = "order"


def _duration(minutes):
    """ISO 8601 duration (xsd:duration) of a number of minutes."""
    seconds = round(float(minutes) * 60)
    return (
        f"PT{seconds // 60}M{seconds % 60}S" if seconds % 60 else f"PT{seconds // 60}M"
    )


def _material(parent, ident, code, use, qty, uom, lot=None):
    requirement = sub(parent, "MaterialRequirement")
    sub(requirement, "ID", ident)
    sub(requirement, "MaterialDefinitionID", code)
    if lot:
        sub(requirement, "MaterialLotID", lot)
    sub(requirement, "MaterialUse", use)
    quantity(requirement, qty, uom)
    return requirement


def _consumed(parent, component):
    """One MaterialRequirement per reserved lot, one for what no lot covers."""
    code, uom = component["product"]["code"], component.get("uom")
    remaining = float(component["quantity"])
    for lot in component.get("reserved_lots") or []:
        _material(
            parent,
            f"{code}/{lot['lot']}",
            code,
            "Consumed",
            lot["quantity"],
            uom,
            lot["lot"],
        )
        remaining -= float(lot["quantity"])
    if remaining > 1e-9 or not component.get("reserved_lots"):
        _material(parent, code, code, "Consumed", max(remaining, 0.0), uom)


def _segment_head(segment, process_segment, definition, state, duration=None):
    sub(segment, "ProcessSegmentID", process_segment)
    if duration is not None:
        sub(segment, "Duration", _duration(duration))
    sub(segment, "OperationsDefinitionID", definition)
    sub(segment, "OperationsSegmentID", process_segment)
    sub(segment, "SegmentState", state)


def _schedule(data_area, payload, state):
    order = payload["production_order"]
    schedule = sub(data_area, "OperationsSchedule")
    sub(schedule, "ID", order)
    if payload.get("date_start"):
        sub(schedule, "StartTime", payload["date_start"])
    if payload.get("date_finished"):
        sub(schedule, "EndTime", payload["date_finished"])
    sub(schedule, "OperationsType", "Production")
    sub(schedule, "ScheduleState", state)
    request = sub(schedule, "OperationsRequest")
    sub(request, "ID", order)
    if payload.get("origin"):
        sub(request, "Description", payload["origin"])
    if payload.get("date_start"):
        sub(request, "StartTime", payload["date_start"])
    if payload.get("date_finished"):
        sub(request, "EndTime", payload["date_finished"])
    sub(request, "OperationsType", "Production")
    sub(request, "RequestState", state)
    return request


def render_order_released(payload, envelope):
    """mes.order.released canonical payload -> ProcessOperationsSchedule root."""
    root, data_area = verb_document("ProcessOperationsSchedule", "Process", envelope)
    request = _schedule(data_area, payload, "Released")
    definition = payload["product"]["code"]
    sub(request, "OperationsDefinitionID", definition)
    work_orders = sorted(payload.get("work_orders") or [], key=lambda w: w["sequence"])
    sequences = {w["sequence"] for w in work_orders}
    components = payload.get("components") or []
    if not work_orders:
        # An MO without routing is one segment that does all of it.
        work_orders = [{"sequence": None, "operation": WHOLE_ORDER}]
    last = work_orders[-1]
    for index, work_order in enumerate(work_orders):
        segment = sub(request, "SegmentRequirement")
        seq = work_order["sequence"]
        sub(segment, "ID", WHOLE_ORDER if seq is None else str(seq))
        if work_order.get("instructions"):
            sub(segment, "Description", work_order["instructions"])
        _segment_head(
            segment,
            work_order["operation"],
            definition,
            "Released",
            work_order.get("expected_duration_minutes"),
        )
        if work_order.get("workcenter"):
            equipment = sub(segment, "EquipmentRequirement")
            sub(equipment, "ID", work_order["workcenter"])
            sub(equipment, "EquipmentID", work_order["workcenter"])
        for component in components:
            op_seq = component.get("operation_sequence")
            # Components of no known operation are needed from the first one.
            if op_seq == seq or (index == 0 and op_seq not in sequences):
                _consumed(segment, component)
        if work_order is last:
            _material(
                segment,
                definition,
                definition,
                "Produced",
                payload["quantity"],
                payload.get("uom"),
                payload.get("finished_lot"),
            )
    return root


def _change_state(payload):
    if payload.get("cancelled"):
        return "Cancelled"
    if payload.get("on_hold"):
        return "Held"
    return "Released"


def render_order_changed(payload, envelope):
    """mes.order.changed canonical payload -> Change/CancelOperationsSchedule root."""
    state = _change_state(payload)
    if state == "Cancelled":
        root, data_area = verb_document("CancelOperationsSchedule", "Cancel", envelope)
    else:
        root, data_area = verb_document("ChangeOperationsSchedule", "Change", envelope)
    request = _schedule(data_area, payload, state)
    segment = sub(request, "SegmentRequirement")
    sub(segment, "ID", WHOLE_ORDER)
    sub(segment, "Description", "Changed: " + ", ".join(payload.get("changes", [])))
    if payload.get("date_start"):
        sub(segment, "EarliestStartTime", payload["date_start"])
    if payload.get("date_finished"):
        sub(segment, "LatestEndTime", payload["date_finished"])
    _segment_head(segment, WHOLE_ORDER, payload["production_order"], state)
    produced = sub(segment, "MaterialRequirement")
    sub(produced, "ID", WHOLE_ORDER)
    sub(produced, "MaterialUse", "Produced")
    quantity(produced, payload["quantity"], payload.get("uom"))
    return root
