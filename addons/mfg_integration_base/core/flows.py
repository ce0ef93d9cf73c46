"""Flows owned by the base addon."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_SPECS = {
    "generic.record.upsert": {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    "generic.record.changed": {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    "messages.snapshot": {"direction": "inbound", "schema_dir": SCHEMA_DIR},
    # Events of any model, from event subscriptions (mfg.event.subscription).
    "generic.event": {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    # Pages of records changed since the last delivered page (batch feeds).
    "generic.feed": {"direction": "outbound", "schema_dir": SCHEMA_DIR},
}
