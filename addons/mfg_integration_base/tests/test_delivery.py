# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound delivery against a real receiver on 127.0.0.1: the schedule with a
frozen clock, Retry-After, 410 Gone, a long outage, re-enabling in order."""

import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from odoo.addons.queue_job.tests.common import trap_jobs

from .common import MfgCommon
from .http_server import ScriptedSystem

START = datetime(2026, 3, 2, 8, 0, 0)
UNAVAILABLE = (503, {}, {"error": "maintenance"})


class TestDelivery(MfgCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_create_connector(
            "dlv1",
            flows=["generic.record.changed"],
            auth_type="none",
            read_timeout=2.0,
            connect_timeout=1.0,
        )
        cls.flow = cls.connector.flow_ids
        cls.manager = new_test_user(
            cls.env,
            login="mfg_dlv_manager",
            groups="base.group_user,"
            "mfg_integration_base.mfg_integration_base_group_manager",
        )

    def emit(self, name, ordering_key=None, sequence=None):
        return self.connector._emit(
            "generic.record.changed",
            {"model": "res.partner", "external_id": name, "values": {"name": name}},
            ordering_key=ordering_key,
            sequence=sequence,
        )

    def names(self, system):
        return [json.loads(r["body"])["external_id"] for r in system.received]

    def drain_at(self, frozen, moment):
        frozen.move_to(moment)
        self.flow._mfg_drain()

    def endpoint_activity(self):
        return self._mfg_exception_activities(self.connector).filtered(
            lambda a: a.mfg_problem_key == f"endpoint:{self.flow.id}"
        )

    # ------------------------------------------------------------ schedule
    def test_default_schedule_is_standard_webhooks(self):
        self.assertEqual(
            self.connector._mfg_delivery_delays(),
            [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
        )

    def test_schedule_followed_with_jitter_and_not_sent_early(self):
        self.connector.write(
            {"retry_schedule": "0, 5s, 5m, 30m, 2h", "backoff_cap": 60}
        )
        steps = [5, 300, 1800, 7200]
        with ScriptedSystem() as system, freeze_time(START) as frozen:
            system.replies = [UNAVAILABLE] * 5
            self.connector.base_url = system.url
            message = self.emit("P-1")
            self.flow._mfg_drain()
            self.assertEqual(len(system.received), 1, "sent immediately")
            for number, step in enumerate(steps, start=2):
                failed_at = datetime.now()
                wait = (message.next_attempt_at - failed_at).total_seconds()
                self.assertGreaterEqual(wait, step)
                self.assertLessEqual(wait, step * 1.1 + 1, "jitter stays within 10%")
                # A second before it is due nothing is sent.
                self.drain_at(frozen, message.next_attempt_at - timedelta(seconds=1))
                self.assertEqual(len(system.received), number - 1)
                self.drain_at(frozen, message.next_attempt_at)
                self.assertEqual(len(system.received), number)
            self.assertEqual(message.attempts, 5)
        # The endpoint failed every time: an outage, so the message still
        # waits (at the last step) instead of going dead.
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.http_status, 503)

    def test_message_dead_after_schedule_while_endpoint_delivers(self):
        self.connector.retry_schedule = "0, 1s"
        with ScriptedSystem() as system, freeze_time(START) as frozen:
            system.replies = [(500, {}, {"error": "cannot map A"}), (200, {}, {})]
            self.connector.base_url = system.url
            poison = self.emit("A")
            fine = self.emit("B")
            self.flow._mfg_drain()
            self.assertEqual(fine.state, "done")
            system.replies = [(500, {}, {"error": "cannot map A"})]
            self.drain_at(frozen, poison.next_attempt_at)
        self.assertEqual(self.names(system), ["A", "B", "A"])
        self.assertEqual(poison.state, "dead")
        self.assertEqual(len(self._mfg_exception_activities(poison)), 1)
        self.assertEqual(self.flow.endpoint_state, "enabled")

    def test_invalid_schedule_is_refused_with_the_step(self):
        with self.assertRaisesRegex(Exception, "Step 2 .*'5 minutes'"):
            self.connector.retry_schedule = "0, 5 minutes"
            self.connector.flush_recordset()

    # --------------------------------------------------------- Retry-After
    def test_retry_after_is_bounded_by_the_backoff_cap(self):
        self.connector.write({"retry_schedule": "0, 5s, 5m", "backoff_cap": 600})
        for header in ("31536000", "100000000000000000", "1e17", "9" * 400):
            with ScriptedSystem() as system, freeze_time(START):
                system.replies = [(429, {"Retry-After": header}, {})]
                self.connector.base_url = system.url
                message = self.emit(f"R-{header[:8]}")
                self.flow._mfg_drain()
                wait = (message.next_attempt_at - datetime.now()).total_seconds()
            self.assertEqual(message.state, "queued", header)
            self.assertLessEqual(wait, 600, header)
            self.assertGreaterEqual(wait, 5, header)
            message.unlink()

    def test_retry_after_honoured_up_to_the_cap(self):
        self.connector.write({"retry_schedule": "0, 5s", "backoff_cap": 600})
        with ScriptedSystem() as system, freeze_time(START):
            system.replies = [(503, {"Retry-After": "90"}, {})]
            self.connector.base_url = system.url
            message = self.emit("R")
            self.flow._mfg_drain()
            wait = (message.next_attempt_at - datetime.now()).total_seconds()
        self.assertGreaterEqual(wait, 90)
        self.assertLess(wait, 92)

    def test_accepted_message_is_done_and_never_resent_in_a_mixed_batch(self):
        with ScriptedSystem() as system, freeze_time(START):
            system.replies = [
                (200, {}, {}),
                (429, {"Retry-After": "100000000000000000"}, {}),
                (503, {"Retry-After": "1e17"}, {}),
                (202, {}, {}),
            ]
            self.connector.base_url = system.url
            messages = [self.emit(name) for name in ("M1", "M2", "M3", "M4")]
            # As queue_job runs it: an error would roll the whole job back.
            with self.env.cr.savepoint():
                self.flow._mfg_drain()
            self.flow._mfg_drain()
        self.assertEqual(self.names(system), ["M1", "M2", "M3", "M4"])
        self.assertEqual(
            [m.state for m in messages], ["done", "queued", "queued", "done"]
        )

    def test_fractional_backoff_retry_runs_when_its_job_runs(self):
        """The retry job's eta is the message's due time; when the job runner
        starts it then, the message is due (not left for the one-minute cron)."""
        self.connector.retry_schedule = "0, 2s"
        with ScriptedSystem() as system, freeze_time(START) as frozen:
            system.replies = [UNAVAILABLE]
            self.connector.base_url = system.url
            message = self.emit("F")
            with trap_jobs() as trap:
                self.flow._mfg_drain()
                retry_jobs = [job for job in trap.enqueued_jobs if job.eta]
                self.assertEqual(len(retry_jobs), 1)
                eta = retry_jobs[0].eta
                self.assertEqual(message.next_attempt_at, eta)
                frozen.move_to(eta)
                trap.perform_enqueued_jobs()
        self.assertEqual(len(system.received), 2)
        self.assertEqual(message.state, "done")

    # ------------------------------------------------------------- 410 Gone
    def test_410_disables_the_endpoint_and_keeps_its_messages(self):
        with ScriptedSystem() as system:
            system.replies = [(410, {}, {"error": "gone"})]
            self.connector.base_url = system.url
            first, second = self.emit("G1"), self.emit("G2")
            self.flow._mfg_drain()
            self.assertEqual(self.flow.endpoint_state, "disabled")
            self.assertEqual(self.names(system), ["G1"], "nothing after the 410")
            third = self.emit("G3")
            self.flow._mfg_drain()
            self.env["mfg.flow"]._cron_dispatch()
            self.assertEqual(len(system.received), 1)
            for message in (first, second, third):
                self.assertEqual(message.state, "queued")
            self.assertEqual(first.http_status, 410)
            activity = self.endpoint_activity()
            self.assertEqual(activity.user_id, self.mfg_responsible)
            self.assertIn("410 Gone", activity.note)
            self.assertIn(
                "disabled", self.connector.message_ids[:1].body, "chatter entry"
            )
            with self.assertRaises(AccessError):
                self.flow.with_user(self.mfg_responsible).action_enable_endpoint()
            self.connector.with_user(self.manager).action_enable_endpoints()
            self.flow._mfg_drain()
        self.assertEqual(self.names(system), ["G1", "G1", "G2", "G3"])
        self.assertEqual([first.state, second.state, third.state], ["done"] * 3)
        self.assertEqual(self.flow.endpoint_state, "enabled")
        self.assertFalse(self.endpoint_activity())
        self.assertIn("re-enabled", self.connector.message_ids[:1].body)

    # ------------------------------------------------------ long outage
    def test_long_outage_disables_then_reenabled_delivers_in_order(self):
        self.connector.endpoint_disable_after_hours = 120
        with ScriptedSystem() as system, freeze_time(START) as frozen:
            system.replies = [UNAVAILABLE] * 100
            self.connector.base_url = system.url
            ordered = [
                self.emit(f"O{n}", ordering_key="MO-1", sequence=n) for n in (1, 2, 3)
            ]
            loose = self.emit("L1")
            self.flow._mfg_drain()
            head = ordered[0]
            # Emitted while its key's first message waits: it waits behind it.
            ordered.append(self.emit("O4", ordering_key="MO-1", sequence=4))
            self.flow._mfg_drain()
            self.assertGreater(ordered[3].next_attempt_at, head.next_attempt_at)
            for _round in range(40):
                if self.flow.endpoint_state == "disabled":
                    break
                sent = len(system.received)
                self.drain_at(frozen, min((head | loose).mapped("next_attempt_at")))
                self.assertGreater(len(system.received), sent, "a retry ran when due")
                for message in (*ordered, loose):
                    self.assertEqual(message.state, "queued", "never dead")
            self.assertEqual(self.flow.endpoint_state, "disabled")
            disabled_at = datetime.now()
            self.assertGreaterEqual(disabled_at, START + timedelta(hours=120))
            self.assertLess(disabled_at, START + timedelta(hours=120 + 25))
            self.assertEqual(
                {n for n in self.names(system) if n.startswith("O")}, {"O1"}
            )
            activity = self.endpoint_activity()
            self.assertEqual(activity.user_id, self.mfg_responsible)
            self.assertIn("longer than 120 h", self.flow.endpoint_disabled_reason)
            # The receiver is fixed days later; nothing was sent meanwhile.
            sent = len(system.received)
            self.drain_at(frozen, disabled_at + timedelta(days=3))
            self.env["mfg.flow"]._cron_dispatch()
            self.assertEqual(len(system.received), sent)
            system.replies = []
            self.flow.with_user(self.manager).action_enable_endpoint()
            self.flow._mfg_drain()
        after = self.names(system)[sent:]
        self.assertEqual(
            [n for n in after if n.startswith("O")], ["O1", "O2", "O3", "O4"]
        )
        self.assertIn("L1", after)
        self.assertEqual({m.state for m in (*ordered, loose)}, {"done"})
        self.assertFalse(self.endpoint_activity())
        self.assertFalse(self.flow.endpoint_failing_since)
