# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows owned by the base addon, one declaration each (ENGINE_API.md §1); the
keywords are those of ``flow_declaration.Flow``."""

import os

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

FLOWS = (
    {
        "code": "generic.record.upsert",
        "label": "Generic: record upsert",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        # a record of the flow's target model, bound to the sender's id
        "model": "mfg.external.id",
        "handler": "_mfg_receive_upsert",
    },
    {
        "code": "generic.record.changed",
        "label": "Generic: record changed (outbound)",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        "code": "messages.snapshot",
        "label": "Reconciliation: messages the sender sent",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.reconciliation",
        "handler": "_mfg_receive_snapshot",
    },
    {
        # events of any model, from event subscriptions (mfg.event.subscription)
        "code": "generic.event",
        "label": "Generic: business events (outbound)",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
    {
        # pages of records changed since the last delivered page (batch feeds)
        "code": "generic.feed",
        "label": "Generic: batch feed of changed records (outbound)",
        "direction": "outbound",
        "schema_dir": SCHEMA_DIR,
    },
)
