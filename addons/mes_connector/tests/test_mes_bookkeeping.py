# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Engine bookkeeping never fails a business event (issue #12 item 4)."""

from odoo.tests import tagged

from .common import MesCommon


@tagged("post_install", "-at_install")
class TestMesBookkeeping(MesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The docs ask nothing more of a technical user than its groups: no e-mail.
        cls.connector.technical_user_id.email = False

    def test_over_consumption_is_applied_when_the_technical_user_has_no_email(self):
        mo = self._mes_create_mo(qty=1.0)  # 4 screws planned
        payload = self._mes_payload(mo, 1, product="C-SCREW", quantity=5)
        message = self._mes_send([("mes.material.consumed", payload)])
        self.assertEqual(message.state, "done", message.error_text)
        move = mo.move_raw_ids.filtered(lambda m: m.product_id == self.comp_plain)
        self.assertEqual(move.quantity, 5.0)
        notes = mo.message_ids.filtered(lambda m: "over-consumption" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        # written by the system, not by the technical user that has no address
        self.assertEqual(notes.author_id, self.env.ref("base.partner_root"))
        self.assertIn(
            "5.0 Units of [C-SCREW] MES Screw consumed, 4.0 planned", notes.body
        )
