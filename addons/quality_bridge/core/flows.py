"""Flows owned by quality_bridge (pure python, no odoo)."""

import os

from . import qif

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_INSPECTION_RESULT = "quality.inspection.result"
FLOW_DISPOSITION_DECIDED = "quality.disposition.decided"
FLOW_MAINTENANCE_ALERT = "maintenance.alert"
FLOW_INSPECTION_REQUESTED = "quality.inspection.requested"
FLOW_NONCONFORMANCE_CHANGED = "quality.nonconformance.changed"
FLOW_MAINTENANCE_DONE = "maintenance.request.done"

FLOW_SPECS = {
    FLOW_INSPECTION_RESULT: {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    FLOW_DISPOSITION_DECIDED: {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    FLOW_MAINTENANCE_ALERT: {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    FLOW_INSPECTION_REQUESTED: {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    FLOW_NONCONFORMANCE_CHANGED: {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    FLOW_MAINTENANCE_DONE: {"direction": "outbound", "schema_dir": SCHEMA_DIR},
}

#: wire format code of QIF 3.0 Results on the inspection-result flow
QIF = "qif"
FLOW_SPECS[FLOW_INSPECTION_RESULT]["formats"] = {
    QIF: {"namespace": qif.NS, "parser": qif.parse_results, "xsd": qif.xsd_file}
}

# Labels for the selection_add on mfg.flow.code (kept here so they are greppable
# next to the specs they describe).
FLOW_LABELS = [
    (FLOW_INSPECTION_RESULT, "Quality: inspection result"),
    (FLOW_DISPOSITION_DECIDED, "Quality: disposition decided"),
    (FLOW_MAINTENANCE_ALERT, "Maintenance: alert"),
    (FLOW_INSPECTION_REQUESTED, "Quality: inspection requested"),
    (FLOW_NONCONFORMANCE_CHANGED, "Quality: nonconformance changed"),
    (FLOW_MAINTENANCE_DONE, "Maintenance: request done"),
]


def schema_path(flow_code, major=1):
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
