# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows owned by the scheduler connector, merged into the engine's flow specs."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_SNAPSHOT = "scheduler.snapshot"
FLOW_ORDER_CHANGED = "scheduler.order.changed"
FLOW_SCHEDULE_PUBLISHED = "scheduler.schedule.published"

FLOW_SPECS = {
    FLOW_SNAPSHOT: {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    FLOW_ORDER_CHANGED: {"direction": "outbound", "schema_dir": SCHEMA_DIR},
    FLOW_SCHEDULE_PUBLISHED: {"direction": "inbound", "schema_dir": SCHEMA_DIR},
}

FLOW_SELECTION = [
    (FLOW_SNAPSHOT, "Scheduler: snapshot (MOs, work centers, calendars)"),
    (FLOW_ORDER_CHANGED, "Scheduler: order changed"),
    (FLOW_SCHEDULE_PUBLISHED, "Scheduler: schedule published"),
]

ORDER_EVENTS = (
    "created",
    "confirmed",
    "cancelled",
    "quantity_changed",
    "deadline_changed",
)


def schema_path(flow_code, major=1):
    """Path of the JSON Schema of ``flow_code`` at ``major`` version."""
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
