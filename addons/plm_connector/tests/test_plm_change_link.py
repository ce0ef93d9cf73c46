# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An engineering change order and its BOM release, in any order, with
approval by a person (auto-approve off) and the hourly scheduled action."""

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import TransactionCase

from odoo.addons.mfg_integration_base.exceptions import MfgTransientError

from .common import PlmCommon


class TestPlmChangeLink(PlmCommon):
    def _receive(self, flow_code, payload):
        return self._mfg_receive(self.connector, flow_code, payload)

    def _approve(self, change):
        change.with_user(self.approver).action_approve()

    def _cron(self):
        self.env["mfg.plm.change"]._cron_apply_due()

    def _bom_release_then_change_order(self):
        bom_change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        return bom_change, eco

    def _assert_bom_b_in_force(self):
        bom = self._boms_of(self.pump)
        self.assertEqual(bom.plm_revision, "B")
        self.assertIn(("SCREW-M6", 8), self._bom_lines(bom))
        self.assertFalse(self.bom_a.active)

    def test_bom_release_first_then_change_order_in_one_burst(self):
        self.assertFalse(self.connector.plm_auto_approve)
        bom_message = self._receive("plm.bom.released", self._bom_payload())
        eco_message = self._receive("plm.change.released", self._change_payload())
        # Both queued; the BOM's drain job happens to run first.
        self._mfg_flow(self.connector, "plm.bom.released")._mfg_drain()
        self._mfg_flow(self.connector, "plm.change.released")._mfg_drain()
        bom_change, eco = self._change_of(bom_message), self._change_of(eco_message)
        self.assertEqual(bom_change.parent_id, eco)
        self.assertEqual((bom_change.state, eco.state), ("to_approve", "to_approve"))
        self._approve(eco)
        self.assertEqual(bom_change.state, "approved")
        self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self._assert_bom_b_in_force()

    def test_change_order_first_then_bom_release(self):
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        bom_change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self.assertEqual(eco.child_ids, bom_change)
        self._approve(eco)
        self.assertEqual(bom_change.state, "approved")
        self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self._assert_bom_b_in_force()

    def test_approval_and_apply_adopt_a_release_linked_later(self):
        """A release staged without its link (as by a job that committed
        alongside the ECO's before this fix) is adopted on approval."""
        bom_change, eco = self._bom_release_then_change_order()
        bom_change.sudo().parent_id = False
        self._approve(eco)
        self.assertEqual(bom_change.parent_id, eco)
        self.assertEqual(bom_change.state, "approved")
        self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self._assert_bom_b_in_force()

    def test_cron_adopts_an_unlinked_release_of_an_approved_change_order(self):
        bom_change, eco = self._bom_release_then_change_order()
        self._approve(eco)
        # Unlinked and waiting, as data staged before this fix are.
        bom_change.sudo().write({"parent_id": False, "state": "to_approve"})
        self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self._assert_bom_b_in_force()

    def test_change_order_is_never_applied_before_its_release(self):
        payload = self._bom_payload()
        payload["operations"][1]["workcenter_code"] = "T-PAINT"
        bom_change = self._change_of(self._plm_release("plm.bom.released", payload))
        self.assertEqual(bom_change.state, "received")
        eco = self._change_of(
            self._plm_release("plm.change.released", self._change_payload())
        )
        self._approve(eco)
        self._cron()
        self.assertEqual(eco.state, "approved")
        self.assertIn(bom_change.name, eco.problem_ids.message)
        self._assert_bom_a_untouched()
        # The master data is fixed, the release validated: approved with its
        # ECO, and the next run applies both.
        self.env["mrp.workcenter"].create({"name": "Paint shop", "code": "T-PAINT"})
        bom_change.with_user(self.approver).action_validate()
        self.assertEqual(bom_change.state, "approved")
        self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self.assertFalse(eco.problem_ids)
        self._assert_bom_b_in_force()

    def test_change_order_waits_for_the_effectivity_of_its_release(self):
        eco = self._change_of(
            self._plm_release(
                "plm.change.released",
                self._change_payload(effectivity_date="2026-03-01"),
            )
        )
        bom_change = self._change_of(
            self._plm_release(
                "plm.bom.released", self._bom_payload(effectivity_date="2026-03-10")
            )
        )
        self._approve(eco)
        with freeze_time("2026-03-05"):
            self._cron()
        self.assertEqual((bom_change.state, eco.state), ("approved", "approved"))
        self.assertFalse(eco.problem_ids)
        self._assert_bom_a_untouched()
        with freeze_time("2026-03-10"):
            self._cron()
        self.assertEqual((bom_change.state, eco.state), ("applied", "applied"))
        self._assert_bom_b_in_force()


class TestPlmChangeNumberSerialized(TransactionCase):
    """Two jobs that stage releases of one change number at the same time, on
    two real database connections: the one that cannot see the other's
    commit is refused (retried by the engine), never linked half-way."""

    def _cursor(self):
        cr = sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cr.close)
        return cr

    def test_second_of_two_concurrent_stagings_is_retried(self):
        with self._cursor() as setup_cr:
            env = api.Environment(setup_cr, SUPERUSER_ID, {})
            connector = env["mfg.connector"].create(
                {"name": "Concurrent PLM", "code": "plm-concurrent", "kind": "plm"}
            )
            connector_id = connector.id
            setup_cr.commit()

        def cleanup():
            # Its own connection, committed: the rows above were committed too.
            with self._cursor() as cleanup_cr:
                api.Environment(cleanup_cr, SUPERUSER_ID, {})["mfg.connector"].browse(
                    connector_id
                ).unlink()
                cleanup_cr.commit()

        self.addCleanup(cleanup)
        first_cr, second_cr = self._cursor(), self._cursor()
        first = api.Environment(first_cr, SUPERUSER_ID, {})["mfg.plm.change"]
        second = api.Environment(second_cr, SUPERUSER_ID, {})["mfg.plm.change"]
        # Both jobs have begun (their snapshots are taken) ...
        first_cr.execute("SELECT 1")
        second_cr.execute("SELECT 1")
        # ... the first stages its release and commits ...
        first._plm_serialize_change_number(
            first.env["mfg.connector"].browse(connector_id), "ECO-77"
        )
        first_cr.commit()
        # ... the second, blind to it, is refused and runs again later.
        with self.assertRaises(MfgTransientError):
            second._plm_serialize_change_number(
                second.env["mfg.connector"].browse(connector_id), "ECO-77"
            )
        second_cr.rollback()
        # Its next attempt sees the first one's work and goes through.
        second._plm_serialize_change_number(
            second.env["mfg.connector"].browse(connector_id), "ECO-77"
        )
        second_cr.rollback()
