# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbound B2MML: an ISA-95 OperationsPerformance document -> one canonical MES
event of the flow it was posted to (so ordering, idempotency, stock and
activities are exactly those of the JSON events).

Accepted roots: ProcessOperationsPerformance, SyncOperationsPerformance,
ChangeOperationsPerformance (verb documents) and a bare OperationsPerformance.
A document reports ONE event: one OperationsPerformance, one OperationsResponse,
one SegmentResponse (and, for material flows, one material actual of the flow's
kind). Common to every flow:

- ordering_key: OperationsResponse/OperationsRequestID (the MO we released);
- sequence: SegmentResponse/SegmentData whose ID is "sequence" (Value/ValueString);
- event_id: SegmentResponse/ID;
- workorder: SegmentRequirementID (the work order sequence we sent) and/or
  ProcessSegmentID (the operation name);
- operator: PersonnelActual/PersonID; workcenter: EquipmentActual/EquipmentID.

Each parser takes the engine's ``xmldoc.Reader`` (it records which elements were
read; what was not is logged on the message as ignored) and returns the dict.
"""

from .b2mml import B2mmlError, parse_number, quantity, sub, verb_document

PERFORMANCE_ROOTS = {
    "ProcessOperationsPerformance",
    "SyncOperationsPerformance",
    "ChangeOperationsPerformance",
    "OperationsPerformance",
}
VERBS = ("Process", "Sync", "Change")
CONSUMED_USES = {"Consumed", "Material Consumed", "Consumable"}
PRODUCED_USES = {"Produced", "Material Produced", "Yield Produced"}
SCRAP_OTHER_VALUE = "scrapped"
OPERATION_STATES = {
    "Running": "started",
    "Suspended": "paused",
    "Held": "paused",
    "Completed": "finished",
}
FINAL_RESPONSE_STATES = {"Completed", "Closed"}


def _one(reader, parent, name, where):
    found = reader.children(parent, name)
    if len(found) != 1:
        raise B2mmlError(
            f"{where} must hold exactly one {name} (found {len(found)}): "
            "one document reports one event."
        )
    return found[0]


def _local(element):
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def performance_of(reader):
    """The OperationsPerformance element of a verb document or a bare one."""
    root = reader.root
    name = _local(root)
    if name not in PERFORMANCE_ROOTS:
        raise B2mmlError(
            f"Root element {name} is not an OperationsPerformance document "
            f"(expected one of {', '.join(sorted(PERFORMANCE_ROOTS))})."
        )
    if name == "OperationsPerformance":
        return root
    area = reader.child(root, "ApplicationArea")
    if area is not None:
        # The envelope (sender, time, BOD id) is the webhook's business: the
        # signature and webhook-id identify the request.
        reader.use(area)
    data_area = reader.child(root, "DataArea")
    if data_area is None:
        raise B2mmlError(f"{name} has no DataArea.")
    for verb in VERBS:
        found = reader.child(data_area, verb)
        if found is not None:
            reader.use(found)
    return _one(reader, data_area, "OperationsPerformance", "DataArea")


def _segment_data(reader, segment, ident):
    for data in reader.children(segment, "SegmentData"):
        if (reader.text(data, "ID") or "").lower() == ident:
            reader.use(data)
            return reader.text(data, "Value", "ValueString")
    return None


def _common(reader):
    """(canonical dict with the common fields, segment response, response)."""
    performance = performance_of(reader)
    response = _one(reader, performance, "OperationsResponse", "OperationsPerformance")
    order = reader.text(response, "OperationsRequestID")
    if not order:
        raise B2mmlError(
            "OperationsResponse/OperationsRequestID (the manufacturing order) "
            "is missing."
        )
    segment = _one(reader, response, "SegmentResponse", "OperationsResponse")
    sequence_text = _segment_data(reader, segment, "sequence")
    if sequence_text is None:
        raise B2mmlError(
            "SegmentResponse has no SegmentData with ID 'sequence' "
            "(the event's position in the order's stream)."
        )
    try:
        sequence = int(sequence_text)
    except ValueError as err:
        raise B2mmlError(
            f"SegmentData 'sequence': '{sequence_text}' is not an integer."
        ) from err
    payload = {
        "schema_version": "1.0",
        "ordering_key": order,
        "sequence": sequence,
    }
    _put(payload, "event_id", reader.text(segment, "ID"))
    workorder = {}
    requirement = reader.text(segment, "SegmentRequirementID")
    if requirement and requirement.isdigit():
        workorder["sequence"] = int(requirement)
    _put(workorder, "operation", reader.text(segment, "ProcessSegmentID"))
    if workorder:
        payload["workorder"] = workorder
    personnel = reader.child(segment, "PersonnelActual")
    if personnel is not None:
        reader.text(personnel, "ID")
        _put(payload, "operator", reader.text(personnel, "PersonID"))
    return payload, segment, response


def _put(target, key, value):
    if value not in (None, ""):
        target[key] = value


def _workcenter(reader, segment):
    equipment = reader.child(segment, "EquipmentActual")
    if equipment is None:
        return None
    reader.text(equipment, "ID")
    return reader.text(equipment, "EquipmentID")


def _times(reader, segment):
    start = reader.text(segment, "ActualStartTime")
    end = reader.text(segment, "ActualEndTime")
    posted = reader.text(segment, "PostingDate") or reader.text(
        segment, "PublishedDate"
    )
    return start, end, posted


def _material_actual(reader, segment, uses, label, other_value=None):
    """The one MaterialActual whose MaterialUse is in ``uses`` (or Other with
    ``other_value``); other material actuals stay unread (logged as ignored)."""
    matches = []
    for actual in segment.iterchildren(f"{{{reader.ns}}}MaterialActual"):
        use = actual.find(f"{{{reader.ns}}}MaterialUse")
        text = (use.text or "").strip() if use is not None else ""
        other = (use.get("OtherValue") or "").strip().lower() if use is not None else ""
        if text in uses or (other_value and text == "Other" and other == other_value):
            matches.append(actual)
    if len(matches) != 1:
        raise B2mmlError(
            f"SegmentResponse must hold exactly one {label} MaterialActual "
            f"(found {len(matches)}): one document reports one event."
        )
    actual = reader.use(matches[0])
    return {
        "product": reader.text(actual, "MaterialDefinitionID"),
        "lot": reader.text(actual, "MaterialLotID"),
        "description": reader.text(actual, "Description"),
        **_quantity(reader, actual),
    }


def _quantity(reader, actual):
    quantity = reader.child(actual, "Quantity")
    if quantity is None:
        raise B2mmlError("MaterialActual has no Quantity.")
    value = parse_number(
        reader.text(quantity, "QuantityString"), "MaterialActual/Quantity"
    )
    result = {"quantity": value}
    _put(result, "uom", reader.text(quantity, "UnitOfMeasure"))
    reader.text(quantity, "DataType")
    return result


# ------------------------------------------------------------- one per flow
def parse_operation_event(reader):
    """mes.operation.event: SegmentState Running -> started, Suspended/Held ->
    paused, Completed -> finished, Other with OtherValue "Resumed" -> resumed."""
    payload, segment, _response = _common(reader)
    state = reader.child(segment, "SegmentState")
    text = (state.text or "").strip() if state is not None else ""
    if text == "Other" and (state.get("OtherValue") or "").lower() == "resumed":
        event = "resumed"
    else:
        event = OPERATION_STATES.get(text)
    if event is None:
        raise B2mmlError(
            f"SegmentState '{text or 'missing'}' is not an operation event "
            "(Running, Suspended, Held, Completed, or Other with OtherValue 'Resumed')."
        )
    payload["event"] = event
    start, end, posted = _times(reader, segment)
    timestamp = start if event in ("started", "resumed") else end
    payload["timestamp"] = timestamp or posted
    _put(payload, "workcenter", _workcenter(reader, segment))
    return _drop_none(payload)


def parse_material_consumed(reader):
    """mes.material.consumed: the MaterialActual used as Consumed."""
    payload, segment, _response = _common(reader)
    actual = _material_actual(reader, segment, CONSUMED_USES, "consumed")
    payload.update(
        {k: actual[k] for k in ("product", "lot", "quantity", "uom") if actual.get(k)}
    )
    _start, end, posted = _times(reader, segment)
    _put(payload, "timestamp", end or posted)
    return _drop_none(payload)


def parse_production_completed(reader):
    """mes.production.completed: the MaterialActual used as Produced; final when
    the OperationsResponse's ResponseState is Completed or Closed."""
    payload, segment, response = _common(reader)
    actual = _material_actual(reader, segment, PRODUCED_USES, "produced")
    payload.update({k: actual[k] for k in ("lot", "quantity", "uom") if actual.get(k)})
    _start, end, posted = _times(reader, segment)
    payload["timestamp"] = end or posted
    state = reader.text(response, "ResponseState")
    payload["final"] = state in FINAL_RESPONSE_STATES
    payload.pop("workorder", None)
    return _drop_none(payload)


def parse_scrap_reported(reader):
    """mes.scrap.reported: the MaterialActual whose MaterialUse is Other with
    OtherValue "Scrapped" (V0700 has no scrap use); its Description is the reason."""
    payload, segment, _response = _common(reader)
    actual = _material_actual(
        reader, segment, (), "scrapped", other_value=SCRAP_OTHER_VALUE
    )
    payload.update(
        {k: actual[k] for k in ("product", "lot", "quantity", "uom") if actual.get(k)}
    )
    _put(payload, "reason", actual.get("description"))
    _start, end, posted = _times(reader, segment)
    _put(payload, "timestamp", end or posted)
    return _drop_none(payload)


def parse_downtime_reported(reader):
    """mes.downtime.reported: EquipmentActual is the work center, the segment's
    actual start/end the downtime, SegmentData "reason" the loss reason code."""
    payload, segment, _response = _common(reader)
    _put(payload, "workcenter", _workcenter(reader, segment))
    start, end, _posted = _times(reader, segment)
    _put(payload, "start", start)
    _put(payload, "end", end)
    _put(payload, "reason", _segment_data(reader, segment, "reason"))
    _put(payload, "description", reader.text(segment, "Description"))
    return _drop_none(payload)


def _drop_none(payload):
    return {k: v for k, v in payload.items() if v is not None}


# ------------------------------------------------------------------ inverse
def render_event(flow_code, payload, envelope):
    """Canonical MES event -> ProcessOperationsPerformance root: what an MES that
    speaks B2MML sends (the simulated MES and the tests use it; parsing it back
    gives the same event)."""
    root, data_area = verb_document(
        "ProcessOperationsPerformance", "Process", envelope, acknowledgeCode="OnError"
    )
    performance = sub(data_area, "OperationsPerformance")
    sub(performance, "ID", f"{payload['ordering_key']}/{payload['sequence']}")
    sub(performance, "OperationsType", "Production")
    response = sub(performance, "OperationsResponse")
    sub(response, "ID", f"{payload['ordering_key']}/{payload['sequence']}")
    sub(response, "OperationsType", "Production")
    sub(response, "OperationsRequestID", payload["ordering_key"])
    if flow_code == "mes.production.completed":
        sub(
            response,
            "ResponseState",
            "Completed" if payload.get("final") else "Running",
        )
    segment = sub(response, "SegmentResponse")
    sub(
        segment,
        "ID",
        payload.get("event_id") or f"{payload['ordering_key']}/{payload['sequence']}",
    )
    if flow_code == "mes.downtime.reported" and payload.get("description"):
        sub(segment, "Description", payload["description"])
    start, end = _event_times(flow_code, payload)
    if start:
        sub(segment, "ActualStartTime", start)
    if end:
        sub(segment, "ActualEndTime", end)
    workorder = payload.get("workorder") or {}
    if workorder.get("operation"):
        sub(segment, "ProcessSegmentID", workorder["operation"])
    if "sequence" in workorder:
        sub(segment, "SegmentRequirementID", str(workorder["sequence"]))
    if flow_code == "mes.operation.event":
        _render_state(segment, payload["event"])
    _segment_data_element(segment, "sequence", payload["sequence"], "integer")
    if flow_code == "mes.downtime.reported":
        _segment_data_element(segment, "reason", payload["reason"], "string")
    if payload.get("operator"):
        personnel = sub(segment, "PersonnelActual")
        sub(personnel, "ID", payload["operator"])
        sub(personnel, "PersonID", payload["operator"])
    if payload.get("workcenter"):
        equipment = sub(segment, "EquipmentActual")
        sub(equipment, "ID", payload["workcenter"])
        sub(equipment, "EquipmentID", payload["workcenter"])
    if flow_code in MATERIAL_USES:
        _render_material(segment, flow_code, payload)
    return root


#: MaterialUse (and OtherValue) of the material actual of each material flow
MATERIAL_USES = {
    "mes.material.consumed": ("Consumed", None),
    "mes.production.completed": ("Produced", None),
    "mes.scrap.reported": ("Other", "Scrapped"),
}


def _event_times(flow_code, payload):
    if flow_code == "mes.downtime.reported":
        return payload["start"], payload["end"]
    if flow_code == "mes.operation.event" and payload["event"] in (
        "started",
        "resumed",
    ):
        return payload["timestamp"], None
    return None, payload.get("timestamp")


def _render_state(segment, event):
    if event == "resumed":
        sub(segment, "SegmentState", "Other", OtherValue="Resumed")
        return
    states = {"started": "Running", "paused": "Suspended", "finished": "Completed"}
    sub(segment, "SegmentState", states[event])


def _segment_data_element(segment, ident, value, data_type):
    data = sub(segment, "SegmentData")
    sub(data, "ID", ident)
    holder = sub(data, "Value")
    sub(holder, "ValueString", value)
    sub(holder, "DataType", data_type)


def _render_material(segment, flow_code, payload):
    use, other = MATERIAL_USES[flow_code]
    actual = sub(segment, "MaterialActual")
    product = payload.get("product") or "finished"
    sub(actual, "ID", product)
    if payload.get("product"):
        sub(actual, "MaterialDefinitionID", payload["product"])
    if payload.get("lot"):
        sub(actual, "MaterialLotID", payload["lot"])
    if flow_code == "mes.scrap.reported" and payload.get("reason"):
        sub(actual, "Description", payload["reason"])
    if other:
        sub(actual, "MaterialUse", use, OtherValue=other)
    else:
        sub(actual, "MaterialUse", use)
    quantity(actual, payload["quantity"], payload.get("uom"))
