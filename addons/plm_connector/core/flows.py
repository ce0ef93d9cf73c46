# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The PLM connector's flows, one declaration each (ENGINE_API.md §1)."""

import os

from . import odata, xml_release

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "schemas")

ITEM_RELEASED = "plm.item.released"
BOM_RELEASED = "plm.bom.released"
CHANGE_RELEASED = "plm.change.released"

#: wire format of OData entities (Windchill-style part and BOM services); with the
#: pull transport Odoo polls them, ordered and paged by ModifiedOn and ID
ODATA = "odata"
ODATA_LABEL = "OData entities (part / BOM services)"
PULL_SPEC = {"protocol": "odata", "time_field": "ModifiedOn", "id_field": "ID"}

FLOWS = (
    {
        "code": ITEM_RELEASED,
        "label": "PLM: item released",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.plm.change",
        "handler": "_plm_receive_item",
        "xml_parser": xml_release.parse_item_release,
        "formats": [
            {"code": ODATA, "label": ODATA_LABEL, "json_parser": odata.part_to_item}
        ],
        "pull": PULL_SPEC,
    },
    {
        "code": BOM_RELEASED,
        "label": "PLM: BOM released",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.plm.change",
        "handler": "_plm_receive_bom",
        "xml_parser": xml_release.parse_bom_release,
        "formats": [
            {"code": ODATA, "label": ODATA_LABEL, "json_parser": odata.bom_to_release}
        ],
        "pull": PULL_SPEC,
    },
    {
        "code": CHANGE_RELEASED,
        "label": "PLM: engineering change released",
        "direction": "inbound",
        "schema_dir": SCHEMA_DIR,
        "model": "mfg.plm.change",
        "handler": "_plm_receive_change",
        "xml_parser": xml_release.parse_change_release,
    },
)
