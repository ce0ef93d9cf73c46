# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: PLM Connector",
    "summary": "Item, BOM and engineering change releases from a PLM, "
    "with approval, effectivity and BOM diff",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "development_status": "Beta",
    "category": "Manufacturing/Integration",
    "depends": ["mfg_integration_base", "mrp"],
    "external_dependencies": {"python": ["lxml", "MarkupSafe", "psycopg2"]},
    "data": [
        "security/plm_connector_groups.xml",
        "security/ir.model.access.csv",
        "security/mfg_plm_change_security.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "views/mfg_plm_change_views.xml",
        "views/product_template_views.xml",
        "views/mrp_bom_views.xml",
        "views/mfg_connector_views.xml",
        "wizards/mfg_plm_xml_import_wizard_views.xml",
        "views/plm_connector_menus.xml",
    ],
    "demo": ["demo/plm_connector_demo.xml"],
    "installable": True,
}
