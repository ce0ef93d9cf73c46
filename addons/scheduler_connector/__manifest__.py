# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: Scheduler Connector",
    "summary": "Snapshots out to a finite-capacity scheduler, published schedules "
    "back in, frozen and started work protected",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "website": "https://github.com/mfg-integration/mfg-integration-suite",
    "development_status": "Beta",
    "category": "Manufacturing/Integration",
    "depends": ["mfg_integration_base", "mrp"],
    "external_dependencies": {"python": ["MarkupSafe", "pytz"]},
    "data": [
        "security/ir.model.access.csv",
        "security/scheduler_connector_security.xml",
        "data/ir_cron_data.xml",
        "views/mfg_scheduler_schedule_views.xml",
        "views/mfg_scheduler_schedule_line_views.xml",
        "views/mfg_connector_views.xml",
        "views/mrp_production_views.xml",
        "views/scheduler_connector_menus.xml",
    ],
    "demo": [],
    "installable": True,
}
