# mfg.plm.change.number, with how a change links to its releases (one concern)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An engineering change order and the item/BOM releases that carry its change
number, whatever order they arrive in.

Rule (readme/USAGE.md, "Releases of an engineering change"): link both ways
when either arrives. A release finds its ECO when it is staged; an ECO adopts
the releases staged before it; approving or applying the ECO adopts again any
release of its number that is still unlinked. Stagings of one change number,
and the ECO's apply, are serialized on one row per (connector, change number):
under PostgreSQL's repeatable read, two jobs that could not see each other
collide on that row, and the later one is retried by the engine and sees the
first. An ECO is applied only with all its releases."""

import logging

import psycopg2

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.mfg_integration_base.exceptions import MfgTransientError

from .mfg_plm_change import PENDING_STATES

_logger = logging.getLogger(__name__)


class MfgPlmChangeNumber(models.Model):
    """One row per change number of a connector: the row that the stagings of
    that number (and the apply of its ECO) update, so that they serialize."""

    _name = "mfg.plm.change.number"
    _description = "Change number of a PLM connector"
    _log_access = False

    connector_id = fields.Many2one(
        "mfg.connector", required=True, ondelete="cascade", index=True
    )
    change_number = fields.Char(required=True)

    _sql_constraints = [
        (
            "connector_number_uniq",
            "unique(connector_id, change_number)",
            "One row per change number of a connector.",
        ),
    ]


class MfgPlmChange(models.Model):
    _inherit = "mfg.plm.change"

    def _plm_serialize_change_number(self, connector, change_number):
        """Take the row of ``change_number`` for this transaction. A concurrent
        transaction that took it and committed after this one began makes
        PostgreSQL refuse: MfgTransientError, and the job runs again later,
        seeing what the other one committed."""
        if not change_number:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                # Not logged by the SQL layer: a refusal here is expected and
                # handled, not an error of the database.
                self.env.cr.execute(
                    SQL(
                        """
                        INSERT INTO mfg_plm_change_number (connector_id, change_number)
                        VALUES (%s, %s)
                        ON CONFLICT (connector_id, change_number)
                        DO UPDATE SET change_number = EXCLUDED.change_number
                        """,
                        connector.id,
                        change_number,
                    ),
                    log_exceptions=False,
                )
        except (
            psycopg2.errors.SerializationFailure,
            psycopg2.errors.DeadlockDetected,
        ) as err:
            _logger.info(
                "PLM change %s of connector %s is changed by another job: retry",
                change_number,
                connector.code,
            )
            raise MfgTransientError(
                self.env._(
                    "Another job stages or applies change %s at the same time; "
                    "this one runs again.",
                    change_number,
                )
            ) from err

    def _plm_link_releases(self):
        """Adopt the releases of this ECO's change number that arrived without
        it (before it, or alongside it); returns all its releases."""
        self.ensure_one()
        if self.release_type != "change" or not self.change_number:
            return self.browse()
        orphans = self.sudo().search(
            [
                ("connector_id", "=", self.connector_id.id),
                ("release_type", "!=", "change"),
                ("change_number", "=", self.change_number),
                ("parent_id", "=", False),
                ("state", "not in", ("rejected", "superseded")),
            ]
        )
        if orphans:
            orphans.write({"parent_id": self.id})
            for release in orphans:
                release._mfg_note(
                    self.env._("Linked to engineering change order %s.", self.name)
                )
        return self.child_ids

    def _plm_pending_releases(self):
        """Releases of this ECO not yet applied (rejected and superseded ones
        are decided and do not hold it back)."""
        return self.child_ids.filtered(lambda c: c.state in PENDING_STATES)

    def _plm_approve_waiting_releases(self):
        """The ECO is approved: so are its releases waiting for approval."""
        for release in self.child_ids.filtered(lambda c: c.state == "to_approve"):
            release._plm_approve(
                self.env._("Approved with engineering change order %s.", self.name)
            )
