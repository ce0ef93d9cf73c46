# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook routes: hand the request to WebhookIntake (models/mfg_webhook_intake.py,
which verifies, stores and enqueues) and answer. No business work here."""

import json
import logging

from odoo import http
from odoo.http import request

from ..core import asyncapi, openapi
from ..models.mfg_webhook_intake import IntakeError, WebhookIntake

_logger = logging.getLogger(__name__)


def _json_response(status, body, headers=None):
    return request.make_json_response(
        body, status=status, headers=list((headers or {}).items())
    )


# Webhooks carry no session. auth="none" routes default to a read-only
# cursor: intake writes, so its POST routes ask for a read/write one.
ROUTE = {"type": "http", "auth": "none", "csrf": False, "save_session": False}


class MfgWebhookController(http.Controller):
    @http.route(
        "/mfg/v1/<string:connector_code>/<string:flow_code>",
        methods=["POST"],
        readonly=False,
        **ROUTE,
    )
    def receive(self, connector_code, flow_code, **_kwargs):
        return self._answer(connector_code, flow_code, batch=False)

    @http.route(
        "/mfg/v1/<string:connector_code>/<string:flow_code>/batch",
        methods=["POST"],
        readonly=False,
        **ROUTE,
    )
    def receive_batch(self, connector_code, flow_code, **_kwargs):
        return self._answer(connector_code, flow_code, batch=True)

    @http.route(
        "/mfg/v1/<string:connector_code>/messages/<string:webhook_id>",
        methods=["GET"],
        readonly=True,
        **ROUTE,
    )
    def message_status(self, connector_code, webhook_id, **_kwargs):
        intake = WebhookIntake(request.env, request.httprequest, connector_code, None)
        try:
            status, body = intake.status(webhook_id)
        except IntakeError as err:
            status, body = err.status, err.as_body()
        return _json_response(status, body)

    @http.route("/mfg/v1/openapi.json", methods=["GET"], readonly=True, **ROUTE)
    def openapi_document(self, **_kwargs):
        specs = request.env["mfg.flow"].sudo()._get_flow_specs()
        return request.make_response(
            json.dumps(openapi.build(specs)),
            headers=[("Content-Type", "application/json")],
        )

    @http.route("/mfg/v1/asyncapi.json", methods=["GET"], readonly=True, **ROUTE)
    def asyncapi_document(self, **_kwargs):
        """The event catalog: every flow, in and out (AsyncAPI 3.0)."""
        specs = request.env["mfg.flow"].sudo()._get_flow_specs()
        return request.make_response(
            json.dumps(asyncapi.build(specs)),
            headers=[("Content-Type", "application/json")],
        )

    def _answer(self, connector_code, flow_code, batch):
        intake = WebhookIntake(
            request.env, request.httprequest, connector_code, flow_code
        )
        try:
            status, body = intake.receive_batch() if batch else intake.receive()
        except IntakeError as err:
            intake.refuse(err)
            return _json_response(err.status, err.as_body(), err.headers)
        return _json_response(status, body)
