# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: Quality Bridge",
    "summary": "Inspections, quarantine and release of lots, nonconformances "
    "and maintenance requests",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "development_status": "Beta",
    "category": "Manufacturing/Integration",
    "depends": ["mfg_integration_base", "mrp", "stock", "maintenance", "purchase"],
    "external_dependencies": {"python": ["lxml", "MarkupSafe"]},
    "data": [
        "security/ir.model.access.csv",
        "security/quality_bridge_security.xml",
        "data/ir_sequence_data.xml",
        "wizards/mfg_quality_disposition_wizard_views.xml",
        "views/mfg_connector_views.xml",
        "views/mfg_quality_inspection_views.xml",
        "views/mfg_quality_nonconformance_views.xml",
        "views/stock_views.xml",
        "views/maintenance_views.xml",
        "views/quality_bridge_menus.xml",
    ],
    "demo": ["demo/quality_bridge_demo.xml"],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
