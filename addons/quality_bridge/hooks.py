# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Give every existing warehouse its quarantine location."""
    warehouses = env["stock.warehouse"].with_context(active_test=False).search([])
    warehouses._quality_ensure_quarantine_location()
