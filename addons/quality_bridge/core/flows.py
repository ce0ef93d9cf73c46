"""quality_bridge's flows, one declaration each (ENGINE_API.md §1)."""

import os

from . import qif

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_INSPECTION_RESULT = "quality.inspection.result"
FLOW_DISPOSITION_DECIDED = "quality.disposition.decided"
FLOW_MAINTENANCE_ALERT = "maintenance.alert"
FLOW_INSPECTION_REQUESTED = "quality.inspection.requested"
FLOW_NONCONFORMANCE_CHANGED = "quality.nonconformance.changed"
FLOW_MAINTENANCE_DONE = "maintenance.request.done"

#: wire format code of QIF 3.0 Results on the inspection-result flow
QIF = "qif"

FLOWS = (
    {
        "code": FLOW_INSPECTION_RESULT,
        "label": "Quality: inspection result",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.quality.inspection",
        "handler": "_quality_receive_result",
        "formats": [
            {
                "code": QIF,
                "label": "QIF 3.0 Results",
                "namespace": qif.NS,
                "parser": qif.parse_results,
                "xsd": qif.xsd_file,
            }
        ],
    },
    {
        "code": FLOW_DISPOSITION_DECIDED,
        "label": "Quality: disposition decided",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.quality.disposition",
        "handler": "_quality_receive_decision",
    },
    {
        "code": FLOW_MAINTENANCE_ALERT,
        "label": "Maintenance: alert",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "maintenance.request",
        "handler": "_quality_receive_alert",
    },
    {
        "code": FLOW_INSPECTION_REQUESTED,
        "label": "Quality: inspection requested",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        "code": FLOW_NONCONFORMANCE_CHANGED,
        "label": "Quality: nonconformance changed",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        "code": FLOW_MAINTENANCE_DONE,
        "label": "Maintenance: request done",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
)


def schema_path(flow_code, major=1):
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
