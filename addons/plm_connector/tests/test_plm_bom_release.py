# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import UserError

from .common import PlmCommon


class TestPlmBomRelease(PlmCommon):
    def _approve_and_apply(self, change):
        change.with_user(self.approver).action_approve()
        change.with_user(self.approver).action_apply()

    def test_release_is_staged_with_its_diff_and_waits_for_approval(self):
        message = self._plm_release("plm.bom.released", self._bom_payload())
        self.assertEqual(message.state, "done", message.error_text)
        change = self._change_of(message)
        self.assertEqual(change.state, "to_approve")
        self.assertEqual(change.release_type, "bom")
        self.assertEqual(change.previous_bom_id, self.bom_a)
        self.assertEqual(change.product_tmpl_id, self.pump.product_tmpl_id)
        self.assertTrue(change.name.startswith("EC/"))
        diff = {
            (d.kind, d.change_type, d.key): (d.old_value, d.new_value)
            for d in change.diff_ids
        }
        self.assertEqual(
            diff,
            {
                # Numbers read one way, from Odoo (6.0) or the PLM (8).
                ("component", "changed", "SCREW-M6"): ("quantity: 6", "quantity: 8"),
                ("component", "added", "GASKET-5"): (False, "2 Units"),
                ("component", "removed", "SEAL-7"): ("1 Units", False),
                ("operation", "changed", "OP10"): (
                    "run_time: 10; setup_time: 0",
                    "run_time: 12.5; setup_time: 15",
                ),
                ("operation", "added", "OP20"): (False, "Pressure test @ T-TST"),
            },
        )
        self.assertIn(
            "Component SCREW-M6 changed (quantity: 6 → 8)",
            change.diff_ids.mapped("description"),
        )
        self.assertEqual(change.diff_summary, "2 added, 2 changed, 1 removed")
        # Nothing applied before approval: revision A stays in effect.
        self._assert_bom_a_untouched()
        todo = change.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.mfg_responsible)

    def test_only_approvers_approve(self):
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        with self.assertRaises(UserError):
            change.with_user(self.planner).action_approve()
        self.assertEqual(change.state, "to_approve")

    def test_apply_creates_bom_with_operations_and_archives_revision_a(self):
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self._approve_and_apply(change)
        self.assertEqual(change.state, "applied")
        self.assertEqual(change.approved_by_id, self.approver)
        new_bom = self._boms_of(self.pump)
        self.assertEqual(len(new_bom), 1)
        self.assertEqual(change.bom_ids, new_bom)
        self.assertIn("rev. B", new_bom.code)
        self.assertEqual(new_bom.plm_revision, "B")
        self.assertEqual(
            self._bom_lines(new_bom),
            {("HOUSING-10", 1), ("IMPELLER-20", 1), ("SCREW-M6", 8), ("GASKET-5", 2)},
        )
        ops = {op.plm_ref: op for op in new_bom.operation_ids}
        self.assertEqual(ops["OP10"].workcenter_id, self.wc_asm)
        self.assertEqual(ops["OP10"].time_cycle_manual, 12.5)
        self.assertEqual(ops["OP10"].plm_setup_time, 15)
        self.assertIn("Fit the gasket first.", ops["OP10"].note)
        self.assertEqual(ops["OP20"].workcenter_id, self.wc_tst)
        screw_line = new_bom.bom_line_ids.filtered(
            lambda line: line.product_id == self.screw
        )
        self.assertEqual(screw_line.operation_id, ops["OP10"])
        self.assertEqual(screw_line.plm_find_number, "30")
        self.assertFalse(self.bom_a.active)
        self.assertEqual(self.pump.product_tmpl_id.plm_revision, "B")
        self.assertEqual(self.pump.product_tmpl_id.plm_part_number, "PUMP-100")

    def test_open_orders_keep_their_bom_and_get_an_activity_for_their_planner(self):
        mo_planned = self.env["mrp.production"].create(
            {
                "product_id": self.pump.id,
                "bom_id": self.bom_a.id,
                "product_qty": 3,
                "user_id": self.planner.id,
            }
        )
        mo_planned.action_confirm()
        mo_nobody = self.env["mrp.production"].create(
            {
                "product_id": self.pump.id,
                "bom_id": self.bom_a.id,
                "product_qty": 1,
                "user_id": False,
            }
        )
        raw_before = {
            (m.product_id.default_code, m.product_uom_qty)
            for m in mo_planned.move_raw_ids
        }
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self._approve_and_apply(change)
        todo = self.env.ref("mail.mail_activity_data_todo")
        for mo, user in ((mo_planned, self.planner), (mo_nobody, self.mfg_responsible)):
            activity = mo.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            self.assertEqual(len(activity), 1)
            self.assertEqual(activity.user_id, user)
            self.assertIn("ECO-0042", activity.summary)
            self.assertIn("revision B", activity.summary)
            self.assertEqual(mo.bom_id, self.bom_a)
        self.assertEqual(
            {
                (m.product_id.default_code, m.product_uom_qty)
                for m in mo_planned.move_raw_ids
            },
            raw_before,
        )
        self.assertIn(("SCREW-M6", 18.0), raw_before)

    def test_future_effectivity_keeps_revision_a_until_that_day(self):
        with freeze_time("2026-11-02"):
            message = self._plm_release(
                "plm.bom.released", self._bom_payload(effectivity_date="2026-12-01")
            )
            change = self._change_of(message)
            change.with_user(self.approver).action_approve()
            with self.assertRaisesRegex(UserError, "takes effect on 2026-12-01"):
                change.with_user(self.approver).action_apply()
            self.env["mfg.plm.change"]._cron_apply_due()
            self.assertEqual(change.state, "approved")
            self._assert_bom_a_untouched()
        with freeze_time("2026-12-01 06:00:00"):
            self.env["mfg.plm.change"]._cron_apply_due()
            self.assertEqual(change.state, "applied")
            self.assertFalse(self.bom_a.active)
            self.assertEqual(self._boms_of(self.pump).plm_revision, "B")

    def test_auto_approve_applies_a_due_release_at_once(self):
        self.connector.plm_auto_approve = True
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self.assertEqual(change.state, "applied")
        self.assertEqual(self._boms_of(self.pump).plm_revision, "B")
        self.assertFalse(self.bom_a.active)

    def test_auto_approve_with_future_date_waits_for_the_cron(self):
        self.connector.plm_auto_approve = True
        with freeze_time("2026-11-02"):
            change = self._change_of(
                self._plm_release(
                    "plm.bom.released", self._bom_payload(effectivity_date="2026-11-20")
                )
            )
            self.assertEqual(change.state, "approved")
            self._assert_bom_a_untouched()
        with freeze_time("2026-11-20"):
            self.env["mfg.plm.change"]._cron_apply_due()
        self.assertEqual(change.state, "applied")

    def test_new_component_carried_as_item_is_created(self):
        payload = self._bom_payload()
        payload["lines"].append(
            {"component": "BLADE-21", "quantity": 6, "unit": "Units"}
        )
        payload["items"] = [
            {
                "part_number": "BLADE-21",
                "revision": "A",
                "name": "Impeller blade",
                "unit": "Units",
                "product_type": "storable",
                "manufacturers": [{"name": "ACME", "part_number": "AC-21"}],
            }
        ]
        change = self._change_of(self._plm_release("plm.bom.released", payload))
        self.assertEqual(change.problem_count, 0)
        self._approve_and_apply(change)
        blade = self.env["product.template"].search(
            [("plm_part_number", "=", "BLADE-21")]
        )
        self.assertEqual(blade.name, "Impeller blade")
        self.assertTrue(blade.is_storable)
        self.assertEqual(
            blade.plm_manufacturer_part_ids.manufacturer_part_number, "AC-21"
        )
        self.assertIn(("BLADE-21", 6), self._bom_lines(self._boms_of(self.pump)))

    def test_unknown_component_fails_validation_with_activity_for_responsible(self):
        payload = self._bom_payload()
        payload["lines"].append({"component": "GHOST-99", "quantity": 1})
        message = self._plm_release("plm.bom.released", payload)
        change = self._change_of(message)
        self.assertEqual(change.state, "received")
        self.assertEqual(change.problem_ids.mapped("code"), ["unknown_component"])
        self.assertIn("GHOST-99", change.problem_ids.message)
        activity = self._mfg_exception_activities(change)
        self.assertEqual(activity.user_id, self.mfg_responsible)
        self.assertIn("GHOST-99", activity.note)
        # Once the part exists, validating again submits the change
        # and closes the activity.
        self.env["product.product"].create(
            {"name": "Ghost", "default_code": "GHOST-99"}
        )
        change.with_user(self.approver).action_validate()
        self.assertEqual(change.state, "to_approve")
        self.assertFalse(change.problem_ids)
        self.assertFalse(self._mfg_exception_activities(change))
        self._assert_bom_a_untouched()

    def test_multi_level_release_creates_subassembly_boms(self):
        payload = self._bom_payload(
            subassemblies=[
                {
                    "part_number": "IMPELLER-20",
                    "revision": "B",
                    "lines": [
                        {"component": "SCREW-M6", "quantity": 3, "unit": "Units"}
                    ],
                },
            ]
        )
        change = self._change_of(self._plm_release("plm.bom.released", payload))
        # IMPELLER-20 has no BOM in Odoo yet: one line tells it is new.
        new_bom_line = change.diff_ids.filtered(
            lambda d: d.bom_part_number == "IMPELLER-20"
        )
        self.assertEqual(
            (new_bom_line.kind, new_bom_line.change_type, new_bom_line.new_value),
            ("bom", "new", "New BOM: 1 component line(s), 0 operation(s)"),
        )
        self.assertEqual(
            change.diff_summary, "2 added, 2 changed, 1 new BOM, 1 removed"
        )
        self._approve_and_apply(change)
        impeller_bom = self._boms_of(self.impeller)
        self.assertEqual(self._bom_lines(impeller_bom), {("SCREW-M6", 3)})
        self.assertEqual(impeller_bom.plm_revision, "B")
        self.assertEqual(len(change.bom_ids), 2)
