# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo plant's data and the messages of its scenario, as pure functions.

A pump plant: PLANT-PUMP is made from a housing, an impeller (lot-tracked),
screws and a seal, machined then assembled. The PLM releases revision B of its
BOM with engineering change ECO-PLANT-7 (more screws, a gasket instead of the
seal, a pressure test). MOs go to the MES, which reports their shop-floor events
(shuffled, some sent twice); the scheduler plans them; the QMS fails the first
inspection (quarantine, nonconformance, maintenance alert) and then releases it.
"""

import random
import uuid
from datetime import timedelta

from .planner import fmt

CONNECTORS = {
    # kind: (connector code, name)
    "plm": ("plant-plm", "Plant PLM (simulator)"),
    "mes": ("plant-mes", "Plant MES (simulator)"),
    "scheduler": ("plant-aps", "Plant scheduler (simulator)"),
    "quality": ("plant-qms", "Plant QMS (simulator)"),
}

FLOWS = {
    "plm": ["plm.item.released", "plm.bom.released", "plm.change.released"],
    "mes": [
        "mes.order.released",
        "mes.operation.event",
        "mes.material.consumed",
        "mes.scrap.reported",
        "mes.production.completed",
        "mes.downtime.reported",
    ],
    "scheduler": ["scheduler.snapshot", "scheduler.schedule.published"],
    "quality": [
        "quality.inspection.result",
        "quality.disposition.decided",
        "maintenance.alert",
        "quality.inspection.requested",
        "quality.nonconformance.changed",
        "maintenance.request.done",
    ],
}

# The standards each simulated system speaks (issue 17): flow code -> flow values
B2MML_FLOWS = [code for code in FLOWS["mes"]]
FLOW_SETTINGS = {
    **{code: {"payload_format": "b2mml"} for code in B2MML_FLOWS},
    "quality.inspection.result": {"payload_format": "qif"},
    "plm.item.released": {
        "payload_format": "odata",
        "transport": "pull",
        "pull_path": "/odata/Parts",
        "interval_minutes": 1,
    },
}

# groups of each connector's technical user (xml ids), besides Internal User and
# Integration Technical User: just what its flows' handlers need
TECH_GROUPS = {
    "plm": ["mrp.group_mrp_manager"],
    "mes": ["mes_connector.mes_connector_group_technical"],
    "scheduler": ["mrp.group_mrp_user", "stock.group_stock_user"],
    "quality": [
        "stock.group_stock_user",
        "mrp.group_mrp_user",
        "purchase.group_purchase_user",
        "maintenance.group_equipment_manager",
    ],
}

FINISHED = "PLANT-PUMP"
WORKCENTERS = [
    ("PLANT-MACH", "Plant machining"),
    ("PLANT-ASM", "Plant assembly"),
    ("PLANT-TEST", "Plant test bench"),
]
# code: (name, tracking, initial stock, lot of that stock)
PRODUCTS = {
    FINISHED: ("Centrifugal pump P-200", "lot", 0, None),
    "PLANT-HOUSING": ("Pump housing", "none", 100, None),
    "PLANT-IMPELLER": ("Impeller", "lot", 100, "IMP-L1"),
    "PLANT-SCREW": ("Screw M6", "none", 1000, None),
    "PLANT-SEAL": ("Shaft seal", "none", 50, None),
    "PLANT-GASKET": ("Gasket", "none", 200, None),
}
COMPONENT_LOTS = {"PLANT-IMPELLER": "IMP-L1"}
EQUIPMENT = ("Plant press 1", "PLANT-PRESS-1", "PLANT-MACH")
CHANGE_NUMBER = "ECO-PLANT-7"
# revision A, created in Odoo as master data: (component, quantity)
BOM_A_LINES = [
    ("PLANT-HOUSING", 1),
    ("PLANT-IMPELLER", 1),
    ("PLANT-SCREW", 6),
    ("PLANT-SEAL", 1),
]
# (ref, work center, name, minutes per unit)
BOM_A_OPERATIONS = [
    ("OP10", "PLANT-MACH", "Machining", 20.0),
    ("OP20", "PLANT-ASM", "Assembly", 15.0),
]
# the MOs of the scenario: (key, hours from now to the planned start, MES plan)
ORDERS = [
    ("frozen", 1, "full"),  # inside the frozen window: the schedule may not move it
    ("second", 72, "full"),
    ("broken", 96, "bad_lot"),  # an event naming a lot Odoo does not know
    ("planned", 120, None),  # untouched by the MES: its dates are the schedule's
]
MO_QUANTITY = 2.0
FROZEN_HOURS = 4.0
UNKNOWN_LOT = "IMP-L9"


def bom_release_rev_b():
    """plm.bom.released: revision B of the pump under ECO-PLANT-7."""
    return {
        "schema_version": "1.0",
        "part_number": FINISHED,
        "revision": "B",
        "change_number": CHANGE_NUMBER,
        "supersedes_revision": "A",
        "lines": [
            {
                "component": "PLANT-HOUSING",
                "quantity": 1,
                "unit": "Units",
                "find_number": "10",
                "operation_ref": "OP10",
            },
            {
                "component": "PLANT-IMPELLER",
                "quantity": 1,
                "unit": "Units",
                "find_number": "20",
                "operation_ref": "OP20",
            },
            {
                "component": "PLANT-SCREW",
                "quantity": 8,
                "unit": "Units",
                "find_number": "30",
                "operation_ref": "OP20",
            },
            {
                "component": "PLANT-GASKET",
                "quantity": 2,
                "unit": "Units",
                "find_number": "40",
                "operation_ref": "OP20",
            },
        ],
        "operations": [
            {
                "ref": "OP10",
                "sequence": 10,
                "workcenter_code": "PLANT-MACH",
                "name": "Machining",
                "run_time": 20,
            },
            {
                "ref": "OP20",
                "sequence": 20,
                "workcenter_code": "PLANT-ASM",
                "name": "Assembly",
                "setup_time": 10,
                "run_time": 12,
                "instructions": "Fit the new gasket before the screws (ECO-PLANT-7).",
            },
            {
                "ref": "OP30",
                "sequence": 30,
                "workcenter_code": "PLANT-TEST",
                "name": "Pressure test",
                "run_time": 5,
            },
        ],
    }


def change_release():
    """plm.change.released: the engineering change itself."""
    return {
        "schema_version": "1.0",
        "change_number": CHANGE_NUMBER,
        "title": "Gasket instead of shaft seal, stronger screw pattern",
        "reason": "Field returns: leaks at the shaft seal",
        "priority": "high",
        "affected_items": [
            {"part_number": FINISHED, "from_revision": "A", "to_revision": "B"}
        ],
        "disposition": {"wip": "use_as_is", "stock": "use_as_is"},
    }


def item_release(part_number="PLANT-VALVE", revision="A", name="Relief valve"):
    return {
        "schema_version": "1.0",
        "part_number": part_number,
        "revision": revision,
        "name": name,
        "unit": "Units",
        "product_type": "storable",
        "lifecycle_state": "released",
        "manufacturers": [{"name": "ACME Valves", "part_number": "AV-" + part_number}],
    }


def finished_lot(mo_name):
    return "PUMP-" + mo_name.replace("/", "-")


def _event(mo_name, flow, **fields):
    return (flow, {"schema_version": "1.0", "ordering_key": mo_name, **fields})


def _numbered(events):
    for sequence, (_flow, payload) in enumerate(events, start=1):
        payload["sequence"] = sequence
    return events


def shop_floor_events(order, start, component_lots=None, scrap=True):
    """(flow, payload) of one MO's life on the shop floor, in order.

    ``order``: the ``mes.order.released`` payload Odoo sent. Each work order is
    started and finished; the components are consumed at their operation (the
    first one when none), one screw is scrapped at assembly, and the full
    quantity is completed in one lot named after the MO."""
    component_lots = dict(component_lots or COMPONENT_LOTS)
    mo = order["production_order"]
    workorders = sorted(order["work_orders"], key=lambda w: w["sequence"])
    clock = [start]

    def at(minutes):
        clock[0] += timedelta(minutes=minutes)
        return fmt(clock[0])

    events = []
    for index, wo in enumerate(workorders):
        ref = {"operation": wo["operation"]}
        events.append(
            _event(
                mo,
                "mes.operation.event",
                workorder=ref,
                event="started",
                timestamp=at(1),
                operator="ann",
                workcenter=wo["workcenter"],
            )
        )
        for comp in order["components"]:
            at_this = comp.get("operation_sequence") == wo["sequence"] or (
                index == 0
                and comp.get("operation_sequence")
                not in {w["sequence"] for w in workorders}
            )
            if not at_this or not comp["quantity"]:
                continue
            code = comp["product"]["code"]
            lot = comp_lot(comp, component_lots)
            fields = {
                "product": code,
                "quantity": comp["quantity"],
                "workorder": ref,
                "timestamp": at(2),
            }
            if lot:
                fields["lot"] = lot
            events.append(_event(mo, "mes.material.consumed", **fields))
        if scrap and index == len(workorders) - 1 and len(workorders) > 1:
            events.append(
                _event(
                    mo,
                    "mes.scrap.reported",
                    product="PLANT-SCREW",
                    quantity=1,
                    reason="Stripped thread",
                    workorder=ref,
                    timestamp=at(1),
                )
            )
        events.append(
            _event(
                mo,
                "mes.operation.event",
                workorder=ref,
                event="finished",
                timestamp=at(float(wo.get("expected_duration_minutes") or 10)),
            )
        )
    events.append(
        _event(
            mo,
            "mes.production.completed",
            quantity=order["quantity"],
            lot=finished_lot(mo),
            timestamp=at(2),
            final=True,
        )
    )
    return _numbered(events)


def comp_lot(component, component_lots):
    reserved = component.get("reserved_lots") or []
    if reserved:
        return reserved[0]["lot"]
    return component_lots.get(component["product"]["code"])


def bad_lot_events(order, start, product="PLANT-IMPELLER", lot=UNKNOWN_LOT):
    """The first operation starts, then a consumption names a lot Odoo lacks."""
    mo = order["production_order"]
    first = min(order["work_orders"], key=lambda w: w["sequence"])
    ref = {"operation": first["operation"]}
    return _numbered(
        [
            _event(
                mo,
                "mes.operation.event",
                workorder=ref,
                event="started",
                timestamp=fmt(start),
                operator="bob",
            ),
            _event(
                mo,
                "mes.material.consumed",
                product=product,
                quantity=1,
                lot=lot,
                workorder=ref,
                timestamp=fmt(start + timedelta(minutes=3)),
            ),
        ]
    )


def with_webhook_ids(events, seed=None):
    """[(webhook id, flow, payload)]: one id per event, kept by its copies."""
    rng = random.Random(seed)
    return [
        (
            uuid.UUID(int=rng.getrandbits(128)).hex
            if seed is not None
            else uuid.uuid4().hex,
            flow,
            payload,
        )
        for flow, payload in events
    ]


def shuffled_with_duplicates(deliveries, seed=7, duplicates=3):
    """The same deliveries scrambled, ``duplicates`` of them sent twice (with
    the same webhook id, as a sender's retry does)."""
    rng = random.Random(seed)
    stream = list(deliveries) + rng.sample(
        list(deliveries), min(duplicates, len(deliveries))
    )
    for _attempt in range(10):
        rng.shuffle(stream)
        if stream[: len(deliveries)] != list(deliveries):
            break
    return stream


def inspection_result(request, verdict, inspection_id, cause_equipment=None):
    """quality.inspection.result answering Odoo's quality.inspection.requested."""
    payload = {
        "schema_version": "1.0",
        "inspection_id": inspection_id,
        "verdict": verdict,
        "product": request["product"],
        "lot": request["lot"],
        "quantity": request["quantity"],
        "inspector": "QMS lab",
        "characteristics": [
            {
                "name": "Leak rate",
                "value": 0.8 if verdict == "fail" else 0.1,
                "unit": "ml/min",
                "lower_limit": 0,
                "upper_limit": 0.5,
            },
            {"name": "Surface", "value": "ok", "verdict": "pass"},
        ],
    }
    if request["origin"]["type"] == "production":
        payload["production"] = request["origin"]["reference"]
    if verdict == "fail":
        payload["severity"] = "major"
        payload["note"] = "Leak rate above limit at 6 bar."
        if cause_equipment:
            payload["cause"] = {"equipment": cause_equipment}
    return payload


def disposition(nonconformance, quantity, decision="release", disposition_id=None):
    return {
        "schema_version": "1.0",
        "disposition_id": disposition_id or f"DISP-{nonconformance}",
        "nonconformance": nonconformance,
        "disposition": decision,
        "quantity": quantity,
        "decided_by": "MRB board",
        "note": "Re-tested after seal seat rework: within limits.",
    }


def maintenance_alert(alert_id, equipment=EQUIPMENT[1], summary=None):
    return {
        "schema_version": "1.0",
        "alert_id": alert_id,
        "equipment": equipment,
        "summary": summary or "Spindle vibration above limit: check before next run",
        "priority": "high",
        "source": "cmms",
        "block_workcenter": False,
    }
