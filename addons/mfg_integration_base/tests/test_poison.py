# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 items 1 and 5: whatever one message carries, it alone fails, with
an attempt counted and a reason a person can read; its neighbours go on."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import MfgCommon, MfgHttpCommon

# (label, payload fields; each breaks the database in another way)
POISONS = [
    # a lone surrogate: UnicodeEncodeError when the row is written
    ("lone surrogate", {"values": {"name": "a\ud800b"}}, "invalid Unicode"),
    # int4 overflow of the ordering sequence written with the outcome
    (
        "sequence out of range",
        {"ordering_key": "K-poison", "sequence": 3000000000.0},
        "does not fit the database",
    ),
    # int4 overflow inside the handler's own write
    ("field out of range", {"values": {"color": 3000000000}}, "integer out of range"),
    # NUL byte in a text value: PostgreSQL refuses it
    ("NUL in a value", {"values": {"name": "nul\x00byte"}}, "does not fit"),
]


class TestPoisonMessages(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "poison1", fields=("name", "color")
        )
        cls.flow = cls.connector.flow_ids

    def _upsert(self, external_id, **extra):
        payload = {
            "schema_version": "1.0",
            "external_id": external_id,
            "values": {"name": f"Partner {external_id}"},
        }
        payload.update(extra)
        return self._mfg_receive(self.connector, "generic.record.upsert", payload)

    def test_poison_fails_alone_with_an_attempt_and_a_reason(self):
        for label, extra, reason in POISONS:
            with self.subTest(label):
                before = self._upsert(f"{label}-before")
                poison = self._upsert(f"{label}-poison", **extra)
                after = self._upsert(f"{label}-after")
                with mute_logger(
                    "odoo.addons.mfg_integration_base.models.mfg_sync_message_processing",
                    "odoo.sql_db",
                ):
                    self.flow._mfg_drain()
                self.assertEqual(
                    (before.state, poison.state, after.state),
                    ("done", "failed", "done"),
                )
                self.assertEqual(poison.attempts, 1)
                self.assertIn(reason, poison.error_text)
                self.assertTrue(poison.processed_at, "a failed message says when")
                # the technical detail is kept apart, never in the human text
                for internal in ("LINE 1", "INSERT INTO", "UPDATE ", "VALUES ("):
                    self.assertNotIn(internal, poison.error_text)
                self.assertTrue(poison.sudo().error_technical)
                self.assertTrue(
                    self._mfg_exception_activities(poison)
                    or poison.exception_activity_id
                )
                # nothing stays due for the dispatch cron to re-run forever
                self.assertFalse(
                    self.env["mfg.sync.message"].search(
                        [("flow_id", "=", self.flow.id), ("state", "=", "queued")]
                    )
                )

    def test_technical_detail_is_for_managers_only(self):
        poison = self._upsert("tech-detail", values={"color": 3000000000})
        with mute_logger(
            "odoo.addons.mfg_integration_base.models.mfg_sync_message_processing",
            "odoo.sql_db",
        ):
            self.flow._mfg_drain()
        self.assertIn("22003", poison.sudo().error_technical)
        manager = new_test_user(
            self.env,
            login="poison_manager",
            groups="base.group_user,mfg_integration_base.mfg_integration_base_group_manager",
        )
        self.assertTrue(poison.with_user(manager).error_technical)
        with self.assertRaises(AccessError):
            poison.with_user(self.mfg_responsible).read(["error_technical"])
        self.assertTrue(poison.with_user(self.mfg_responsible).error_text)


@tagged("post_install", "-at_install")
class TestStatusTellsNoInternals(MfgHttpCommon):
    """#13 item 5: the signed status endpoint gives the sender the classified
    text, never the database's statement or values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "poison2", fields=("name", "color")
        )

    def test_status_of_a_database_error(self):
        payload = {
            "schema_version": "1.0",
            "external_id": "S-1",
            "values": {"name": "Status", "color": 3000000000},
        }
        posted = self._mfg_post(
            self.connector, "generic.record.upsert", payload, webhook_id="st-poison"
        )
        self.assertEqual(posted.status_code, 202, posted.text)
        with mute_logger(
            "odoo.addons.mfg_integration_base.models.mfg_sync_message_processing",
            "odoo.sql_db",
        ):
            self._mfg_process(self.connector)
        response = self.url_open(
            "/mfg/v1/poison2/messages/st-poison",
            headers=self._mfg_signed_headers(b""),
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["status"], "failed")
        self.assertIn("does not fit the database", body["error"])
        for internal in ("LINE", "INSERT", "UPDATE", "VALUES", "res_partner", "22003"):
            self.assertNotIn(internal, body["error"])
        self.assertTrue(body["processed_at"])
