# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Approval to-dos follow the suite's one rule for who gets an exception
(#12 item 12, #14 item 3): the flow's responsible first."""

from odoo.tests import new_test_user

from .common import PlmCommon


class TestPlmResponsible(PlmCommon):
    def _approval_todos(self, change):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", change._name),
                ("res_id", "=", change.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("mail.mail_activity_data_todo").id,
                ),
            ]
        )

    def test_approval_todo_goes_to_the_flows_responsible(self):
        engineer = new_test_user(
            self.env, login="plm_flow_owner", groups="mrp.group_mrp_user"
        )
        self._mfg_flow(
            self.connector, "plm.item.released"
        ).responsible_user_id = engineer
        change = self._change_of(
            self._plm_release("plm.item.released", self._item_payload())
        )
        self.assertEqual(change.state, "to_approve")
        self.assertEqual(self._approval_todos(change).user_id, engineer)

    def test_approval_todo_goes_to_the_connectors_responsible(self):
        change = self._change_of(
            self._plm_release("plm.item.released", self._item_payload())
        )
        self.assertEqual(
            self._approval_todos(change).user_id, self.connector.responsible_user_id
        )
