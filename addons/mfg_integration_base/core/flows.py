"""Flows owned by the base addon."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_SPECS = {
    "generic.record.upsert": {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    "generic.record.changed": {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    "messages.snapshot": {"direction": "inbound", "schema_dir": SCHEMA_DIR},
}
