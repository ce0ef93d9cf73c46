# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Flows of the PLM connector, declared for the engine (see ENGINE_API.md)."""

import os

from . import odata, xml_release

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

#: wire format of OData entities (Windchill-style part and BOM services); with the
#: pull transport Odoo polls them, ordered and paged by ModifiedOn and ID
ODATA = "odata"
PULL_SPEC = {"protocol": "odata", "time_field": "ModifiedOn", "id_field": "ID"}
FLOW_SPECS[ITEM_RELEASED]["formats"] = {ODATA: {"json_parser": odata.part_to_item}}
FLOW_SPECS[BOM_RELEASED]["formats"] = {ODATA: {"json_parser": odata.bom_to_release}}
FLOW_SPECS[ITEM_RELEASED]["pull"] = PULL_SPEC
FLOW_SPECS[BOM_RELEASED]["pull"] = PULL_SPEC

FLOW_LABELS = {
    ITEM_RELEASED: "PLM: item released",
    BOM_RELEASED: "PLM: BOM released",
    CHANGE_RELEASED: "PLM: engineering change released",
}
