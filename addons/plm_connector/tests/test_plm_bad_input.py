# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each bad input of issue 4: a clear error on the message or the change, and
the BOM in effect (PUMP-100 revision A) untouched."""

import base64

import psycopg2

from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .common import PlmCommon

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<PlmRelease><BomRelease partNumber="PUMP-100" revision="B" changeNumber="&lol3;">
<Line component="SCREW-M6" quantity="1"/></BomRelease></PlmRelease>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PlmRelease><BomRelease partNumber="PUMP-100" revision="B" changeNumber="&xxe;">
<Line component="SCREW-M6" quantity="1"/></BomRelease></PlmRelease>
"""
MALFORMED = b"<PlmRelease><BomRelease partNumber='PUMP-100' revision='B'></PlmRelease>"


class TestPlmBadInput(PlmCommon):
    def _upload(self, data):
        wizard = (
            self.env["mfg.plm.xml.import.wizard"]
            .with_user(self.approver)
            .create(
                {"connector_id": self.connector.id, "xml_file": base64.b64encode(data)}
            )
        )
        return wizard.action_import()

    def _messages(self):
        return (
            self.env["mfg.sync.message"]
            .sudo()
            .search([("connector_id", "=", self.connector.id)])
        )

    def _assert_no_change(self):
        self.assertFalse(
            self.env["mfg.plm.change"].search(
                [("connector_id", "=", self.connector.id)]
            )
        )
        self._assert_bom_a_untouched()

    # ----------------------------------------------------------------- XML
    def test_malformed_xml(self):
        with self.assertRaisesRegex(UserError, "XML rejected: Malformed XML"):
            self._upload(MALFORMED)
        self.assertFalse(self._messages())
        self._assert_no_change()

    def test_entity_expansion_bomb(self):
        with self.assertRaisesRegex(
            UserError, "DOCTYPE and ENTITY declarations are not allowed"
        ):
            self._upload(BOMB)
        self._assert_no_change()

    def test_external_entity(self):
        with self.assertRaisesRegex(
            UserError, "DOCTYPE and ENTITY declarations are not allowed"
        ):
            self._upload(XXE)
        self._assert_no_change()

    # --------------------------------------------------------------- cycles
    def _assert_cycle(self, payload, expected):
        self.connector.plm_auto_approve = True
        message = self._plm_release("plm.bom.released", payload)
        change = self._change_of(message)
        self.assertEqual(change.state, "received")
        self.assertIn("cycle", change.problem_ids.mapped("code"))
        self.assertIn(expected, " ".join(change.problem_ids.mapped("message")))
        self.assertTrue(self._mfg_exception_activities(change))
        self._assert_bom_a_untouched()

    def test_component_is_its_own_parent(self):
        payload = self._bom_payload()
        payload["lines"].append({"component": "PUMP-100", "quantity": 1})
        self._assert_cycle(payload, "component PUMP-100 is its own parent")

    def test_component_is_its_own_parent_deeper_in_the_release(self):
        payload = self._bom_payload(
            subassemblies=[
                {
                    "part_number": "IMPELLER-20",
                    "lines": [{"component": "SEAL-7", "quantity": 1}],
                },
                {
                    "part_number": "SEAL-7",
                    "lines": [{"component": "PUMP-100", "quantity": 1}],
                },
            ]
        )
        self._assert_cycle(
            payload, "Cycle in the BOM: IMPELLER-20 → SEAL-7 → PUMP-100 → IMPELLER-20"
        )

    def test_component_is_its_own_parent_through_a_bom_in_odoo(self):
        # In Odoo, GASKET-5 is made of VALVE-X, itself made of PUMP-100: revision B,
        # which adds GASKET-5 to the pump, would close a loop two levels down.
        valve = self.env["product.product"].create(
            {"name": "Valve X", "default_code": "VALVE-X"}
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": valve.product_tmpl_id.id,
                "bom_line_ids": [
                    (0, 0, {"product_id": self.pump.id, "product_qty": 1})
                ],
            }
        )
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": self.gasket.product_tmpl_id.id,
                "bom_line_ids": [(0, 0, {"product_id": valve.id, "product_qty": 1})],
            }
        )
        self._assert_cycle(
            self._bom_payload(),
            f"Cycle in the BOM: GASKET-5 → VALVE-X (#{valve.product_tmpl_id.id}) "
            "→ PUMP-100 → GASKET-5",
        )

    # ------------------------------------------------------------- quantity
    def _assert_contract_refused(self, payload, path):
        message = self._plm_release("plm.bom.released", payload)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_kind, "validation")
        self.assertIn(path, message.error_details or message.error_text)
        self._assert_no_change()

    def test_zero_quantity(self):
        payload = self._bom_payload()
        payload["lines"][2]["quantity"] = 0
        self._assert_contract_refused(payload, "lines[2].quantity")

    def test_negative_quantity(self):
        payload = self._bom_payload()
        payload["lines"][0]["quantity"] = -1
        self._assert_contract_refused(payload, "lines[0].quantity")

    # -------------------------------------------------------- master data
    def test_unknown_unit(self):
        self.connector.plm_auto_approve = True
        payload = self._bom_payload()
        payload["lines"][2]["unit"] = "furlong"
        change = self._change_of(self._plm_release("plm.bom.released", payload))
        self.assertEqual(change.state, "received")
        self.assertEqual(change.problem_ids.code, "unknown_unit")
        self.assertIn("unit 'furlong' does not exist", change.problem_ids.message)
        self._assert_bom_a_untouched()

    def test_unknown_unit_on_an_item(self):
        self.connector.plm_auto_approve = True
        change = self._change_of(
            self._plm_release("plm.item.released", self._item_payload(unit="furlong"))
        )
        self.assertEqual(change.state, "received")
        self.assertEqual(change.problem_ids.code, "unknown_unit")
        self.assertIn("VALVE-30", change.problem_ids.message)
        self.assertFalse(
            self.env["product.template"].search([("default_code", "=", "VALVE-30")])
        )

    def test_unit_of_another_category(self):
        payload = self._bom_payload()
        payload["lines"][2]["unit"] = "kg"
        change = self._change_of(self._plm_release("plm.bom.released", payload))
        self.assertEqual(change.problem_ids.code, "unit_mismatch")
        self._assert_bom_a_untouched()

    def test_unknown_work_center_code(self):
        self.connector.plm_auto_approve = True
        payload = self._bom_payload()
        payload["operations"][1]["workcenter_code"] = "PAINT"
        change = self._change_of(self._plm_release("plm.bom.released", payload))
        self.assertEqual(change.state, "received")
        self.assertEqual(change.problem_ids.code, "unknown_workcenter")
        self.assertIn(
            "work center code 'PAINT' does not exist", change.problem_ids.message
        )
        self._assert_bom_a_untouched()

    # ------------------------------------------------------------ revisions
    def test_revision_older_than_current(self):
        self.connector.plm_auto_approve = True
        self.pump.product_tmpl_id.plm_revision = "C"
        self.pump.product_tmpl_id.invalidate_recordset()
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        self.assertEqual(change.state, "superseded")
        self.assertIn("older than revision C", change.message_ids[0].body)
        self.assertEqual(self._boms_of(self.pump), self.bom_a)
        self.assertTrue(self.bom_a.active)

    def test_duplicate_release_is_a_no_op(self):
        self.connector.plm_auto_approve = True
        first = self._plm_release("plm.bom.released", self._bom_payload())
        change = self._change_of(first)
        self.assertEqual(change.state, "applied")
        bom_b = self._boms_of(self.pump)
        second = self._plm_release("plm.bom.released", self._bom_payload())
        self.assertEqual(second.state, "done")
        self.assertEqual(self._change_of(second), change)
        self.assertEqual(
            self.env["mfg.plm.change"].search_count(
                [("connector_id", "=", self.connector.id)]
            ),
            1,
        )
        self.assertEqual(self._boms_of(self.pump), bom_b)
        self.assertEqual(len(self._boms_of(self.pump, active=False)), 1)

    def test_duplicate_release_is_refused_by_the_database_too(self):
        # Two jobs staging the same release at once: the unique index stops the
        # second (the engine retries it, and the retry finds the first: no-op).
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.env["mfg.plm.change"].create(
                {
                    "connector_id": self.connector.id,
                    "release_type": "bom",
                    "change_number": change.change_number,
                    "part_number": change.part_number,
                    "revision": change.revision,
                }
            )
        self.assertEqual(
            self.env["mfg.plm.change"].search_count(
                [("connector_id", "=", self.connector.id)]
            ),
            1,
        )

    def test_failed_apply_leaves_the_bom_in_effect_untouched(self):
        change = self._change_of(
            self._plm_release("plm.bom.released", self._bom_payload())
        )
        change.with_user(self.approver).action_approve()
        # The test bench is renamed between approval and application.
        self.wc_tst.code = "TST-OLD"
        boms_before = (
            self.env["mrp.bom"].with_context(active_test=False).search_count([])
        )
        result = change.with_user(self.approver).action_apply()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(change.state, "approved")
        self.assertEqual(change.problem_ids.code, "unknown_workcenter")
        self.assertIn("Not applied", change.message_ids[0].body)
        self.assertTrue(self._mfg_exception_activities(change))
        self.assertEqual(
            self.env["mrp.bom"].with_context(active_test=False).search_count([]),
            boms_before,
        )
        self._assert_bom_a_untouched()
