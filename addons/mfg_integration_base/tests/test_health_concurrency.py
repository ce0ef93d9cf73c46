# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Jobs of one connector finishing together do not collide on its health
(issue 12 item 8, issue 13 item 9): real transactions, interleaved."""

from .committed import MfgCommittedCase


class TestHealthConcurrency(MfgCommittedCase):
    def process_together(self, *message_ids):
        """Each message processed in its own transaction, all of them begun
        before the first commits (jobs finishing together)."""
        cursors = [self.committed() for _id in message_ids]
        envs = [cursor.__enter__() for cursor in cursors]
        try:
            for env in envs:
                env.cr.execute("SELECT 1")  # the transaction's snapshot
            for env, message_id in zip(envs, message_ids, strict=True):
                env["mfg.sync.message"].browse(message_id)._mfg_process_one()
                env.cr.commit()
        finally:
            for cursor in reversed(cursors):
                cursor.__exit__(None, None, None)

    def test_failures_finishing_together_and_the_health_shown(self):
        with self.committed() as env:
            first = self.queue_message(env, "F1", phone="+1 555 0100")
            second = self.queue_message(env, "F2", website="https://example.com")
        # Before: "could not serialize access due to concurrent update" on
        # the connector row, logged as ERROR, the second job failed.
        self.process_together(first, second)
        with self.committed() as env:
            messages = env["mfg.sync.message"].browse([first, second])
            self.assertEqual(messages.mapped("state"), ["failed", "failed"])
            connector = env["mfg.connector"].browse(self.connector_id)
            self.assertEqual(connector.consecutive_failures, 2)
            self.assertIn("values.website", connector.last_error)
            self.assertTrue(connector.last_error_at)
            self.assertFalse(connector.last_success_at)
            self.assertEqual(connector.health, "red")
        # A failure and a success finishing together, then a later failure:
        # only the failures after the last success count.
        with self.committed() as env:
            bad = self.queue_message(env, "F3", phone="+1 555 0101")
            ok = self.queue_message(env, "OK")
        self.process_together(bad, ok)
        with self.committed() as env:
            connector = env["mfg.connector"].browse(self.connector_id)
            self.assertEqual(env["mfg.sync.message"].browse(ok).state, "done")
            self.assertEqual(env["mfg.sync.message"].browse(bad).state, "failed")
            self.assertTrue(connector.last_success_at)
            self.assertEqual(connector.consecutive_failures, 0)
        with self.committed() as env:
            later = self.queue_message(env, "F4", website="https://example.org")
        self.process_together(later)
        with self.committed() as env:
            connector = env["mfg.connector"].browse(self.connector_id)
            self.assertEqual(connector.consecutive_failures, 1)
            self.assertIn("values.website", connector.last_error)
