# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: Scheduler Connector",
    "summary": "Snapshots for a finite-capacity scheduler and published schedules back, protecting frozen and started work",
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
