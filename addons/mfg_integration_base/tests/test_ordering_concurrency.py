# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-key ordering is the engine's, not a channel's (issue 15 items 1-3):
drains in real transactions, interleaved as parallel job workers run them.
A message's ordering key is a partner here: the generic upsert carries
``ordering_key`` and ``sequence`` like any ordered flow."""

import os
from unittest.mock import patch

from odoo.tools import mute_logger

from .committed import MfgCommittedCase


class TestOrderingConcurrency(MfgCommittedCase):
    def keyed(self, key, sequence, name=None):
        payload = self.partner_payload(f"{key}")
        payload["values"]["name"] = name or f"{key} v{sequence}"
        return {**payload, "ordering_key": key, "sequence": sequence}

    def send(self, env, key, sequence, name=None):
        status, body = self.receive(env, self.keyed(key, sequence, name))
        self.assertEqual(status, 202, body)
        return body["message_id"]

    def states(self, *message_ids):
        with self.committed() as env:
            messages = env["mfg.sync.message"].browse(message_ids)
            return [messages.browse(id_).state for id_ in message_ids]

    def partner_name(self, key):
        with self.committed() as env:
            partner = env["res.partner"].search([("name", "=like", f"{key} %")])
            return partner.mapped("name")

    def hold_first(self, env):
        """What a drain of batch size 1 does in ``env``'s transaction: claim
        the first due message's key, apply the message. Returns its id."""
        flow = env["mfg.flow"].browse(self.flow_id)
        batch, claimed, _more = env["mfg.sync.message"]._mfg_claim_due(flow, 1)
        batch._mfg_process(claimed, 1)
        return batch.id

    def set_batch_size(self, size):
        with self.committed() as env:
            env["mfg.flow"].browse(self.flow_id).batch_size = size

    def test_other_keys_complete_while_one_is_held(self):
        with self.committed() as env:
            a1, a2 = self.send(env, "KA", 1), self.send(env, "KA", 2)
            b1, b2 = self.send(env, "KB", 1), self.send(env, "KB", 2)
        with self.committed() as env_a:
            # A drain holds key KA: it claimed it and applies KA 1, uncommitted.
            self.assertEqual(self.hold_first(env_a), a1)
            # Meanwhile a second drain of the same flow runs and commits.
            with self.committed() as env_b:
                result = env_b["mfg.flow"].browse(self.flow_id)._mfg_drain()
            self.assertEqual(result, "2 message(s) processed")
            self.assertEqual(self.states(b1, b2), ["done", "done"])
            self.assertEqual(self.partner_name("KB"), ["KB v2"])
            # KA waits for its holder, untouched by the second drain.
            self.assertEqual(self.states(a1, a2), ["queued", "queued"])
            self.assertEqual(self.partner_name("KA"), [])
        self.assertEqual(self.states(a1), ["done"])
        self.run_pending_drains()
        self.assertEqual(self.states(a1, a2), ["done", "done"])
        self.assertEqual(self.partner_name("KA"), ["KA v2"])

    def test_second_drain_takes_the_messages_past_those_another_holds(self):
        # Messages without a key, batch size 2: a drain holds the first two
        # (locked, uncommitted); a second drain of the flow takes the next two.
        # It used to try the first two only, find them locked, end empty and
        # chain another empty drain, while the messages behind waited.
        self.set_batch_size(2)
        with self.committed() as env:
            ids = []
            for ref in ("L1", "L2", "L3", "L4"):
                status, body = self.receive(env, self.partner_payload(ref))
                self.assertEqual(status, 202, body)
                ids.append(body["message_id"])
        with self.committed() as env_a:
            flow_a = env_a["mfg.flow"].browse(self.flow_id)
            held, _claimed, _more = env_a["mfg.sync.message"]._mfg_claim_due(flow_a, 2)
            self.assertEqual(held.ids, ids[:2])
            with self.committed() as env_b:
                result = env_b["mfg.flow"].browse(self.flow_id)._mfg_drain()
            self.assertEqual(result, "2 message(s) processed")
            self.assertEqual(self.states(*ids), ["queued", "queued", "done", "done"])
        self.run_pending_drains()
        self.assertEqual(self.states(*ids), ["done"] * 4)
        with self.committed() as env:
            partners = env["res.partner"].search([("name", "=like", "Partner L_")])
            self.assertEqual(
                sorted(partners.mapped("name")),
                ["Partner L1", "Partner L2", "Partner L3", "Partner L4"],
            )

    def test_a_full_batch_starts_the_other_drain_at_once(self):
        # A channel of capacity 2, batch size 2, four messages: the drain that
        # takes the first two starts the second slot's drain before it ends
        # (committed at once, it can run beside it); enqueued in the drain's
        # own transaction, it started only once the first batch was done.
        self.set_batch_size(2)
        with self.committed() as env:
            for ref in ("M1", "M2", "M3", "M4"):
                self.assertEqual(self.receive(env, self.partner_payload(ref))[0], 202)
        slot_key = f"mfg.flow._mfg_drain:{self.flow_id}#1"
        with self.committed() as env:
            # The intake's drain is this test's first drain, run by hand.
            env.cr.execute(
                "DELETE FROM queue_job WHERE identity_key LIKE %s",
                [f"mfg.flow._mfg_drain:{self.flow_id}%"],
            )
        with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": "root:2"}):
            with self.committed() as env_a:
                flow_a = env_a["mfg.flow"].browse(self.flow_id)
                self.assertEqual(flow_a._mfg_drain(), "2 message(s) processed")
                with self.committed() as env_b:
                    env_b.cr.execute(
                        "SELECT state FROM queue_job WHERE identity_key = %s",
                        [slot_key],
                    )
                    self.assertEqual(env_b.cr.fetchall(), [("pending",)])
                    other = env_b["mfg.flow"].browse(self.flow_id)._mfg_drain(1)
                    self.assertEqual(other, "2 message(s) processed")

    def test_two_drains_share_the_keys_of_a_burst(self):
        # Four keys' events arrive interleaved (event 1 of each, then event 2)
        # and the channel runs two drains: the first claims half of the keys,
        # the second applies the other half meanwhile. The first used to hold
        # every key of its batch, and the second found nothing to take.
        ids = {}
        with self.committed() as env:
            for sequence in (1, 2):
                for key in ("S1", "S2", "S3", "S4"):
                    ids[key, sequence] = self.send(env, key, sequence)
        with patch.dict(os.environ, {"ODOO_QUEUE_JOB_CHANNELS": "root:2"}):
            with self.committed() as env_a:
                flow_a = env_a["mfg.flow"].browse(self.flow_id)
                batch, claimed, more = env_a["mfg.sync.message"]._mfg_claim_due(
                    flow_a, 200, slots=flow_a._mfg_drain_slots()
                )
                self.assertEqual(
                    sorted(set(batch.mapped("ordering_key"))), ["S1", "S2"]
                )
                self.assertTrue(more)  # the other slot is opened
                batch._mfg_process(claimed, 200)
                with self.committed() as env_b:
                    result = env_b["mfg.flow"].browse(self.flow_id)._mfg_drain(1)
                self.assertEqual(result, "4 message(s) processed")
                self.assertEqual(
                    self.states(*(ids[k, s] for k in ("S3", "S4") for s in (1, 2))),
                    ["done"] * 4,
                )
        self.assertEqual(self.states(*ids.values()), ["done"] * 8)
        for key in ("S1", "S2", "S3", "S4"):
            self.assertEqual(self.partner_name(key), [f"{key} v2"])

    def test_one_key_is_never_processed_by_two_at_once(self):
        with self.committed() as env:
            a1, a2 = self.send(env, "KC", 1), self.send(env, "KC", 2)
        with self.committed() as env_a:
            self.assertEqual(self.hold_first(env_a), a1)
            with self.committed() as env_b:
                Other = env_b["mfg.sync.message"]
                flow_b = env_b["mfg.flow"].browse(self.flow_id)
                # A drain of the flow finds nothing it may take ...
                self.assertFalse(Other._mfg_claim_due(flow_b, 10)[0])
                # ... and a message of the key processed on its own waits,
                # queued, with no attempt counted.
                Other.browse(a2)._mfg_process_one()
                self.assertEqual(Other.browse(a2).state, "queued")
                self.assertEqual(Other.browse(a2).attempts, 0)
        self.run_pending_drains()
        self.assertEqual(self.states(a1, a2), ["done", "done"])
        self.assertEqual(self.partner_name("KC"), ["KC v2"])

    def test_drain_older_than_the_last_application_of_a_key_skips_it(self):
        # KD 1 is sent twice (a resend with other values). A drain whose
        # snapshot began before the first copy's application was committed
        # would still see KD at 0 applied and apply the second copy too.
        with self.committed() as env:
            first = self.send(env, "KD", 1, name="KD first")
            copy = self.send(env, "KD", 1, name="KD copy")
        with self.committed() as env_late:
            env_late.cr.execute("SELECT 1")  # its snapshot: nothing applied
            with self.committed() as env_first:
                self.assertEqual(self.hold_first(env_first), first)
            late = env_late["mfg.flow"].browse(self.flow_id)._mfg_drain()
            self.assertEqual(late, "0 message(s) processed")
        self.assertEqual(self.states(first, copy), ["done", "queued"])
        self.run_pending_drains()
        self.assertEqual(self.states(first, copy), ["done", "duplicate"])
        self.assertEqual(self.partner_name("KD"), ["KD first"])

    def test_long_parked_chain_is_released_by_jobs_within_batch_size(self):
        self.set_batch_size(3)
        with self.committed() as env:
            parked = [self.send(env, "KE", seq) for seq in range(2, 13)]
        self.run_pending_drains()
        self.assertEqual(set(self.states(*parked)), {"parked"})
        with self.committed() as env:
            first = self.send(env, "KE", 1)
        chain = [first, *parked]
        applied, jobs = 0, 0
        for _round in range(20):
            with self.committed() as env:
                pending = self.drain_jobs(env)
                if not pending:
                    break
                for record in pending:
                    self.finish_job(env, self.start_job(env, record))
                    jobs += 1
                    now_applied = self.states(*chain).count("done")
                    # before: the successor was processed by recursion inside
                    # the job that applied its predecessor, the whole chain
                    # in one job whatever the batch size
                    self.assertLessEqual(now_applied - applied, 3)
                    applied = now_applied
        self.assertEqual(set(self.states(*chain)), {"done"})
        self.assertGreaterEqual(jobs, 4)
        self.assertEqual(self.partner_name("KE"), ["KE v12"])
        with self.committed() as env:
            messages = env["mfg.sync.message"].browse(chain)
            done_order = messages.sorted(lambda m: (m.processed_at, m.id))
            self.assertEqual(done_order.mapped("sequence"), list(range(1, 13)))

    def test_parked_copy_is_a_duplicate_as_soon_as_the_original_applies(self):
        with self.committed() as env:
            two = self.send(env, "KF", 2)
            copy = self.send(env, "KF", 2, name="KF copy")
        self.run_pending_drains()
        self.assertEqual(self.states(two, copy), ["parked", "parked"])
        with self.committed() as env:
            one = self.send(env, "KF", 1)
        self.run_pending_drains()
        self.assertEqual(self.states(one, two, copy), ["done", "done", "duplicate"])
        self.assertEqual(self.partner_name("KF"), ["KF v2"])

    def test_a_concurrent_commit_stops_the_batch_and_fails_no_message(self):
        # Two drains writing one row (two MOs consuming from one stock quant):
        # the later one's snapshot cannot write it. That is no fault of the
        # message: it waits, queued, no attempt counted, for a new transaction.
        with self.committed() as env:
            self.receive(env, self.partner_payload("CC-B"))
        self.run_pending_drains()
        with self.committed() as env:
            ids = [
                self.receive(env, self.partner_payload(ref, name=name))[1]["message_id"]
                for ref, name in (("CC-A", "CC-A"), ("CC-B", "CC-B v2"), ("CC-C", "C"))
            ]
        with self.committed() as env_late:
            env_late.cr.execute("SELECT 1")  # its snapshot
            with self.committed() as env_person:
                partner = env_person["res.partner"].search(
                    [("name", "=", "Partner CC-B")]
                )
                partner.name = "CC-B by a person"
            with mute_logger("odoo.sql_db"):
                env_late["mfg.flow"].browse(self.flow_id)._mfg_drain()
        with self.committed() as env:
            messages = env["mfg.sync.message"].browse(ids)
            self.assertEqual(messages.mapped("state"), ["done", "queued", "queued"])
            self.assertEqual(messages.mapped("attempts"), [1, 0, 0])
            self.assertFalse(any(messages.mapped("error_kind")))
        self.run_pending_drains()
        self.assertEqual(self.states(*ids), ["done", "done", "done"])
        with self.committed() as env:
            names = env["res.partner"].search([("name", "like", "CC-B")]).mapped("name")
        self.assertEqual(names, ["CC-B v2"])
