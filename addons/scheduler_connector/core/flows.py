# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduler connector's flows, one declaration each (ENGINE_API.md §1)."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOW_SNAPSHOT = "scheduler.snapshot"
FLOW_ORDER_CHANGED = "scheduler.order.changed"
FLOW_SCHEDULE_PUBLISHED = "scheduler.schedule.published"

FLOWS = (
    {
        "code": FLOW_SNAPSHOT,
        "label": "Scheduler: snapshot (MOs, work centers, calendars)",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        "code": FLOW_ORDER_CHANGED,
        "label": "Scheduler: order changed",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        "code": FLOW_SCHEDULE_PUBLISHED,
        "label": "Scheduler: schedule published",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.scheduler.schedule",
        "handler": "_scheduler_receive_published",
    },
)


def schema_path(flow_code, major=1):
    """Path of the JSON Schema of ``flow_code`` at ``major`` version."""
    return os.path.join(SCHEMA_DIR, f"{flow_code}.v{major}.json")
