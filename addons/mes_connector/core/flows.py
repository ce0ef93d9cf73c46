# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows of the MES connector, declared for the engine (ENGINE_API.md §1)."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

ORDER_RELEASED = "mes.order.released"
ORDER_CHANGED = "mes.order.changed"
OPERATION_EVENT = "mes.operation.event"
MATERIAL_CONSUMED = "mes.material.consumed"
SCRAP_REPORTED = "mes.scrap.reported"
PRODUCTION_COMPLETED = "mes.production.completed"
DOWNTIME_REPORTED = "mes.downtime.reported"

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
}

FLOW_SPECS = {
    code: {"direction": "outbound", "schema_dir": SCHEMA_DIR} for code in OUTBOUND_FLOWS
}
FLOW_SPECS.update(
    {code: {"direction": "inbound", "schema_dir": SCHEMA_DIR} for code in INBOUND_FLOWS}
)


def schema_path(flow_code, major=1):
    """Path of the JSON Schema of one flow and major version."""
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
