# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows of the MES connector, declared for the engine (ENGINE_API.md §1)."""

import os

from . import b2mml, b2mml_acknowledge, b2mml_performance, b2mml_schedule

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

ORDER_RELEASED = "mes.order.released"
ORDER_CHANGED = "mes.order.changed"
OPERATION_EVENT = "mes.operation.event"
MATERIAL_CONSUMED = "mes.material.consumed"
SCRAP_REPORTED = "mes.scrap.reported"
PRODUCTION_COMPLETED = "mes.production.completed"
DOWNTIME_REPORTED = "mes.downtime.reported"
PERFORMANCE_ACKNOWLEDGED = "mes.performance.acknowledged"

#: queue channel of the inbound flows: events of one MO are applied one at a time
ORDERED_CHANNEL = "root.mfg.ordered"

OUTBOUND_FLOWS = (ORDER_RELEASED, ORDER_CHANGED)
INBOUND_FLOWS = (
    OPERATION_EVENT,
    MATERIAL_CONSUMED,
    SCRAP_REPORTED,
    PRODUCTION_COMPLETED,
    DOWNTIME_REPORTED,
)

FLOW_LABELS = {
    ORDER_RELEASED: "MES: order released",
    ORDER_CHANGED: "MES: order changed",
    OPERATION_EVENT: "MES: operation event",
    MATERIAL_CONSUMED: "MES: material consumed",
    SCRAP_REPORTED: "MES: scrap reported",
    PRODUCTION_COMPLETED: "MES: production completed",
    DOWNTIME_REPORTED: "MES: downtime reported",
    PERFORMANCE_ACKNOWLEDGED: "MES: B2MML performance acknowledged",
}

FLOW_SPECS = {
    code: {"direction": "outbound", "schema_dir": SCHEMA_DIR} for code in OUTBOUND_FLOWS
}
FLOW_SPECS.update(
    {code: {"direction": "inbound", "schema_dir": SCHEMA_DIR} for code in INBOUND_FLOWS}
)

# The verb model's answer to a Process verb that asks for it (outbound, B2MML)
FLOW_SPECS[PERFORMANCE_ACKNOWLEDGED] = {
    "direction": "outbound",
    "schema_dir": SCHEMA_DIR,
}

#: wire format code of B2MML (ISA-95, MESA V0700) on the connector's flows
B2MML = "b2mml"
B2MML_RENDERERS = {
    ORDER_RELEASED: b2mml_schedule.render_order_released,
    ORDER_CHANGED: b2mml_schedule.render_order_changed,
    PERFORMANCE_ACKNOWLEDGED: b2mml_acknowledge.render_acknowledge,
}
B2MML_PARSERS = {
    OPERATION_EVENT: b2mml_performance.parse_operation_event,
    MATERIAL_CONSUMED: b2mml_performance.parse_material_consumed,
    SCRAP_REPORTED: b2mml_performance.parse_scrap_reported,
    PRODUCTION_COMPLETED: b2mml_performance.parse_production_completed,
    DOWNTIME_REPORTED: b2mml_performance.parse_downtime_reported,
}
for _code, _renderer in B2MML_RENDERERS.items():
    FLOW_SPECS[_code]["formats"] = {
        B2MML: {
            "namespace": b2mml.NS,
            "renderer": _renderer,
            "xsd": b2mml.xsd_of_performance
            if _code == PERFORMANCE_ACKNOWLEDGED
            else b2mml.xsd_of_schedule,
        }
    }
for _code, _parser in B2MML_PARSERS.items():
    FLOW_SPECS[_code]["formats"] = {
        B2MML: {
            "namespace": b2mml.NS,
            "parser": _parser,
            "xsd": b2mml.xsd_of_performance,
        }
    }


def schema_path(flow_code, major=1):
    """Path of the JSON Schema of one flow and major version."""
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
