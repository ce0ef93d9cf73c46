# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pure python part of mes_connector: it never imports Odoo."""

from . import exceptions, flows, operations, payloads, timeutil
