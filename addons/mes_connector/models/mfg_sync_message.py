# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbound MES flows on the message: where an exception about an MES stream
goes (the MO it names). The handlers live on mrp.production
(mrp_production_mes_events.py), declared in core/flows.py."""

from odoo import models

from ..core import flows as mes_flows


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    def _mfg_ordering_record(self):
        """A gap in an MES stream is an exception on the MO it is about."""
        self.ensure_one()
        if self.flow_id.code in mes_flows.INBOUND_FLOWS and self.ordering_key:
            production = (
                self.env["mrp.production"]
                .sudo()
                .search(
                    [
                        ("name", "=", self.ordering_key),
                        ("company_id", "=", self.company_id.id),
                    ],
                    limit=1,
                )
            )
            if production:
                return production
        return super()._mfg_ordering_record()
