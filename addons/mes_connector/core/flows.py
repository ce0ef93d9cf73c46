# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The MES connector's flows, one declaration each (ENGINE_API.md §1)."""

import os

from . import b2mml, b2mml_acknowledge, b2mml_performance, b2mml_schedule, reconcile

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

ORDER_RELEASED = "mes.order.released"
ORDER_CHANGED = "mes.order.changed"
OPERATION_EVENT = "mes.operation.event"
MATERIAL_CONSUMED = "mes.material.consumed"
SCRAP_REPORTED = "mes.scrap.reported"
PRODUCTION_COMPLETED = "mes.production.completed"
DOWNTIME_REPORTED = "mes.downtime.reported"
PERFORMANCE_ACKNOWLEDGED = "mes.performance.acknowledged"

#: queue channel of the shop-floor events (runs in root.mfg unless configured;
#: the engine applies the events of one MO one at a time, whatever its capacity)
ORDERED_CHANNEL = "root.mfg.ordered"

#: wire format code of B2MML (ISA-95, MESA V0700) on the connector's flows
B2MML = "b2mml"


def _b2mml(xsd, **functions):
    """The B2MML wire format of one flow: its parser or renderer, its XSD."""
    return {
        "code": B2MML,
        "label": "B2MML (ISA-95, MESA V0700)",
        "namespace": b2mml.NS,
        "xsd": xsd,
        **functions,
    }


def _event(code, label, handler, parser):
    """A shop-floor event: inbound, applied on the MO it names, in sequence
    order per MO; B2MML Process/SyncOperationsPerformance on the wire."""
    return {
        "code": code,
        "label": label,
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mrp.production",
        "handler": handler,
        "ordered": True,
        "channel": ORDERED_CHANNEL,
        "formats": [_b2mml(b2mml.xsd_of_performance, parser=parser)],
    }


def _release(code, label, renderer, xsd):
    """What Odoo tells the MES (outbound), in canonical JSON or B2MML."""
    return {
        "code": code,
        "label": label,
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
        "formats": [_b2mml(xsd, renderer=renderer)],
    }


def _snapshot(code, label):
    """A snapshot the MES sends to be compared with Odoo (mfg.reconciliation)."""
    return {
        "code": code,
        "label": label,
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.reconciliation",
        "handler": "_mfg_receive_snapshot",
    }


FLOWS = (
    _release(
        ORDER_RELEASED,
        "MES: order released",
        b2mml_schedule.render_order_released,
        b2mml.xsd_of_schedule,
    ),
    _release(
        ORDER_CHANGED,
        "MES: order changed",
        b2mml_schedule.render_order_changed,
        b2mml.xsd_of_schedule,
    ),
    _event(
        OPERATION_EVENT,
        "MES: operation event",
        "_mes_receive_operation_event",
        b2mml_performance.parse_operation_event,
    ),
    _event(
        MATERIAL_CONSUMED,
        "MES: material consumed",
        "_mes_receive_material_consumed",
        b2mml_performance.parse_material_consumed,
    ),
    _event(
        SCRAP_REPORTED,
        "MES: scrap reported",
        "_mes_receive_scrap_reported",
        b2mml_performance.parse_scrap_reported,
    ),
    _event(
        PRODUCTION_COMPLETED,
        "MES: production completed",
        "_mes_receive_production_completed",
        b2mml_performance.parse_production_completed,
    ),
    _event(
        DOWNTIME_REPORTED,
        "MES: downtime reported",
        "_mes_receive_downtime_reported",
        b2mml_performance.parse_downtime_reported,
    ),
    # The verb model's answer to a Process verb that asks for it
    _release(
        PERFORMANCE_ACKNOWLEDGED,
        "MES: B2MML performance acknowledged",
        b2mml_acknowledge.render_acknowledge,
        b2mml.xsd_of_performance,
    ),
    _snapshot(reconcile.INVENTORY_SNAPSHOT, "Reconciliation: stock snapshot"),
    _snapshot(reconcile.ORDER_SNAPSHOT, "Reconciliation: MES order snapshot"),
)

#: what Odoo tells the MES about an MO
OUTBOUND_FLOWS = (ORDER_RELEASED, ORDER_CHANGED)
#: the shop-floor events (ordered per MO)
INBOUND_FLOWS = tuple(f["code"] for f in FLOWS if f.get("ordered"))


def schema_path(flow_code, major=1):
    """Path of the JSON Schema of one flow and major version."""
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
