# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The two baselines of bench/mfg_integration_base_intake.py.

- ``POST /mfg_bench/bare``: a bare Odoo route, answers 200 and does nothing.
- ``POST /mfg_bench/floor``: the floor any durable intake must pay: verify a
  Standard Webhooks HMAC-SHA256 signature (constant-time, 5-minute tolerance),
  insert one row with a unique key (the webhook-id) in a small table, enqueue
  one queue_job job, answer 202. Deliberately written with the standard library
  only (no engine code), so it stays a floor whatever the engine does.
"""

import base64
import hashlib
import hmac
import time

from odoo import SUPERUSER_ID, http
from odoo.http import request

SECRET_PARAM = "mfg_bench_baseline.secret"
TOLERANCE = 300


def _secret_bytes(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_") :])
    return secret.encode()


class MfgBenchBaseline(http.Controller):
    @http.route(
        "/mfg_bench/bare",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def bare(self, **_kwargs):
        return request.make_response("ok", status=200)

    @http.route(
        "/mfg_bench/floor",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def floor(self, **_kwargs):
        env = request.env(user=SUPERUSER_ID)
        headers = request.httprequest.headers
        msg_id = headers.get("webhook-id") or ""
        timestamp = headers.get("webhook-timestamp") or ""
        signature = headers.get("webhook-signature") or ""
        body = request.httprequest.get_data(cache=True)
        # ir.config_parameter is ormcached: no query once the worker is warm.
        secret = env["ir.config_parameter"].get_param(SECRET_PARAM) or ""
        if not (msg_id and timestamp.isdigit() and secret):
            return request.make_json_response({"error": "unauthorized"}, status=401)
        if abs(time.time() - int(timestamp)) > TOLERANCE:
            return request.make_json_response({"error": "unauthorized"}, status=401)
        signed = f"{msg_id}.{timestamp}.".encode() + body
        digest = hmac.new(_secret_bytes(secret), signed, hashlib.sha256).digest()
        expected = base64.b64encode(digest)
        if not any(
            hmac.compare_digest(expected, part[3:].encode())
            for part in signature.split()
            if part.startswith("v1,")
        ):
            return request.make_json_response({"error": "unauthorized"}, status=401)
        cr = env.cr
        cr.execute(
            """
            INSERT INTO mfg_bench_intake (key, body, create_uid, write_uid, create_date, write_date)
            VALUES (%s, %s, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC')
            ON CONFLICT (key) DO NOTHING
            RETURNING id
            """,
            [msg_id, body.decode("utf-8", "replace"), SUPERUSER_ID, SUPERUSER_ID],
        )
        row = cr.fetchone()
        if not row:
            return request.make_json_response({"status": "duplicate"}, status=200)
        env["mfg.bench.intake"].browse(row[0]).with_delay(
            channel="root"
        )._bench_process()
        return request.make_json_response(
            {"id": row[0], "status": "queued"}, status=202
        )
