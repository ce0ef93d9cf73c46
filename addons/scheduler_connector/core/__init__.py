# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure python logic of the scheduler connector (no ``import odoo`` here)."""
