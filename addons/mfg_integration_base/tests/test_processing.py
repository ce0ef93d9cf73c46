# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.mfg_sync_message_processing import CONFLICT_STREAK_LIMIT
from .common import MfgCommon


def upsert(external_id, seq=None, key=None, **values):
    payload = {
        "schema_version": "1.0",
        "external_id": external_id,
        "values": values or {"name": f"Partner {external_id}"},
    }
    if seq is not None:
        payload.update({"ordering_key": key or "K1", "sequence": seq})
    return payload


class TestProcessing(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "proc1", fields=("name", "email", "ref")
        )
        cls.flow = cls.connector.flow_ids
        cls.Partner = cls.env["res.partner"]

    def receive(self, payload, **kw):
        return self._mfg_receive(self.connector, "generic.record.upsert", payload, **kw)

    def partner(self, name):
        return self.Partner.search([("name", "=", name)])

    # ------------------------------------------------------------ basics
    def test_generic_upsert_creates_then_updates_bound_record(self):
        self.receive(upsert("E1", name="Acme", email="a@acme.test"))
        self._mfg_process(self.connector)
        acme = self.partner("Acme")
        self.assertEqual(acme.email, "a@acme.test")
        self.assertEqual(self.connector._mfg_external_id(acme), "E1")
        second = self.receive(upsert("E1", name="Acme", email="b@acme.test"))
        self._mfg_process(self.connector)
        self.assertEqual(second.state, "done")
        self.assertEqual(second.record_ref, acme)
        self.assertEqual(acme.email, "b@acme.test")
        self.assertEqual(len(self.partner("Acme")), 1)

    def test_unchanged_payload_is_a_noop(self):
        self.receive(upsert("E2", name="Same"))
        self._mfg_process(self.connector)
        partner = self.partner("Same")
        partner.name = "Edited in Odoo"
        self.receive(upsert("E2", name="Same"))
        self._mfg_process(self.connector)
        self.assertEqual(
            partner.name, "Edited in Odoo", "unchanged payload must not rewrite"
        )

    def test_field_not_allowed_fails_with_activity_for_responsible(self):
        message = self.receive(upsert("E3", name="X", comment="not allowed"))
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_kind, "validation")
        self.assertIn("values.comment", message.error_text)
        activity = self._mfg_exception_activities(message)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.mfg_responsible)
        self.assertFalse(self.partner("X"), "nothing half-applied")

    def test_one_bad_message_fails_alone_in_a_batch(self):
        good1 = self.receive(upsert("G1"))
        bad = self.receive(upsert("G2", name="Y", comment="nope"))
        good2 = self.receive(upsert("G3"))
        self.flow._mfg_drain()
        self.assertEqual(
            (good1.state, bad.state, good2.state), ("done", "failed", "done")
        )
        self.assertTrue(self.partner("Partner G1") and self.partner("Partner G3"))

    def test_runs_as_technical_user(self):
        self.receive(upsert("T1", name="Tech made"))
        self._mfg_process(self.connector)
        self.assertEqual(
            self.partner("Tech made").create_uid, self.connector.technical_user_id
        )

    def test_technical_user_without_rights_gets_validation_failure(self):
        self.connector.technical_user_id.groups_id -= self.env.ref(
            "base.group_partner_manager"
        )
        self.connector.technical_user_id.groups_id -= self.env.ref("base.group_user")
        message = self.receive(upsert("T2", name="Denied"))
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        self.assertFalse(self.partner("Denied"))

    def test_burst_is_drained_by_few_jobs(self):
        with trap_jobs() as trap:
            for i in range(30):
                self.receive(upsert(f"B{i}"))
                self.flow._schedule_drain()
            trap.assert_jobs_count(1, only=self.flow._mfg_drain)

    def test_batch_size_chains_next_job(self):
        self.flow.batch_size = 5
        messages = self.env["mfg.sync.message"]
        for i in range(12):
            messages |= self.receive(upsert(f"C{i}"))
        with trap_jobs() as trap:
            self.flow._mfg_drain()
            self.assertEqual(messages.mapped("state").count("done"), 5)
            trap.assert_jobs_count(1, only=self.flow._mfg_drain)

    def test_mapping_rows_translate_payload(self):
        mapping = self.env["mfg.field.mapping"]
        mapping.create(
            {"flow_id": self.flow.id, "source_path": "id", "target_path": "external_id"}
        )
        mapping.create(
            {
                "flow_id": self.flow.id,
                "source_path": "v",
                "target_path": "schema_version",
            }
        )
        mapping.create(
            {
                "flow_id": self.flow.id,
                "source_path": "nm",
                "target_path": "values.name",
                "required": True,
            }
        )
        kind = mapping.create(
            {
                "flow_id": self.flow.id,
                "source_path": "kind",
                "target_path": "values.ref",
                "transform": "value_map",
            }
        )
        self.env["mfg.value.map"].create(
            {
                "mapping_id": kind.id,
                "external_value": "S",
                "canonical_value": "SUPPLIER",
            }
        )
        ok = self.receive({"id": "M1", "v": "1.0", "nm": "Mapped", "kind": "S"})
        missing = self.receive({"id": "M2", "v": "1.0", "kind": "S"})
        unmapped = self.receive({"id": "M3", "v": "1.0", "nm": "Z", "kind": "Q"})
        self._mfg_process(self.connector)
        self.assertEqual(ok.state, "done", ok.error_text)
        self.assertEqual(self.partner("Mapped").ref, "SUPPLIER")
        self.assertEqual(missing.state, "failed")
        self.assertIn("nm", missing.error_text)
        self.assertEqual(unmapped.state, "failed")
        self.assertIn("'Q'", unmapped.error_text)

    # ---------------------------------------------------------- ordering
    def test_out_of_order_messages_park_then_apply_in_order(self):
        third = self.receive(upsert("O1", seq=3, name="v3"))
        second = self.receive(upsert("O1", seq=2, name="v2"))
        self._mfg_process(self.connector)
        self.assertEqual((third.state, second.state), ("parked", "parked"))
        first = self.receive(upsert("O1", seq=1, name="v1"))
        self._mfg_process(self.connector)
        self.assertEqual(
            (first.state, second.state, third.state), ("done", "done", "done")
        )
        self.assertEqual(self.connector._mfg_resolve("res.partner", "O1").name, "v3")
        resent = self.receive(upsert("O1", seq=2, name="v2"))
        self._mfg_process(self.connector)
        self.assertEqual(resent.state, "duplicate")
        self.assertEqual(self.connector._mfg_resolve("res.partner", "O1").name, "v3")

    def test_gap_timeout_raises_exception_then_closes(self):
        with freeze_time(fields.Datetime.now()):
            parked = self.receive(upsert("O2", seq=2, key="K2"))
            self._mfg_process(self.connector)
        self.assertEqual(parked.state, "parked")
        with freeze_time(fields.Datetime.now() + timedelta(minutes=45)):
            self.env["mfg.sync.message"]._mfg_expire_gaps()
        activity = self._mfg_exception_activities(parked)
        self.assertEqual(len(activity), 1)
        self.assertIn("sequence 1", activity.note)
        self.receive(upsert("O2", seq=1, key="K2"))
        self._mfg_process(self.connector)
        self.assertEqual(parked.state, "done")
        self.assertFalse(self._mfg_exception_activities(parked))

    def test_cron_releases_parked_when_predecessor_ignored(self):
        first = self.receive(upsert("O3", seq=1, key="K3", name="bad", comment="x"))
        second = self.receive(upsert("O3", seq=2, key="K3", name="ok"))
        self._mfg_process(self.connector)
        self.assertEqual((first.state, second.state), ("failed", "parked"))
        first.action_ignore()
        self._mfg_process(self.connector)
        self.assertEqual(second.state, "done")
        self.assertIn("Ignored by", " ".join(first.message_ids.mapped("body")))
        self.assertFalse(self._mfg_exception_activities(first))

    # ----------------------------------------------- retries and activities
    def test_transient_error_retries_with_backoff_then_dead(self):
        self.connector.max_attempts = 3
        message = self.receive(upsert("R1"))
        message._mfg_fail("transient", "lock timeout")
        self.assertEqual(message.state, "queued")
        first_delay = (message.next_attempt_at - fields.Datetime.now()).total_seconds()
        self.assertGreaterEqual(first_delay, 4)
        message._mfg_fail("transient", "lock timeout")
        self.assertEqual(message.state, "queued")
        message._mfg_fail("transient", "lock timeout")
        self.assertEqual(message.state, "dead")
        self.assertEqual(message.attempts, 3)
        self.assertEqual(len(self._mfg_exception_activities(message)), 1)

    def test_serialization_failure_is_transient(self):
        message = self.receive(upsert("R2"))

        def boom(self, message, payload):
            raise psycopg2.errors.SerializationFailure("could not serialize access")

        # the handler generic.record.upsert declares
        self.patch(type(self.env["mfg.external.id"]), "_mfg_receive_upsert", boom)
        # A conflict is no fault of the message: the drain stops, the next
        # one starts at once, told how many in a row moved nothing ...
        for streak in range(1, CONFLICT_STREAK_LIMIT):
            with trap_jobs() as trap, mute_logger("odoo.sql_db"):
                self.flow._mfg_drain(conflicts=streak - 1)
            self.assertEqual((message.state, message.attempts), ("queued", 0))
            self.assertFalse(message.error_kind)
            self.assertEqual([job.args for job in trap.enqueued_jobs], [(0, streak)])
        # ... until a streak shows it recurs: then it counts as transient.
        with mute_logger("odoo.sql_db"):
            self.flow._mfg_drain(conflicts=CONFLICT_STREAK_LIMIT - 1)
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.error_kind, "transient")
        self.assertTrue(message.next_attempt_at)

    def test_repeated_problem_updates_one_activity_and_replay_closes_it(self):
        message = self.receive(upsert("A1", name="Rep", comment="x"))
        self._mfg_process(self.connector)
        message.action_retry()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "failed")
        activities = self._mfg_exception_activities(message)
        self.assertEqual(len(activities), 1, "a repeat updates the open activity")
        self.flow.allowed_field_ids |= self.env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("name", "=", "comment")]
        )
        message.action_replay()
        self._mfg_process(self.connector)
        self.assertEqual(message.state, "done")
        self.assertFalse(
            self._mfg_exception_activities(message), "closed by the replay"
        )
        bodies = " ".join(message.message_ids.mapped("body"))
        self.assertIn("Retried by", bodies)
        self.assertIn("Replayed by", bodies)

    def test_idempotency_key_unique_in_database(self):
        self.receive(upsert("U1"), webhook_id="same-key")
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(psycopg2.errors.UniqueViolation),
            self.env.cr.savepoint(),
        ):
            self.receive(upsert("U1"), webhook_id="same-key")
            self.env.flush_all()

    def test_rejected_message_does_not_hold_the_key(self):
        rejected = self.receive(upsert("U2"), webhook_id="k-rej")
        rejected.state = "rejected"
        rejected.flush_recordset()
        again = self.receive(upsert("U2"), webhook_id="k-rej")
        self.env.flush_all()
        self.assertEqual(again.state, "queued")

    def test_dashboard_figures(self):
        for i in range(19):
            self.receive(upsert(f"D1-{i}"))
        bad = self.receive(upsert("D2", name="D", comment="x"))
        self._mfg_process(self.connector)
        self.assertEqual(bad.state, "failed")
        self.connector.invalidate_recordset()
        self.assertEqual(self.connector.stat_in_24h, 20)
        self.assertEqual(self.connector.stat_failure_rate, 5.0)
        self.assertEqual(self.connector.stat_backlog, 0)
        self.assertEqual(self.connector.health, "orange")
        dead = self.receive(upsert("D3"))
        dead.state = "dead"
        self.connector.invalidate_recordset()
        self.assertEqual(self.connector.stat_dead, 1)
        self.assertEqual(self.connector.health, "red")
        self.assertEqual(json.loads(bad.payload_canonical)["external_id"], "D2")

    def test_parked_copy_of_an_applied_sequence_becomes_duplicate(self):
        second = self.receive(upsert("O9", seq=2, key="K9", name="v2"))
        copy = self.receive(upsert("O9", seq=2, key="K9", name="v2"))
        self._mfg_process(self.connector)
        self.assertEqual((second.state, copy.state), ("parked", "parked"))
        self.receive(upsert("O9", seq=1, key="K9", name="v1"))
        self._mfg_process(self.connector)
        self.env["mfg.sync.message"]._mfg_release_parked()
        self.assertEqual(sorted([second.state, copy.state]), ["done", "duplicate"])
        self.assertEqual(self.connector._mfg_resolve("res.partner", "O9").name, "v2")
