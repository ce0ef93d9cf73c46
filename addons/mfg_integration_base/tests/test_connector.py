# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import config, mute_logger

from .common import TEST_SECRET, MfgCommon

ENC_FIELDS = (
    "outbound_secret_enc",
    "inbound_secret_enc",
    "inbound_secret_previous_enc",
)
ROTATED = "whsec_" + base64.b64encode(b"rotated-signing-secret-of-32-byt").decode()


class TestConnector(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "conn1",
            flows=["generic.record.upsert"],
            auth_type="bearer",
            outbound_secret="s3cr3t-token",
        )

    def _stored(self, column):
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT {column} FROM mfg_connector WHERE id = %s", [self.connector.id]
        )
        return self.env.cr.fetchone()[0]

    def test_secrets_encrypted_at_rest_and_write_only(self):
        stored = self._stored("outbound_secret_enc")
        self.assertTrue(stored)
        self.assertNotIn("s3cr3t-token", stored)
        self.assertNotIn(TEST_SECRET, self._stored("inbound_secret_enc"))
        self.assertFalse(
            self.connector.outbound_secret, "never sent back to the client"
        )
        self.assertTrue(self.connector.outbound_secret_set)
        self.assertEqual(self.connector._get_secret("outbound_secret"), "s3cr3t-token")
        data = self.connector.read(["outbound_secret", "inbound_secret"])[0]
        self.assertFalse(data["outbound_secret"])
        self.assertFalse(data["inbound_secret"])

    def test_ciphertext_readable_by_system_only(self):
        manager = new_test_user(
            self.env,
            login="mfg_mgr",
            groups="base.group_user,mfg_integration_base.mfg_integration_base_group_manager",
        )
        with self.assertRaises(AccessError):
            self.connector.with_user(manager).read(["outbound_secret_enc"])
        self.connector.with_user(manager).outbound_secret = "rotated"
        self.assertEqual(self.connector._get_secret("outbound_secret"), "rotated")

    def test_missing_key_is_a_clear_error(self):
        with (
            patch.dict(config.options, {"mfg_secrets_key": ""}),
            patch.dict("os.environ", {"MFG_SECRETS_KEY": ""}),
        ):
            with self.assertRaisesRegex(UserError, "mfg_secrets_key"):
                self.connector._get_secret("outbound_secret")
            # saving a connector's secret: a clear error naming the key, not a
            # raw traceback (#13 item 9)
            for field in ("outbound_secret", "inbound_secret"):
                with (
                    self.subTest(field),
                    self.assertRaisesRegex(UserError, "mfg_secrets_key"),
                ):
                    self.connector.write({field: "new"})

    def test_ciphertext_never_returned_even_to_administrators(self):
        """#13 item 9: write-only means never read, grouped or exported."""
        admin = new_test_user(
            self.env,
            login="mfg_sysadmin",
            groups="base.group_user,base.group_system,"
            "mfg_integration_base.mfg_integration_base_group_manager",
        )
        connector = self.connector.with_user(admin)
        Connector = self.env["mfg.connector"].with_user(admin)
        attempts = [
            ("read", lambda f: connector.read([f])),
            ("search_read", lambda f: Connector.search_read([], [f])),
            ("read_group", lambda f: Connector.read_group([], [f], [f])),
            ("search", lambda f: Connector.search([(f, "!=", False)])),
            ("export", lambda f: connector.export_data([f])),
        ]
        for field in ENC_FIELDS:
            self.assertNotIn(field, Connector.fields_get())
            for label, attempt in attempts:
                with (
                    self.subTest(field=field, via=label),
                    self.assertRaises(AccessError),
                    mute_logger("odoo.models"),
                ):
                    attempt(field)
        data = connector.read([])[0]
        self.assertFalse(set(ENC_FIELDS) & set(data))

    def test_rotation_keeps_previous_secret_for_grace(self):
        self.connector.inbound_secret = ROTATED
        secrets = self.connector._get_inbound_secrets()
        self.assertEqual(secrets, [ROTATED, TEST_SECRET])
        self.assertTrue(self.connector.inbound_secret_previous_until)

    def test_code_must_be_url_safe(self):
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            self.env["mfg.connector"].create({"name": "Bad", "code": "has space/slash"})

    def test_active_connector_needs_technical_user(self):
        connector = self.env["mfg.connector"].create(
            {"name": "No bot", "code": "nobot"}
        )
        with self.assertRaisesRegex(ValidationError, "technical user"):
            connector.action_activate()

    def test_multi_company_rule_hides_other_company_connectors(self):
        other = self.env["res.company"].create({"name": "Plant 2"})
        user = new_test_user(
            self.env,
            login="plant2_user",
            groups="base.group_user,mfg_integration_base.mfg_integration_base_group_user",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        visible = self.env["mfg.connector"].with_user(user).search([])
        self.assertNotIn(self.connector, visible)
        other_connector = self.connector.copy(
            {"code": "conn-p2", "company_id": other.id}
        )
        self.assertIn(
            other_connector, self.env["mfg.connector"].with_user(user).search([])
        )

    def test_external_ids_resolve_within_connector_only(self):
        partner = self.env["res.partner"].create({"name": "Bound"})
        self.connector._mfg_bind(partner, "X-1", revision="B")
        other = self._mfg_create_connector("conn2")
        self.assertEqual(self.connector._mfg_resolve("res.partner", "X-1"), partner)
        self.assertFalse(other._mfg_resolve("res.partner", "X-1"))
        self.assertEqual(self.connector._mfg_binding(partner).external_revision, "B")

    def test_menus_groups_and_settings(self):
        self.assertTrue(self.env.ref("mfg_integration_base.mfg_integration_menu_root"))
        manager = self.env.ref(
            "mfg_integration_base.mfg_integration_base_group_manager"
        )
        user_group = self.env.ref(
            "mfg_integration_base.mfg_integration_base_group_user"
        )
        self.assertIn(user_group, manager.implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.users)
        settings = self.env["res.config.settings"].create(
            {
                "mfg_retention_days": 7,
                "mfg_default_responsible_id": self.mfg_responsible.id,
            }
        )
        settings.execute()
        icp = self.env["ir.config_parameter"].sudo()
        self.assertEqual(icp.get_param("mfg_integration_base.retention_days"), "7")
        new = self.env["mfg.connector"].create({"name": "New", "code": "new-one"})
        self.assertEqual(new.responsible_user_id, self.mfg_responsible)

    def test_integration_user_cannot_configure(self):
        user = new_test_user(
            self.env,
            login="mfg_plain",
            groups="base.group_user,mfg_integration_base.mfg_integration_base_group_user",
        )
        with self.assertRaises(AccessError):
            self.connector.with_user(user).write({"base_url": "http://evil.test"})
