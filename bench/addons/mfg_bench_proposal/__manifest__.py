# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Manufacturing Integration: benchmark prototype of a leaner intake",
    "summary": "bench/ only: the engine's webhook intake with the fixes proposed in "
    "bench/README.md, on a separate URL, so the benchmark can measure them. "
    "Never install it in a real database.",
    "version": "18.0.1.0.0",
    "license": "LGPL-3",
    "author": "Manufacturing Integration Suite contributors",
    "category": "Hidden",
    "depends": ["mfg_integration_base"],
    "data": [],
    "installable": True,
    "application": False,
}
