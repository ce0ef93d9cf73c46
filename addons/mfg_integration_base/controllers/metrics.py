# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/mfg/v1/metrics: figures for Prometheus, behind a bearer token."""

from odoo import http
from odoo.http import request

from ..core import metrics as metrics_lib
from .webhook import ROUTE, _json_response


class MfgMetricsController(http.Controller):
    @http.route("/mfg/v1/metrics", methods=["GET"], readonly=True, **ROUTE)
    def metrics(self, **_kwargs):
        # Read as sudo: the caller is a monitoring system with a token, no user.
        metrics = request.env["mfg.metrics"].sudo()
        if not metrics._mfg_metrics_enabled():
            return _json_response(
                404,
                {
                    "error": "not_found",
                    "message": "Metrics are not exposed (Settings: Expose metrics).",
                },
            )
        if not metrics._mfg_metrics_authorized(
            request.httprequest.headers.get("Authorization")
        ):
            return _json_response(
                401,
                {
                    "error": "unauthorized",
                    "message": "Send the metrics token: Authorization: Bearer <token>.",
                },
                headers={"WWW-Authenticate": 'Bearer realm="mfg-metrics"'},
            )
        return request.make_response(
            metrics._mfg_metrics_text(),
            headers=[("Content-Type", metrics_lib.CONTENT_TYPE)],
        )
