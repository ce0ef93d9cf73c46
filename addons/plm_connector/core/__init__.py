# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure-python logic of the PLM connector (no ``import odoo`` here)."""

from . import bom_diff, bom_graph, flows, revision, validation, xml_release
