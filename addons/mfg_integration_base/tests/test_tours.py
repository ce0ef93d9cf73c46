# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""UI tours of the integration admin, in a real browser (headless Chromium)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.tests import HttpCase, tagged

from .common import MfgTestMixin
from .http_server import ScriptedSystem

BENCH_PORT = 8479  # the tour types http://127.0.0.1:8479/bench


class _Bench(BaseHTTPRequestHandler):
    paths = None  # the requests of one test, set by setUp

    def do_GET(self):
        _Bench.paths.append(self.path)
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@tagged("post_install", "-at_install")
class TestConnectorTour(MfgTestMixin, HttpCase):
    def setUp(self):
        super().setUp()
        _Bench.paths = []
        self.bench = ThreadingHTTPServer(("127.0.0.1", BENCH_PORT), _Bench)
        thread = threading.Thread(target=self.bench.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.bench.server_close)
        self.addCleanup(self.bench.shutdown)

    def test_admin_creates_a_connector_and_tests_its_connection(self):
        self.start_tour("/odoo", "mfg_connector_create_and_test", login="admin")
        connector = self.env["mfg.connector"].search([("code", "=", "tour-bench")])
        self.assertEqual(connector.name, "Tour test bench MES")
        self.assertEqual(connector.base_url, "http://127.0.0.1:8479/bench")
        self.assertTrue(connector.last_success_at)
        self.assertEqual(connector.consecutive_failures, 0)
        self.assertEqual(_Bench.paths, ["/bench"])


@tagged("post_install", "-at_install")
class TestDashboardMessageTour(MfgTestMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._mfg_setup_users()

    def test_operator_reads_the_dashboard_and_a_message(self):
        connector = self._mfg_create_connector(
            "tourops", flows=["generic.record.changed"], auth_type="none"
        )
        connector.name = "Tour operations connector"
        with ScriptedSystem() as system:
            connector.base_url = system.url
            # Three delivered (the graphs' done and p95), then one refused.
            for ref in ("T1", "T2", "T3"):
                connector._emit(
                    "generic.record.changed",
                    {"model": "res.partner", "external_id": ref, "values": {}},
                )
            connector.flow_ids._mfg_drain()
            system.replies = [(503, {}, {"error": "maintenance"})]
            message = connector._emit(
                "generic.record.changed",
                {"model": "res.partner", "external_id": "T", "values": {"name": "T"}},
            )
            connector.flow_ids._mfg_drain()
        self.assertEqual(message.attempt_ids.http_status, 503)
        trend = json.loads(connector.trend_graph)["series"][0]
        self.assertEqual(
            (trend["received"][-1], trend["done"][-1], trend["failed"][-1]), (4, 3, 1)
        )
        self.start_tour(
            "/odoo/action-mfg_integration_base.mfg_connector_dashboard_action",
            "mfg_dashboard_and_message",
            login="admin",
        )
