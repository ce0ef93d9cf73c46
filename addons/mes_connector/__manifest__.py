# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: MES Connector",
    "summary": "Release manufacturing orders to an MES and apply shop-floor "
    "execution back into Odoo, in order",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "development_status": "Beta",
    "category": "Manufacturing/Integration",
    "depends": ["mfg_integration_base", "mrp"],
    "external_dependencies": {
        "python": ["jsonschema", "lxml", "MarkupSafe", "python-dateutil"]
    },
    "data": [
        "security/mes_connector_groups.xml",
        "data/mrp_workcenter_productivity_loss_data.xml",
        "views/mfg_connector_views.xml",
        "views/mrp_production_views.xml",
        "views/mrp_workorder_views.xml",
        "views/mfg_connector_site_views.xml",
        "wizards/mfg_connector_template_import_views.xml",
    ],
    "demo": [],
    "installable": True,
}
