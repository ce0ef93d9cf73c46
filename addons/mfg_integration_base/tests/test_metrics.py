# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""/mfg/v1/metrics through Odoo's HTTP server, parsed by prometheus-client."""

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from odoo import fields

from ..core.metrics import LATENCY_BUCKETS, format_value
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

    def database_figures(self):
        """The figures of connector met1 counted straight from the messages
        (what the scrape counted before counters), keyed as the samples."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT f.code, m.direction, m.state, count(*),
                   sum(GREATEST(m.attempts - 1, 0))
              FROM mfg_sync_message m JOIN mfg_flow f ON f.id = m.flow_id
             WHERE m.connector_id = %s
             GROUP BY 1, 2, 3
            """,
            [self.connector.id],
        )
        expected = {}
        for flow, direction, state, count, retries in self.env.cr.fetchall():
            labels = {"flow": flow, "direction": direction, "state": state}
            expected[("mfg_messages", tuple(sorted(labels.items())))] = count
            for name, value in (
                ("mfg_retries", retries),
                ("mfg_dead_letters", count if state == "dead" else 0),
                (
                    "mfg_backlog_messages",
                    count if state in ("received", "queued", "parked") else 0,
                ),
            ):
                key = (name, (("flow", flow),))
                expected[key] = expected.get(key, 0) + value
        return expected

    def assert_counts_match_database(self):
        names = ("mfg_messages", "mfg_retries", "mfg_dead_letters")
        names += ("mfg_backlog_messages",)
        scraped = {
            (name, tuple((k, v) for k, v in labels if k != "connector")): value
            for (name, labels), value in self.samples(self.scrape()).items()
            if name in names
        }
        expected = self.database_figures()
        # Every stored figure is scraped; a figure of messages that are gone
        # (deleted, moved to another state) is 0 or not written at all.
        for key, value in expected.items():
            self.assertEqual(scraped.get(key, 0), value, key)
        for key, value in scraped.items():
            self.assertEqual(value, expected.get(key, 0), key)

    def test_counters_follow_every_path(self):
        upsert = "generic.record.upsert"
        # ORM: intake (create), processing (write), a bookkeeping write.
        for ref in ("A", "B", "C"):
            self.receive(ref, {"name": f"Partner {ref}"})
        self.receive("F", {"email": "not allowed"})
        self._mfg_process(self.connector, direction="inbound")
        waiting = self.receive("W", {"name": "W"})
        waiting._mfg_bookkeeping().write({"attempts": 3})
        self.assert_counts_match_database()
        # SQL, as the ordering crons write states.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET state = 'duplicate' WHERE id = %s",
            [waiting.id],
        )
        self.env.invalidate_all()
        self.assert_counts_match_database()
        # Folding the appended counts changes no figure.
        self.env["mfg.metrics"]._cron_fold_counters()
        self.env.cr.execute(
            "SELECT count(*) FROM mfg_message_count WHERE connector_id = %s",
            [self.connector.id],
        )
        self.assertLessEqual(self.env.cr.fetchone()[0], 3)  # done, failed, duplicate
        self.env.cr.execute("SELECT count(*) FROM mfg_message_count_delta")
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.assert_counts_match_database()
        samples = self.samples(self.scrape())
        done = self.env["mfg.sync.message"].search(
            [("connector_id", "=", self.connector.id), ("state", "=", "done")]
        )
        self.assertEqual(len(done), 3)
        for bound in LATENCY_BUCKETS:
            self.assertEqual(
                self.value(
                    samples,
                    "mfg_message_latency_seconds_bucket",
                    flow=upsert,
                    le=format_value(bound),
                ),
                len(done.filtered(lambda m, b=bound: m.latency_ms <= b * 1000)),
                bound,
            )
        # The retention cron deletes two old done messages: the stored counts
        # drop with them, the latency histogram (a counter) keeps them.
        old = done[:2]
        self.env.cr.execute(
            "UPDATE mfg_sync_message SET create_date = %s WHERE id IN %s",
            [fields.Datetime.now() - timedelta(days=400), tuple(old.ids)],
        )
        self.env.invalidate_all()
        self.env["mfg.sync.message"]._cron_vacuum()
        self.assertFalse(old.exists())
        self.assert_counts_match_database()
        samples = self.samples(self.scrape())
        self.assertEqual(
            self.value(
                samples, "mfg_messages", flow=upsert, direction="inbound", state="done"
            ),
            1,
        )
        self.assertEqual(
            self.value(samples, "mfg_message_latency_seconds_count", flow=upsert), 3
        )
        # A done message replayed and done again adds one completion.
        kept = done - old
        kept.action_replay()
        self.assertEqual(kept.state, "queued")
        self._mfg_process(self.connector, direction="inbound")
        self.assertEqual(kept.state, "done")
        self.assert_counts_match_database()
        samples = self.samples(self.scrape())
        self.assertEqual(
            self.value(samples, "mfg_message_latency_seconds_count", flow=upsert), 4
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
