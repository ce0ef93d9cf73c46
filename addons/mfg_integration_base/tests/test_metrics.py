# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/mfg/v1/metrics through Odoo's HTTP server, parsed by prometheus-client."""

from prometheus_client.parser import text_string_to_metric_families

from .common import MfgHttpCommon

TOKEN = "metrics-token-for-tests-0123456789"
URL = "/mfg/v1/metrics"


class TestMetrics(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector(
            "met1", fields=("name",), flows=["generic.record.changed"]
        )
        settings = cls.env["res.config.settings"].create(
            {"mfg_metrics_enabled": True, "mfg_metrics_token": TOKEN}
        )
        settings.execute()

    def receive(self, ref, values):
        payload = {"schema_version": "1.0", "external_id": ref, "values": values}
        return self._mfg_receive(self.connector, "generic.record.upsert", payload)

    def scrape(self, token=TOKEN):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.url_open(URL, headers=headers)

    def samples(self, response):
        found = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                if sample.labels.get("connector") in ("met1", None, ""):
                    key = (sample.name, tuple(sorted(sample.labels.items())))
                    found[key] = sample.value
        return found

    def value(self, samples, name, **labels):
        labels = {"connector": "met1", **labels}
        return samples[(name, tuple(sorted(labels.items())))]

    def count(self, **domain):
        return self.env["mfg.sync.message"].search_count(
            [("connector_id", "=", self.connector.id)]
            + [(key, "=", val) for key, val in domain.items()]
        )

    def test_figures_match_the_database(self):
        for ref in ("A", "B"):
            self.receive(ref, {"name": f"Partner {ref}"})
        self.receive("C", {"email": "not allowed"})
        self._mfg_process(self.connector, direction="inbound")
        dead = self.receive("D", {"name": "D"})
        dead._mfg_bookkeeping().write({"state": "dead", "attempts": 4})
        self.receive("E", {"name": "E"})  # waiting: backlog
        self.connector._emit(
            "generic.record.changed",
            {"model": "res.partner", "external_id": "P", "values": {"name": "P"}},
        )
        response = self.scrape()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/plain"))
        samples = self.samples(response)
        upsert = "generic.record.upsert"
        for state in ("done", "failed", "dead", "queued"):
            self.assertEqual(
                self.value(
                    samples,
                    "mfg_messages",
                    flow=upsert,
                    direction="inbound",
                    state=state,
                ),
                self.count(direction="inbound", state=state),
                state,
            )
        self.assertEqual(self.count(direction="inbound", state="done"), 2)
        self.assertEqual(
            self.value(samples, "mfg_backlog_messages", flow=upsert),
            self.count(flow_code=upsert, state="queued"),
        )
        self.assertGreaterEqual(
            self.value(samples, "mfg_oldest_pending_age_seconds", flow=upsert), 0
        )
        self.assertEqual(self.value(samples, "mfg_dead_letters", flow=upsert), 1)
        self.assertEqual(self.value(samples, "mfg_retries", flow=upsert), 3)
        done = self.env["mfg.sync.message"].search(
            [("connector_id", "=", self.connector.id), ("state", "=", "done")]
        )
        self.assertEqual(
            self.value(samples, "mfg_message_latency_seconds_count", flow=upsert),
            len(done),
        )
        self.assertAlmostEqual(
            self.value(samples, "mfg_message_latency_seconds_sum", flow=upsert),
            sum(done.mapped("latency_ms")) / 1000,
            places=2,
        )
        self.assertEqual(
            self.value(
                samples, "mfg_message_latency_seconds_bucket", flow=upsert, le="+Inf"
            ),
            len(done),
        )
        self.assertEqual(
            self.value(
                samples,
                "mfg_messages",
                flow="generic.record.changed",
                direction="outbound",
                state="queued",
            ),
            1,
        )
        self.assertEqual(self.value(samples, "mfg_connector_active"), 1)
        changed = self._mfg_flow(self.connector, "generic.record.changed")
        self.assertEqual(
            self.value(samples, "mfg_endpoint_enabled", flow=changed.code), 1
        )
        changed._mfg_disable_endpoint("410 Gone in a test")
        samples = self.samples(self.scrape())
        self.assertEqual(
            self.value(samples, "mfg_endpoint_enabled", flow=changed.code), 0
        )

    def test_token_required_and_write_only(self):
        for token in (None, "wrong-token"):
            response = self.scrape(token)
            self.assertEqual(response.status_code, 401, token)
            self.assertEqual(response.json()["error"], "unauthorized")
            self.assertIn("Bearer", response.headers["WWW-Authenticate"])
        # Never readable back, neither in Settings nor as the stored parameter.
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.mfg_metrics_token)
        self.assertTrue(settings.mfg_metrics_token_set)
        stored = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("mfg_integration_base.metrics_token_enc")
        )
        self.assertNotIn(TOKEN, stored)
        # Saving Settings without typing a token keeps the stored one.
        settings.execute()
        self.assertEqual(self.scrape().status_code, 200)

    def test_off_by_default_answers_404(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "mfg_integration_base.metrics_enabled", False
        )
        response = self.scrape()
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "not_found")
