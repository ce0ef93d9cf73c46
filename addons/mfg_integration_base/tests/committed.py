# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Committed fixtures, for tests of what concurrent transactions see.

A TransactionCase never commits, so its records are invisible to any other
cursor. These tests need several real transactions interleaved (a webhook, a
drain job, two jobs finishing together), so their connector is created and
committed in a cursor of its own, each step runs in its own cursor, and
everything is deleted again at the end of the test."""

import json
import uuid
from contextlib import contextmanager

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.queue_job.controllers.main import RunJobController

from ..models.mfg_webhook_intake import WebhookIntake
from .common import TEST_SECRET, MfgTestMixin

UPSERT = "generic.record.upsert"


class MfgCommittedCase(MfgTestMixin, TransactionCase):
    """Each test gets ``self.connector_id`` / ``self.flow_id`` (committed): a
    generic upsert of partners (name, email) run by a technical user that has
    the documented groups only."""

    def setUp(self):
        super().setUp()
        self.code = f"cc{uuid.uuid4().hex[:10]}"
        with self.committed() as env:
            tech = new_test_user(
                env,
                login=f"tech_{self.code}",
                groups="base.group_user,base.group_partner_manager,"
                "mfg_integration_base.mfg_integration_base_group_technical",
            )
            connector = env["mfg.connector"].create(
                {
                    "name": f"Committed {self.code}",
                    "code": self.code,
                    "technical_user_id": tech.id,
                    "inbound_secret": TEST_SECRET,
                }
            )
            flow = env["mfg.flow"].create(
                {
                    "connector_id": connector.id,
                    "code": UPSERT,
                    "target_model_id": env.ref("base.model_res_partner").id,
                    "allowed_field_ids": [
                        (
                            6,
                            0,
                            env["ir.model.fields"]
                            .search(
                                [
                                    ("model", "=", "res.partner"),
                                    ("name", "in", ("name", "email")),
                                ]
                            )
                            .ids,
                        )
                    ],
                }
            )
            connector.action_activate()
            self.connector_id, self.flow_id, self.tech_id = (
                connector.id,
                flow.id,
                tech.id,
            )
        self.addCleanup(self._delete_committed)

    @contextmanager
    def committed(self, uid=SUPERUSER_ID):
        """An environment on a cursor of its own, committed on exit."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, uid, {"tracking_disable": True})

    def _delete_committed(self):
        with self.committed() as env:
            cr = env.cr
            key = f"mfg.flow._mfg_drain:{self.flow_id}"
            cr.execute(
                "DELETE FROM queue_job WHERE identity_key = %s "
                "OR identity_key LIKE %s OR identity_key LIKE %s",
                [key, key + "@%", key + "#%"],
            )
            cr.execute(
                "SELECT id FROM mfg_sync_message WHERE connector_id = %s",
                [self.connector_id],
            )
            message_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM mail_activity WHERE res_model = 'mfg.sync.message' "
                "AND res_id = ANY(%s)",
                [message_ids],
            )
            cr.execute(
                "SELECT res_id FROM mfg_external_id WHERE connector_id = %s",
                [self.connector_id],
            )
            partner_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                "DELETE FROM mfg_external_id WHERE connector_id = %s",
                [self.connector_id],
            )
            cr.execute(
                "DELETE FROM mfg_sync_message WHERE connector_id = %s",
                [self.connector_id],
            )
            env["mfg.connector"].browse(self.connector_id).unlink()
            env["res.partner"].browse(partner_ids).exists().unlink()
            tech = env["res.users"].browse(self.tech_id)
            partner = tech.partner_id
            tech.unlink()
            partner.unlink()

    # ------------------------------------------------------------- steps
    def webhook_request(self, payload, webhook_id=None):
        """A signed webhook request as Odoo's HTTP layer hands it over."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        headers.update(self._mfg_signed_headers(body, TEST_SECRET, webhook_id))
        builder = EnvironBuilder(
            path=f"/mfg/v1/{self.code}/{UPSERT}",
            method="POST",
            data=body,
            headers=headers,
        )
        return Request(builder.get_environ())

    def receive(self, env, payload):
        """The webhook intake of one request in ``env``'s transaction."""
        intake = WebhookIntake(env, self.webhook_request(payload), self.code, UPSERT)
        return intake.receive()

    def partner_payload(self, ref, **values):
        return {
            "schema_version": "1.0",
            "external_id": ref,
            "values": {"name": f"Partner {ref}", **values},
        }

    def queue_message(self, env, ref, **values):
        """A queued inbound message, stored without a drain of its own."""
        payload = json.dumps(self.partner_payload(ref, **values))
        return (
            env["mfg.sync.message"]
            .create(
                {
                    "direction": "inbound",
                    "connector_id": self.connector_id,
                    "flow_id": self.flow_id,
                    "flow_code": UPSERT,
                    "idempotency_key": f"{self.code}-{ref}",
                    "content_type": "application/json",
                    "payload_raw": payload,
                    "state": "queued",
                }
            )
            .id
        )

    def drain_jobs(self, env, states=("pending",)):
        return (
            env["queue.job"]
            .sudo()
            .search(
                [
                    ("identity_key", "=", f"mfg.flow._mfg_drain:{self.flow_id}"),
                    ("state", "in", list(states)),
                ]
            )
        )

    def start_job(self, env, job_record):
        """What the job runner and /queue_job/runjob do before running a job:
        enqueued, then started + commit, then the job's lock (its snapshot)."""
        env.cr.execute(
            "UPDATE queue_job SET state = 'enqueued' WHERE uuid = %s",
            [job_record.uuid],
        )
        env.cr.commit()
        job = RunJobController._acquire_job(env, job_record.uuid)
        self.assertTrue(job, "the job runner could not acquire the drain")
        return job

    def finish_job(self, env, job):
        """Run the started job and commit as /queue_job/runjob does."""
        job.perform()
        env.flush_all()
        job.set_done()
        job.store()
        env.cr.commit()

    def run_pending_drains(self):
        """The job runner's work until no drain of the flow is pending."""
        for _round in range(10):
            with self.committed() as env:
                jobs = self.drain_jobs(env)
                if not jobs:
                    return
                for record in jobs:
                    self.finish_job(env, self.start_job(env, record))
        raise AssertionError("drains still pending after 10 rounds")

    def message_state(self, message_id):
        with self.committed() as env:
            return env["mfg.sync.message"].browse(message_id).state
