# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: benchmark baselines",
    "summary": "Baseline routes for bench/ only (a bare route and a minimal durable "
    "intake). Never install it in a real database.",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "category": "Hidden",
    "depends": ["base", "queue_job"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
    "application": False,
}
