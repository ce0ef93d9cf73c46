# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""B2MML (ISA-95, MESA V0700) of mes_connector/core: no Odoo, no database.

The official XSDs are not shipped: set MFG_B2MML_XSD_DIR to MESA's V0700 'Schema'
folder to validate the documents against them (skipped otherwise)."""

import json
import os
import pathlib

import jsonschema
import pytest
from lxml import etree
from mes_connector_core_loader import core
from mfg_integration_base_core import flow_declaration, xmldoc

flows = core.flows
DECLARED = flow_declaration.declare(flows.FLOWS)
from mes_connector_core import b2mml, b2mml_performance, b2mml_schedule  # noqa: E402

XSD_DIR = os.environ.get("MFG_B2MML_XSD_DIR")
needs_xsd = pytest.mark.skipif(
    not (XSD_DIR and os.path.isdir(XSD_DIR)),
    reason="MFG_B2MML_XSD_DIR does not name a folder of MESA's V0700 XSDs",
)
NS = b2mml.NS
ENVELOPE = {
    "document_id": "bod-1",
    "created_at": "2026-01-05T07:00:00Z",
    "sender": "Odoo",
    "receiver": "mes1",
}
RELEASED = {
    "schema_version": "1.0",
    "production_order": "WH/MO/00007",
    "product": {"code": "FG-TABLE", "name": "Table"},
    "tracking": "lot",
    "quantity": 5.0,
    "uom": "Units",
    "date_start": "2026-01-05T08:00:00Z",
    "date_finished": "2026-01-05T10:00:00Z",
    "finished_lot": "TABLE-1",
    "components": [
        {
            "product": {"code": "C-SCREW"},
            "quantity": 20.0,
            "uom": "Units",
            "operation_sequence": 2,
        },
        {
            "product": {"code": "C-BOARD"},
            "quantity": 5.0,
            "uom": "Units",
            "reserved_lots": [
                {"lot": "BOARD-1", "quantity": 3.0},
                {"lot": "BOARD-2", "quantity": 1.0},
            ],
        },
    ],
    "work_orders": [
        {
            "sequence": 1,
            "operation": "Cutting",
            "workcenter": "MES-CUT",
            "expected_duration_minutes": 30.0,
        },
        {"sequence": 2, "operation": "Assembly", "workcenter": "MES-ASM"},
    ],
}


def performance(segment, state=None, order="WH/MO/00007", verb=True):
    """A ProcessOperationsPerformance document around one SegmentResponse body."""
    response_state = f"<ResponseState>{state}</ResponseState>" if state else ""
    body = f"""<OperationsPerformance><ID>perf-1</ID>
  <OperationsResponse><ID>resp-1</ID>
    <OperationsRequestID>{order}</OperationsRequestID>{response_state}
    <SegmentResponse>{segment}</SegmentResponse>
  </OperationsResponse></OperationsPerformance>"""
    if not verb:
        bare = body.replace(
            "<OperationsPerformance>", f'<OperationsPerformance xmlns="{NS}">', 1
        )
        return f'<?xml version="1.0"?>{bare}'.encode()
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ProcessOperationsPerformance xmlns="{NS}" releaseID="V0700">
  <ApplicationArea><Sender><LogicalID>MES</LogicalID></Sender>
    <CreationDateTime>2026-01-05T08:00:05Z</CreationDateTime><BODID>bod-9</BODID>
  </ApplicationArea>
  <DataArea><Process/>{body}</DataArea>
</ProcessOperationsPerformance>""".encode()


def seq(n):
    return (
        "<SegmentData><ID>sequence</ID><Value>"
        f"<ValueString>{n}</ValueString><DataType>integer</DataType>"
        "</Value></SegmentData>"
    )


def material(use, code, qty, lot=None, other=None, description=None):
    other_attr = f' OtherValue="{other}"' if other else ""
    lot_el = f"<MaterialLotID>{lot}</MaterialLotID>" if lot else ""
    desc = f"<Description>{description}</Description>" if description else ""
    return (
        f"<MaterialActual><ID>m-{code}</ID><MaterialDefinitionID>{code}</MaterialDefinitionID>"
        f"{lot_el}{desc}<MaterialUse{other_attr}>{use}</MaterialUse>"
        f"<Quantity><QuantityString>{qty}</QuantityString><UnitOfMeasure>Units</UnitOfMeasure></Quantity>"
        "</MaterialActual>"
    )


OPERATION_STARTED = performance(
    "<ID>evt-1</ID><ActualStartTime>2026-01-05T08:00:00Z</ActualStartTime>"
    "<ProcessSegmentID>Cutting</ProcessSegmentID><SegmentRequirementID>1</SegmentRequirementID>"
    f"<SegmentState>Running</SegmentState>{seq(1)}"
    "<PersonnelActual><ID>p</ID><PersonID>ann</PersonID></PersonnelActual>"
    "<EquipmentActual><ID>e</ID><EquipmentID>MES-CUT</EquipmentID></EquipmentActual>"
    "<PhysicalAssetActual><ID>pa</ID></PhysicalAssetActual>"
)
CONSUMED = performance(
    "<ID>evt-2</ID><ActualEndTime>2026-01-05T08:30:00Z</ActualEndTime>"
    f"<ProcessSegmentID>Cutting</ProcessSegmentID>{seq(2)}"
    + material("Consumed", "C-BOARD", "2.5", lot="BOARD-1")
    + material("Produced", "FG-TABLE", "1")
)
PRODUCED = performance(
    f"<ID>evt-3</ID><ActualEndTime>2026-01-05T09:30:00Z</ActualEndTime>{seq(3)}"
    + material("Produced", "FG-TABLE", "5", lot="TABLE-1"),
    state="Completed",
)
SCRAPPED = performance(
    f"<ID>evt-4</ID><ActualEndTime>2026-01-05T09:00:00Z</ActualEndTime>{seq(4)}"
    + material("Other", "C-SCREW", "3", other="Scrapped", description="bent")
)
DOWNTIME = performance(
    "<ID>evt-5</ID><ActualStartTime>2026-01-05T08:10:00Z</ActualStartTime>"
    f"<ActualEndTime>2026-01-05T08:25:00Z</ActualEndTime>{seq(5)}"
    "<SegmentData><ID>reason</ID><Value><ValueString>JAM</ValueString></Value></SegmentData>"
    "<EquipmentActual><ID>e</ID><EquipmentID>MES-CUT</EquipmentID></EquipmentActual>"
)


def parse(flow_code, data):
    root = xmldoc.parse(data)
    reader = xmldoc.Reader(root, NS)
    payload = DECLARED[flow_code].wire_format(flows.B2MML).parser(reader)
    schema = json.loads(pathlib.Path(flows.schema_path(flow_code)).read_text())
    jsonschema.Draft202012Validator(schema).validate(payload)
    return payload, reader.ignored()


def test_release_is_an_operations_schedule_with_segment_requirements():
    root = b2mml_schedule.render_order_released(RELEASED, ENVELOPE)
    q = {"b": NS}
    assert etree.QName(root).localname == "ProcessOperationsSchedule"
    assert root.get("releaseID") == "V0700"
    assert root.findtext("b:ApplicationArea/b:BODID", namespaces=q) == "bod-1"
    request = root.find("b:DataArea/b:OperationsSchedule/b:OperationsRequest", q)
    assert request.findtext("b:ID", namespaces=q) == "WH/MO/00007"
    segments = request.findall("b:SegmentRequirement", q)
    assert [s.findtext("b:ProcessSegmentID", namespaces=q) for s in segments] == [
        "Cutting",
        "Assembly",
    ]
    assert segments[0].findtext("b:Duration", namespaces=q) == "PT30M"
    equipment = [
        s.findtext("b:EquipmentRequirement/b:EquipmentID", namespaces=q)
        for s in segments
    ]
    assert equipment == ["MES-CUT", "MES-ASM"]

    def materials(segment):
        return [
            (
                m.findtext("b:MaterialDefinitionID", namespaces=q),
                m.findtext("b:MaterialLotID", namespaces=q),
                m.findtext("b:MaterialUse", namespaces=q),
                m.findtext("b:Quantity/b:QuantityString", namespaces=q),
            )
            for m in segment.findall("b:MaterialRequirement", q)
        ]

    # the board has no operation: the first segment needs it, by reserved lot
    assert materials(segments[0]) == [
        ("C-BOARD", "BOARD-1", "Consumed", "3"),
        ("C-BOARD", "BOARD-2", "Consumed", "1"),
        ("C-BOARD", None, "Consumed", "1"),
    ]
    assert materials(segments[1]) == [
        ("C-SCREW", None, "Consumed", "20"),
        ("FG-TABLE", "TABLE-1", "Produced", "5"),
    ]


@pytest.mark.parametrize(
    "changes, root_name, state",
    [
        ({"cancelled": False, "on_hold": True}, "ChangeOperationsSchedule", "Held"),
        (
            {"cancelled": True, "on_hold": False},
            "CancelOperationsSchedule",
            "Cancelled",
        ),
    ],
)
def test_change_and_cancel(changes, root_name, state):
    payload = {
        "schema_version": "1.0",
        "production_order": "WH/MO/00007",
        "changes": ["quantity"],
        "quantity": 7.0,
        "uom": "Units",
        **changes,
    }
    root = b2mml_schedule.render_order_changed(payload, ENVELOPE)
    q = {"b": NS}
    assert etree.QName(root).localname == root_name
    request = root.find("b:DataArea/b:OperationsSchedule/b:OperationsRequest", q)
    assert request.findtext("b:RequestState", namespaces=q) == state
    assert (
        request.findtext(
            "b:SegmentRequirement/b:MaterialRequirement/b:Quantity/b:QuantityString",
            namespaces=q,
        )
        == "7"
    )


@needs_xsd
def test_rendered_documents_validate_against_the_official_xsd():
    documents = [
        b2mml_schedule.render_order_released(RELEASED, ENVELOPE),
        b2mml_schedule.render_order_released(
            {**RELEASED, "work_orders": [], "finished_lot": None}, ENVELOPE
        ),
    ]
    change = {
        "schema_version": "1.0",
        "production_order": "WH/MO/00007",
        "changes": ["dates"],
        "quantity": 5,
        "uom": "Units",
        "cancelled": False,
        "on_hold": False,
        "date_start": "2026-01-06T08:00:00Z",
    }
    documents.append(b2mml_schedule.render_order_changed(change, ENVELOPE))
    for root in documents:
        xmldoc.validate_xsd(root, XSD_DIR, b2mml.SCHEDULE_XSD)


@needs_xsd
@pytest.mark.parametrize(
    "data", [OPERATION_STARTED, CONSUMED, PRODUCED, SCRAPPED, DOWNTIME]
)
def test_test_documents_validate_against_the_official_xsd(data):
    xmldoc.validate_xsd(xmldoc.parse(data), XSD_DIR, b2mml.PERFORMANCE_XSD)


@needs_xsd
def test_official_xsd_refuses_a_misordered_document():
    bad = CONSUMED.replace(b"<ID>evt-2</ID>", b"").replace(
        b"</SegmentResponse>", b"<ID>evt-2</ID></SegmentResponse>"
    )
    with pytest.raises(xmldoc.XmlDocumentError, match="does not validate"):
        xmldoc.validate_xsd(xmldoc.parse(bad), XSD_DIR, b2mml.PERFORMANCE_XSD)


def test_operation_started():
    payload, ignored = parse("mes.operation.event", OPERATION_STARTED)
    assert payload == {
        "schema_version": "1.0",
        "ordering_key": "WH/MO/00007",
        "sequence": 1,
        "event_id": "evt-1",
        "workorder": {"sequence": 1, "operation": "Cutting"},
        "operator": "ann",
        "event": "started",
        "timestamp": "2026-01-05T08:00:00Z",
        "workcenter": "MES-CUT",
    }
    # what the mapping does not read is reported, not applied
    prefix = "ProcessOperationsPerformance/DataArea/OperationsPerformance/"
    assert [path.split(" (")[0] for path in ignored] == [
        prefix + "ID",
        prefix + "OperationsResponse/ID",
        prefix + "OperationsResponse/SegmentResponse/PhysicalAssetActual",
    ]


@pytest.mark.parametrize(
    "state, other, event",
    [
        ("Suspended", None, "paused"),
        ("Completed", None, "finished"),
        ("Other", "Resumed", "resumed"),
    ],
)
def test_operation_states(state, other, event):
    attr = f' OtherValue="{other}"' if other else ""
    data = performance(
        "<ID>e</ID><ActualStartTime>2026-01-05T08:00:00Z</ActualStartTime>"
        "<ActualEndTime>2026-01-05T08:20:00Z</ActualEndTime>"
        f"<ProcessSegmentID>Cutting</ProcessSegmentID><SegmentState{attr}>{state}</SegmentState>{seq(2)}"
    )
    payload, _ignored = parse("mes.operation.event", data)
    assert payload["event"] == event
    expected = "2026-01-05T08:00:00Z" if event == "resumed" else "2026-01-05T08:20:00Z"
    assert payload["timestamp"] == expected


def test_material_consumed_takes_the_consumed_actual_only():
    payload, ignored = parse("mes.material.consumed", CONSUMED)
    assert payload == {
        "schema_version": "1.0",
        "ordering_key": "WH/MO/00007",
        "sequence": 2,
        "event_id": "evt-2",
        "workorder": {"operation": "Cutting"},
        "product": "C-BOARD",
        "lot": "BOARD-1",
        "quantity": 2.5,
        "uom": "Units",
        "timestamp": "2026-01-05T08:30:00Z",
    }
    assert any("MaterialActual" in path for path in ignored)


def test_production_completed_final_from_response_state():
    payload, _ignored = parse("mes.production.completed", PRODUCED)
    assert (payload["quantity"], payload["lot"], payload["final"]) == (
        5.0,
        "TABLE-1",
        True,
    )
    payload, _ignored = parse(
        "mes.production.completed", PRODUCED.replace(b"Completed", b"Running")
    )
    assert payload["final"] is False


def test_scrap_and_downtime():
    payload, _ignored = parse("mes.scrap.reported", SCRAPPED)
    assert (payload["product"], payload["quantity"], payload["reason"]) == (
        "C-SCREW",
        3.0,
        "bent",
    )
    payload, _ignored = parse("mes.downtime.reported", DOWNTIME)
    assert (
        payload["workcenter"],
        payload["reason"],
        payload["start"],
        payload["end"],
    ) == (
        "MES-CUT",
        "JAM",
        "2026-01-05T08:10:00Z",
        "2026-01-05T08:25:00Z",
    )


def test_bare_operations_performance_root():
    data = performance(
        f"<ID>e</ID><SegmentState>Running</SegmentState>{seq(1)}"
        "<ActualStartTime>2026-01-05T08:00:00Z</ActualStartTime>",
        verb=False,
    )
    root = xmldoc.parse(data)
    payload = b2mml_performance.parse_operation_event(xmldoc.Reader(root, NS))
    assert payload["sequence"] == 1


@pytest.mark.parametrize(
    "flow, data, message",
    [
        (
            "mes.material.consumed",
            CONSUMED.replace(
                b"</SegmentResponse>",
                b"</SegmentResponse><SegmentResponse><ID>x</ID></SegmentResponse>",
            ),
            "exactly one SegmentResponse",
        ),
        (
            "mes.material.consumed",
            CONSUMED.replace(b"<MaterialUse>Produced", b"<MaterialUse>Consumed"),
            "exactly one consumed MaterialActual",
        ),
        (
            "mes.material.consumed",
            CONSUMED.replace(b"2.5", b"NaN"),
            "not a finite number",
        ),
        (
            "mes.material.consumed",
            CONSUMED.replace(b"<ID>sequence</ID>", b"<ID>seq</ID>"),
            "'sequence'",
        ),
        (
            "mes.operation.event",
            OPERATION_STARTED.replace(b"Running", b"Waiting"),
            "not an operation event",
        ),
        (
            "mes.operation.event",
            OPERATION_STARTED.replace(b"WH/MO/00007", b""),
            "OperationsRequestID",
        ),
        (
            "mes.operation.event",
            OPERATION_STARTED.replace(
                b"ProcessOperationsPerformance", b"ProcessOperationsSchedule"
            ),
            "not an OperationsPerformance document",
        ),
    ],
)
def test_documents_that_do_not_map_say_why(flow, data, message):
    root = xmldoc.parse(data)
    parser = DECLARED[flow].wire_format(flows.B2MML).parser
    with pytest.raises(b2mml.B2mmlError, match=message):
        parser(xmldoc.Reader(root, NS))


ROUND_TRIP = [
    (
        "mes.operation.event",
        {
            "workorder": {"sequence": 1, "operation": "Cutting"},
            "event": "resumed",
            "timestamp": "2026-01-05T08:30:00Z",
            "operator": "ann",
            "workcenter": "MES-CUT",
        },
    ),
    (
        "mes.operation.event",
        {
            "workorder": {"operation": "Cutting"},
            "event": "paused",
            "timestamp": "2026-01-05T08:20:00Z",
        },
    ),
    (
        "mes.material.consumed",
        {"product": "C-BOARD", "quantity": 3.0, "lot": "BOARD-1", "uom": "Units"},
    ),
    ("mes.scrap.reported", {"product": "C-SCREW", "quantity": 2.0, "reason": "Bent"}),
    (
        "mes.downtime.reported",
        {
            "workcenter": "MES-CUT",
            "start": "2026-01-05T08:20:00Z",
            "end": "2026-01-05T08:30:00Z",
            "reason": "SETUP",
        },
    ),
    (
        "mes.production.completed",
        {"quantity": 2.0, "timestamp": "2026-01-05T10:20:00Z", "final": True},
    ),
    (
        "mes.production.completed",
        {
            "quantity": 3.0,
            "lot": "TABLE-1",
            "timestamp": "2026-01-05T10:15:00Z",
            "final": False,
        },
    ),
]


@pytest.mark.parametrize("flow, fields", ROUND_TRIP)
def test_rendered_events_parse_back_to_the_same_event(flow, fields):
    payload = {
        "schema_version": "1.0",
        "ordering_key": "WH/MO/00007",
        "sequence": 4,
        **fields,
    }
    root = b2mml_performance.render_event(flow, payload, ENVELOPE)
    if XSD_DIR and os.path.isdir(XSD_DIR):
        xmldoc.validate_xsd(root, XSD_DIR, b2mml.PERFORMANCE_XSD)
    parsed, ignored = parse(flow, xmldoc.serialize(root))
    parsed.pop("event_id")
    assert parsed == payload
    # only the informative ids and types of the performance are left unread
    unread = {p.split(" (")[0].rsplit("/", 1)[-1] for p in ignored}
    assert unread <= {"ID", "OperationsType"}, ignored


def test_acknowledge_follows_the_verb_and_validates():
    from mes_connector_core import b2mml_acknowledge

    payload = {
        "schema_version": "1.0",
        "ordering_key": "WH/MO/00007",
        "sequence": 2,
        "product": "C-BOARD",
        "quantity": 1.0,
    }
    root = b2mml_performance.render_event("mes.material.consumed", payload, ENVELOPE)
    request = b2mml_acknowledge.acknowledgement_request(root)
    assert request["code"] == "OnError"
    assert request["document_id"] == "bod-1"
    assert not b2mml_acknowledge.wanted(request, accepted=True)
    assert b2mml_acknowledge.wanted(request, accepted=False)
    root.find(f"{{{NS}}}DataArea/{{{NS}}}Process").set("acknowledgeCode", "Always")
    request = b2mml_acknowledge.acknowledgement_request(root)
    assert b2mml_acknowledge.wanted(request, accepted=True)
    ack = b2mml_acknowledge.render_acknowledge(
        {
            "schema_version": "1.0",
            "flow": "mes.material.consumed",
            "status": "rejected",
            "reason": "Lot X unknown",
            "ordering_key": "WH/MO/00007",
            "sequence": 2,
            **{k: v for k, v in request.items() if k != "code" and v},
        },
        ENVELOPE,
    )
    q = {"b": NS}
    assert etree.QName(ack).localname == "AcknowledgeOperationsPerformance"
    status = "b:DataArea/b:Acknowledge/b:ResponseCriteria/b:ChangeStatus/b:Code"
    assert ack.findtext(status, namespaces=q) == "Rejected"
    original = "b:DataArea/b:Acknowledge/b:OriginalApplicationArea/b:BODID"
    assert ack.findtext(original, namespaces=q) == "bod-1"
    if XSD_DIR and os.path.isdir(XSD_DIR):
        xmldoc.validate_xsd(ack, XSD_DIR, b2mml.PERFORMANCE_XSD)
    # a Sync verb asks for nothing
    sync = xmldoc.parse(
        etree.tostring(root)
        .replace(b"ProcessOperations", b"SyncOperations")
        .replace(b"<Process ", b"<Sync ")
        .replace(b"</Process>", b"</Sync>")
    )
    assert b2mml_acknowledge.acknowledgement_request(sync) is None
