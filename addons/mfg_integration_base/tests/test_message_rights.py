# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 3: no message tampering, no impersonation; the rights of each
group as the README states them."""

import json

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import MfgCommon

GROUP_MANAGER = "mfg_integration_base.mfg_integration_base_group_manager"

# Every field an attacker used, and the rest of the evidence.
TAMPERING = [
    ("payload_raw", lambda t: '{"schema_version": "1.0"}'),
    ("payload_canonical", lambda t: "{}"),
    ("headers", lambda t: "{}"),
    ("connector_id", lambda t: t.other.id),
    ("flow_id", lambda t: t.other.flow_ids.id),
    ("state", lambda t: "queued"),
    ("idempotency_key", lambda t: "forged"),
    ("direction", lambda t: "outbound"),
    ("res_id", lambda t: 1),
]


def upsert(external_id, **values):
    return {
        "schema_version": "1.0",
        "external_id": external_id,
        "values": values or {"name": f"Partner {external_id}"},
    }


class TestMessageRights(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("rights1")
        cls.other_company = cls.env["res.company"].create({"name": "Plant Two"})
        cls.other = cls._mfg_partner_upsert_connector("rights2")
        cls.other.company_id = cls.other_company
        groups = "base.group_user,"
        cls.users = {
            "integration user": cls.mfg_responsible,
            "integration manager": new_test_user(
                cls.env, login="rights_manager", groups=groups + GROUP_MANAGER
            ),
            "administrator": new_test_user(
                cls.env,
                login="rights_admin",
                groups=groups + "base.group_system," + GROUP_MANAGER,
            ),
            "technical user": cls.connector.technical_user_id,
        }

    def _failed_message(self, external_id="R1"):
        message = self._mfg_receive(
            self.connector,
            "generic.record.upsert",
            upsert(external_id, name="X", comment="not allowed"),
        )
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        return message

    def test_no_group_edits_a_message(self):
        message = self._failed_message()
        raw = message.payload_raw
        for group, user in self.users.items():
            for field, value in TAMPERING:
                with self.subTest(group=group, field=field):
                    with self.assertRaises(AccessError):
                        message.with_user(user).write({field: value(self)})
        self.assertEqual(message.payload_raw, raw)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.connector_id, self.connector)

    def test_no_group_creates_an_inbound_message(self):
        for group, user in self.users.items():
            with self.subTest(group=group), self.assertRaises(AccessError):
                self.env["mfg.sync.message"].with_user(user).create(
                    {
                        "direction": "inbound",
                        "connector_id": self.connector.id,
                        "flow_id": self.connector.flow_ids.id,
                        "flow_code": "generic.record.upsert",
                        "idempotency_key": f"forged-{user.id}",
                        "payload_raw": json.dumps(upsert("F1")),
                        "state": "queued",
                    }
                )
        message = self._failed_message("R-copy")
        with self.assertRaises(AccessError):
            message.with_user(self.users["integration manager"]).copy()

    def test_users_act_through_buttons(self):
        """Retry, replay and ignore stay open to Integration Users."""
        user = self.users["integration user"]
        message = self._failed_message("R2")
        message.with_user(user).action_retry()
        self.assertEqual(message.state, "queued")
        self._mfg_process(self.connector)
        message.with_user(user).action_replay()
        self.assertEqual(message.state, "queued")
        self._mfg_process(self.connector)
        message.with_user(user).action_ignore()
        self.assertEqual(message.state, "ignored")

    def _correct(self, user, message, payload, reason="comment removed"):
        wizard = (
            self.env["mfg.message.correction"]
            .with_user(user)
            .with_context(default_message_id=message.id)
            .create({"reason": reason})
        )
        self.assertEqual(wizard.payload_raw, message.payload_raw)
        wizard.payload_raw = json.dumps(payload)
        return wizard.action_confirm()

    def test_corrected_replay_by_manager(self):
        manager = self.users["integration manager"]
        original = self._failed_message("R3")
        raw = original.payload_raw
        action = self._correct(manager, original, upsert("R3", name="Corrected"))
        copy = self.env["mfg.sync.message"].browse(action["res_id"])
        self.assertEqual(copy.replay_of_id, original)
        self.assertEqual(original.replay_ids, copy)
        self.assertEqual(copy.create_uid, manager)
        self.assertEqual(copy.state, "queued")
        self._mfg_process(self.connector)
        self.assertEqual(copy.state, "done")
        self.assertEqual(copy.record_ref.name, "Corrected")
        # the original is evidence: untouched, and both chatters tell the story
        self.assertEqual((original.payload_raw, original.state), (raw, "failed"))
        for message, other in ((original, copy), (copy, original)):
            bodies = " ".join(message.message_ids.mapped("body"))
            self.assertIn("comment removed", bodies)
            self.assertIn(f"id {other.id}", bodies)
            self.assertIn(manager.name, bodies)

    def test_corrected_replay_refused_below_manager(self):
        original = self._failed_message("R4")
        for group in ("integration user", "technical user"):
            with self.subTest(group=group), self.assertRaises(AccessError):
                self._correct(self.users[group], original, upsert("R4"))
        self.assertFalse(original.replay_ids)
