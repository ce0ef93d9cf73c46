# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A message committed while a drain runs is never left for the dispatch cron
(issue 12, item 7). Real transactions, interleaved as the job runner and two
HTTP workers interleave them."""

from .committed import MfgCommittedCase


class TestDrainConcurrency(MfgCommittedCase):
    def test_webhook_that_saw_the_drain_pending_is_drained_after_it(self):
        # M1 arrives; its request enqueues the flow's drain J1.
        with self.committed() as env:
            status, body = self.receive(env, self.partner_payload("M1"))
        self.assertEqual(status, 202)
        m1 = body["message_id"]
        with self.committed() as env:
            self.assertEqual(len(self.drain_jobs(env)), 1)
        # M2's request begins while J1 is still pending...
        with self.committed() as env_m2:
            env_m2.cr.execute("SELECT 1")  # its snapshot: J1 pending
            # ... J1 starts, reads its batch (M1 only) and commits ...
            with self.committed() as env_job:
                job_record = self.drain_jobs(env_job)
                self.finish_job(env_job, self.start_job(env_job, job_record))
            # ... and M2's request relies on the drain it saw pending.
            status, body = self.receive(env_m2, self.partner_payload("M2"))
            self.assertEqual(status, 202)
            m2 = body["message_id"]
        self.assertEqual(self.message_state(m1), "done")
        with self.committed() as env:
            self.assertTrue(
                self.drain_jobs(env),
                "M2 waits for the one-minute dispatch cron: no drain will read it",
            )
        self.run_pending_drains()
        self.assertEqual(self.message_state(m2), "done")
        with self.committed() as env:
            self.assertTrue(env["res.partner"].search([("name", "=", "Partner M2")]))

    def test_message_committed_while_a_drain_runs_is_drained_after_it(self):
        with self.committed() as env:
            status, body = self.receive(env, self.partner_payload("M1"))
        m1 = body["message_id"]
        with self.committed() as env_job:
            job = self.start_job(env_job, self.drain_jobs(env_job))
            # J1 has its snapshot; a message is queued by a path that relies on
            # the running drain (no drain of its own) and commits.
            with self.committed() as env:
                m2 = self.queue_message(env, "M2")
            self.finish_job(env_job, job)
        self.assertEqual(self.message_state(m1), "done")
        with self.committed() as env:
            self.assertTrue(
                self.drain_jobs(env),
                "the drain that ended did not look again for M2",
            )
        self.run_pending_drains()
        self.assertEqual(self.message_state(m2), "done")

    def test_drain_that_found_nothing_enqueues_nothing(self):
        # The look after a drain must not chain empty drains forever.
        with self.committed() as env:
            self.receive(env, self.partner_payload("M1"))
        self.run_pending_drains()
        with self.committed() as env:
            self.assertFalse(self.drain_jobs(env))
            self.assertEqual(
                len(self.drain_jobs(env, states=("done",))),
                1,
                "one message, one drain",
            )

    def test_drain_whose_batch_another_drain_took_ends_quietly(self):
        # Two drains of one flow run together; one processes M1 and commits
        # while the other's snapshot still sees M1 queued. Locking its batch
        # then failed with "could not serialize access" (logged as ERROR, the
        # job postponed by queue_job for seconds). It now leaves M1 alone and
        # goes on with M2.
        with self.committed() as env:
            m1 = self.queue_message(env, "M1")
            m2 = self.queue_message(env, "M2")
        with self.committed() as env_late:
            env_late.cr.execute("SELECT 1")  # its snapshot: M1 and M2 queued
            with self.committed() as env_first:
                env_first["mfg.sync.message"].browse(m1)._mfg_process_one()
            flow = env_late["mfg.flow"].browse(self.flow_id)
            result = flow._mfg_drain()
            self.assertEqual(result, "1 message(s) processed")
        self.assertEqual(self.message_state(m1), "done")
        self.assertEqual(self.message_state(m2), "done")
        with self.committed() as env:
            message = env["mfg.sync.message"].browse(m1)
            self.assertEqual(message.attempts, 1, "M1 was applied once")
