# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows of the PLM connector, declared for the engine (see ENGINE_API.md)."""

import os

from . import xml_release

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

ITEM_RELEASED = "plm.item.released"
BOM_RELEASED = "plm.bom.released"
CHANGE_RELEASED = "plm.change.released"

FLOW_SPECS = {
    ITEM_RELEASED: {
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "xml_parser": xml_release.parse_item_release,
    },
    BOM_RELEASED: {
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "xml_parser": xml_release.parse_bom_release,
    },
    CHANGE_RELEASED: {
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "xml_parser": xml_release.parse_change_release,
    },
}

FLOW_LABELS = {
    ITEM_RELEASED: "PLM: item released",
    BOM_RELEASED: "PLM: BOM released",
    CHANGE_RELEASED: "PLM: engineering change released",
}
