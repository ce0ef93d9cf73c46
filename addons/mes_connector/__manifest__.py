# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: MES Connector",
    "summary": "Release manufacturing orders to an MES and apply shop-floor execution back into Odoo, in order",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "category": "Manufacturing/Integration",
    "depends": ['mfg_integration_base', 'mrp'],
    "external_dependencies": {"python": []},
    "data": [],
    "demo": [],
    "installable": True,
}
