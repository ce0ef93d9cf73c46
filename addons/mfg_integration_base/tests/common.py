# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures shared by the suite's Odoo tests (domain addons import them)."""

import json
import os
import re
import time
import uuid
from urllib.parse import urlsplit

from odoo import fields
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.common import _super_send

from ..core import signatures
from .http_server import ScriptedSystem

TEST_SECRET = "whsec_" + "dGVzdC1zZWNyZXQtZm9yLW1mZy1pbnRlZ3JhdGlvbg=="


class MfgTestMixin:
    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test guard raises every timeout to 10 s and cannot read the
        # (connect, read) tuples the engine uses; calls to the local stand-in
        # systems on 127.0.0.1 go through as the engine makes them.
        if urlsplit(r.url).hostname in ("127.0.0.1", "localhost"):
            return _super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def _mfg_setup_users(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.mfg_responsible = new_test_user(
            cls.env,
            login="mfg_responsible",
            groups="base.group_user,mfg_integration_base.mfg_integration_base_group_user",
        )

    @classmethod
    def _mfg_create_connector(
        cls, code, kind="generic", flows=(), tech_groups=(), secret=TEST_SECRET, **vals
    ):
        """An active connector with its technical user and the given flows."""
        groups = [
            "base.group_user",
            "mfg_integration_base.mfg_integration_base_group_technical",
        ]
        # No e-mail address: the docs ask none of a technical user, and the
        # engine's notes and activities must not need one (issue 12, item 4).
        tech_user = new_test_user(
            cls.env,
            login=f"tech_{code}",
            groups=",".join([*groups, *tech_groups]),
            email=False,
        )
        connector = cls.env["mfg.connector"].create(
            {
                "name": f"Connector {code}",
                "code": code,
                "kind": kind,
                "technical_user_id": tech_user.id,
                "responsible_user_id": cls.mfg_responsible.id,
                "inbound_secret": secret,
                **vals,
            }
        )
        for flow_code in flows:
            cls.env["mfg.flow"].create(
                {"connector_id": connector.id, "code": flow_code}
            )
        connector.action_activate()
        return connector

    @classmethod
    def _mfg_partner_upsert_connector(cls, code, fields=("name", "email"), flows=()):
        """A connector whose generic.record.upsert flow writes partners."""
        connector = cls._mfg_create_connector(
            code,
            flows=["generic.record.upsert", *flows],
            tech_groups=("base.group_partner_manager",),
        )
        upsert = connector.flow_ids.filtered(
            lambda f: f.code == "generic.record.upsert"
        )
        upsert.target_model_id = cls.env.ref("base.model_res_partner")
        upsert.allowed_field_ids = cls.env["ir.model.fields"].search(
            [("model", "=", "res.partner"), ("name", "in", list(fields))]
        )
        return connector

    def _mfg_flow(self, connector, flow_code):
        return connector.flow_ids.filtered(lambda f: f.code == flow_code)

    def _mfg_receive(
        self, connector, flow_code, payload, webhook_id=None, read_envelope=True
    ):
        """Store an inbound message exactly as the webhook does after its checks
        (the engine creates messages in sudo, as the technical user);
        ``read_envelope=False`` leaves the ordering key and sequence for the
        engine to find when preparing, as for a pulled record."""
        flow = self._mfg_flow(connector, flow_code)
        vals = {
            "direction": "inbound",
            "connector_id": connector.id,
            "flow_id": flow.id,
            "flow_code": flow_code,
            "idempotency_key": webhook_id or uuid.uuid4().hex,
            "content_type": "application/json",
            "payload_raw": json.dumps(payload),
            "state": "queued",
        }
        envelope = payload if isinstance(payload, dict) else {}
        key, sequence = envelope.get("ordering_key"), envelope.get("sequence")
        if read_envelope and isinstance(key, str) and isinstance(sequence, int):
            # what the webhook reads of a JSON payload's envelope
            vals.update({"ordering_key": key, "sequence": sequence})
        message = (
            self.env["mfg.sync.message"]
            .with_user(connector.technical_user_id)
            .sudo()
            .with_context(tracking_disable=True)
            .create(vals)
        )
        return message.sudo()

    def _mfg_process(self, connector, max_rounds=50, direction=None):
        """Run the drain jobs of the connector's flows until nothing is due;
        ``direction="inbound"`` leaves outbound messages (and HTTP) alone."""
        for _round in range(max_rounds):
            due = (
                self.env["mfg.sync.message"]
                .sudo()
                .search(
                    [
                        ("connector_id", "=", connector.id),
                        (
                            "direction",
                            "in",
                            [direction] if direction else ["inbound", "outbound"],
                        ),
                        ("state", "=", "queued"),
                        "|",
                        ("next_attempt_at", "=", False),
                        ("next_attempt_at", "<=", fields.Datetime.now()),
                    ]
                )
            )
            if not due:
                return
            for flow in due.flow_id:
                flow._mfg_drain()
        raise AssertionError("messages still due after %s rounds" % max_rounds)

    def _mfg_deliver(self, connector, path, secret, replies=()):
        """Send what is due to a real HTTP server on 127.0.0.1 (``replies``:
        its scripted answers), after what a commit does first (flush, pre-commit
        hooks); assert that each request went to ``path`` signed with
        ``secret``. Returns the requests."""
        self.env.cr.flush()
        with ScriptedSystem() as system:
            system.replies = list(replies)
            connector.base_url = system.url
            self._mfg_process(connector)
        for request in system.received:
            self.assertEqual(request["path"], path)
            self.assertTrue(
                signatures.verify(
                    [secret],
                    request["headers"]["webhook-id"],
                    request["headers"]["webhook-timestamp"],
                    request["headers"]["webhook-signature"],
                    request["body"],
                ),
                "every outbound message is signed with the connector's secret",
            )
        return system.received

    def _mfg_exception_activities(self, record):
        activity_type = self.env.ref(
            "mfg_integration_base.mail_activity_type_integration_exception"
        )
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", record._name),
                    ("res_id", "=", record.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )

    @staticmethod
    def _mfg_keep_sample(name, data):
        """Evidence of the XML formats (issue 17): with MFG_SAMPLES_DIR set, every
        document a format test produces or accepts is written there, one file
        each, so that anyone can validate it against the official schemas."""
        folder = os.environ.get("MFG_SAMPLES_DIR")
        if not folder:
            return None
        os.makedirs(folder, exist_ok=True)
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        path = os.path.join(folder, safe)
        with open(path, "wb") as sample:
            sample.write(data if isinstance(data, bytes) else data.encode())
        return path

    @staticmethod
    def _mfg_signed_headers(body, secret=TEST_SECRET, webhook_id=None, timestamp=None):
        return signatures.sign_headers(
            secret, webhook_id or uuid.uuid4().hex, body, timestamp or time.time()
        )


class MfgCommon(MfgTestMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mfg_setup_users()


class MfgHttpCommon(MfgTestMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mfg_setup_users()

    def _mfg_post(
        self,
        connector,
        flow_code,
        payload=None,
        body=None,
        headers=None,
        secret=TEST_SECRET,
        webhook_id=None,
        timestamp=None,
        content_type="application/json",
        batch=False,
        sign=True,
    ):
        """POST a (signed) webhook through Odoo's HTTP server; returns the response."""
        code = connector.code if hasattr(connector, "code") else connector
        if body is None:
            body = json.dumps(payload).encode()
        elif isinstance(body, str):
            body = body.encode()
        all_headers = {"Content-Type": content_type}
        if sign:
            all_headers.update(
                self._mfg_signed_headers(body, secret, webhook_id, timestamp)
            )
        all_headers.update(headers or {})
        url = f"/mfg/v1/{code}/{flow_code}" + ("/batch" if batch else "")
        return self.url_open(url, data=body, headers=all_headers)
